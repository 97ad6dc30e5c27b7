import { afterEach, describe, expect, it } from 'vitest';
import type { Received } from '../test-fixtures.js';
import { downNotification, providerServer } from '../test-fixtures.js';
import { dedupKeyOf, pagerduty, RATE_LIMIT_BACKOFF_MS, severityOf } from './pagerduty.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const signal = () => AbortSignal.timeout(5000);
const KEY = 'abcdef0123456789abcdef0123456789';

/** What the Events API v2 documents for an alert event: required fields and their types and limits. */
function checkAlertEvent(r: Received): string | undefined {
  if (r.method !== 'POST' || r.url !== '/v2/enqueue') return `unexpected ${r.method} ${r.url}`;
  if (!String(r.headers['content-type']).startsWith('application/json')) return 'not JSON';
  const event = JSON.parse(r.body);
  if (event.routing_key !== KEY) return 'routing_key';
  if (!['trigger', 'acknowledge', 'resolve'].includes(event.event_action)) return 'event_action';
  if (typeof event.dedup_key !== 'string' || event.dedup_key.length > 255) return 'dedup_key';
  if (event.event_action === 'trigger') {
    const p = event.payload;
    if (typeof p?.summary !== 'string' || p.summary.length > 1024) return 'payload.summary';
    if (typeof p.source !== 'string' || p.source === '') return 'payload.source';
    if (!['critical', 'error', 'warning', 'info'].includes(p.severity)) return 'payload.severity';
  }
  return undefined;
}

describe('pagerduty', () => {
  const config = pagerduty.config.parse({ routingKey: KEY });

  it('renders a trigger with the incident as dedup_key, the facts as custom details and a link', () => {
    const request = pagerduty.render(downNotification(), config);
    expect(request).toMatchObject({ method: 'POST', url: 'https://events.pagerduty.com/v2/enqueue' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: 'mcpwatch-7-incident-3',
      payload: {
        summary: 'docs-search is down',
        source: 'https://mcp.example.com/mcp',
        severity: 'critical',
        timestamp: '2026-11-22T10:00:00.000Z',
        component: 'docs-search',
        group: 'prod',
        class: 'down',
        custom_details: {
          message: 'server/discover got HTTP 503 (phase handshake, reason http_status)\nDown for 3 minutes.',
          Reason: 'http_status',
          Phase: 'handshake',
        },
      },
      links: [{ href: 'https://mcpwatch.example.com/monitors/7', text: 'docs-search in mcpwatch' }],
      client: 'mcpwatch',
      client_url: 'https://mcpwatch.example.com/monitors/7',
    });
  });

  it('renders a resolve with only the routing key, the action and the same dedup_key', () => {
    const request = pagerduty.render(
      downNotification({ kind: 'recovered', state: 'resolved', priority: 5, title: 'docs-search recovered' }),
      config,
    );
    expect(request.url).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(JSON.parse(request.body)).toEqual({
      routing_key: KEY,
      event_action: 'resolve',
      dedup_key: 'mcpwatch-7-incident-3',
    });
  });

  it('sends an informational notification as a change event, which pages nobody', () => {
    const release = downNotification({
      kind: 'package_released',
      state: 'info',
      priority: 4,
      title: 'docs-search 1.3.0 was published',
      body: 'npm: docs-search 1.2.0 → 1.3.0',
      facts: [],
      link: undefined,
      dedupKey: 'mcpwatch-7-event-41',
    });
    const request = pagerduty.render(release, config);
    expect(request.url).toBe('https://events.pagerduty.com/v2/change/enqueue');
    expect(JSON.parse(request.body)).toEqual({
      routing_key: KEY,
      payload: {
        summary: 'docs-search 1.3.0 was published',
        source: 'https://mcp.example.com/mcp',
        timestamp: '2026-11-22T10:00:00.000Z',
        custom_details: { message: 'npm: docs-search 1.2.0 → 1.3.0' },
      },
      links: [],
    });
    // A ruleset key (R…) takes no change events: the same notification is an info alert there.
    const ruleset = pagerduty.config.parse({ routingKey: 'R0123456789ABCDEF0123456789ABCDE' });
    const alert = JSON.parse(pagerduty.render(release, ruleset).body);
    expect(alert).toMatchObject({ event_action: 'trigger', payload: { severity: 'info' } });
  });

  it('maps priorities onto the four severities', () => {
    expect([10, 9, 8, 7, 6, 4, 3, 1].map(severityOf)).toEqual([
      'critical',
      'critical',
      'error',
      'error',
      'warning',
      'warning',
      'info',
      'info',
    ]);
  });

  it('keeps to the documented limits: summary 1024 characters, dedup_key 255 (hashed, never cut)', () => {
    const long = downNotification({ title: 'x'.repeat(5000), dedupKey: `k${'y'.repeat(400)}` });
    const event = JSON.parse(pagerduty.render(long, config).body);
    expect(event.payload.summary).toHaveLength(1024);
    expect(event.payload.summary.endsWith('…')).toBe(true);
    expect(event.dedup_key).toHaveLength(255);
    expect(dedupKeyOf(long.dedupKey)).toBe(event.dedup_key);
    expect(dedupKeyOf(`${long.dedupKey}z`)).not.toBe(event.dedup_key);
  });

  it('delivers a trigger and its resolve to a server checking them as the Events API documents', async () => {
    const server = await providerServer((r) => {
      const problem = checkAlertEvent(r);
      if (problem)
        return { status: 400, body: JSON.stringify({ status: 'invalid event', errors: [problem] }) };
      const { dedup_key } = JSON.parse(r.body);
      return {
        status: 202,
        body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key }),
      };
    });
    close = server.close;
    const c = pagerduty.config.parse({ routingKey: KEY, url: server.url });
    const trigger = await pagerduty.send(pagerduty.render(downNotification(), c), c, signal());
    expect(trigger).toEqual({
      ok: true,
      status: 202,
      response: '{"status":"success","message":"Event processed","dedup_key":"mcpwatch-7-incident-3"}',
    });
    const resolve = pagerduty.render(downNotification({ state: 'resolved', kind: 'recovered' }), c);
    expect(await pagerduty.send(resolve, c, signal())).toMatchObject({ ok: true, status: 202 });
    expect(server.received.map((r) => JSON.parse(r.body).event_action)).toEqual(['trigger', 'resolve']);
  });

  it('retries a rate limit after a few minutes (no Retry-After), and a 5xx; gives up on a 400', async () => {
    let answer: { status: number; headers?: Record<string, string>; body?: string } = {
      status: 429,
      body: '{"status":"throttle event","message":"Requests for this service are arriving too quickly."}',
    };
    const server = await providerServer(() => answer);
    close = server.close;
    const c = pagerduty.config.parse({ routingKey: KEY, url: `${server.url}/` });
    const request = pagerduty.render(downNotification(), c);
    expect(await pagerduty.send(request, c, signal())).toEqual({
      ok: false,
      permanent: false,
      status: 429,
      retryAfterMs: RATE_LIMIT_BACKOFF_MS,
      error:
        'HTTP 429: {"status":"throttle event","message":"Requests for this service are arriving too quickly."}',
    });
    answer = { status: 429, headers: { 'retry-after': '30' } };
    expect(await pagerduty.send(request, c, signal())).toMatchObject({ retryAfterMs: 30_000 });
    answer = { status: 502 };
    expect(await pagerduty.send(request, c, signal())).toMatchObject({
      ok: false,
      permanent: false,
      status: 502,
    });
    answer = { status: 400, body: '{"status":"invalid event","message":"Event object is invalid"}' };
    expect(await pagerduty.send(request, c, signal())).toMatchObject({
      ok: false,
      permanent: true,
      status: 400,
    });
    expect(server.received.every((r) => r.url === '/v2/enqueue')).toBe(true);
  });

  it('refuses a config without a routing key, saying what to give', () => {
    const result = pagerduty.config.safeParse({ routingKey: '' });
    expect(result.error?.issues[0]?.message).toMatch(/integration key/);
  });
});
