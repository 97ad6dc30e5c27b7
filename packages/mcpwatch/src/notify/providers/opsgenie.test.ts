import { afterEach, describe, expect, it } from 'vitest';
import type { Received } from '../test-fixtures.js';
import { downNotification, providerServer } from '../test-fixtures.js';
import { LIMITS, opsgenie, priorityOf } from './opsgenie.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const signal = () => AbortSignal.timeout(5000);
const KEY = 'eb243592-faa2-4ba2-a551q-1afdf565c889';
const ACCEPTED = { result: 'Request will be processed', took: 0.302, requestId: '43a29c5c-3dbf-4fa4-9c26' };

/** What the Alert API documents: GenieKey auth, the two endpoints, the required fields and limits. */
function check(r: Received): { status: number; body: string } {
  if (r.headers.authorization !== `GenieKey ${KEY}`) {
    return { status: 401, body: '{"message":"Could not authenticate","took":0.0,"requestId":"x"}' };
  }
  const body = JSON.parse(r.body);
  const create = r.method === 'POST' && r.url === '/v2/alerts';
  const closeByAlias =
    r.method === 'POST' && /^\/v2\/alerts\/[^/]+\/close\?identifierType=alias$/.test(r.url);
  const valid = create
    ? typeof body.message === 'string' &&
      body.message.length > 0 &&
      body.message.length <= 130 &&
      body.alias.length <= 512 &&
      body.description.length <= 15000 &&
      ['P1', 'P2', 'P3', 'P4', 'P5'].includes(body.priority)
    : closeByAlias && typeof body.source === 'string';
  if (!valid) return { status: 422, body: '{"message":"Request body is not processable","took":0.0}' };
  return { status: 202, body: JSON.stringify(ACCEPTED) };
}

describe('opsgenie', () => {
  const config = opsgenie.config.parse({ apiKey: KEY });

  it('renders a create with the incident as alias, P1 for a failed check, facts as details', () => {
    const request = opsgenie.render(downNotification(), config);
    expect(request).toMatchObject({ method: 'POST', url: 'https://api.opsgenie.com/v2/alerts' });
    expect(request.headers).toMatchObject({
      authorization: `GenieKey ${KEY}`,
      'content-type': 'application/json',
    });
    expect(JSON.parse(request.body)).toEqual({
      message: 'docs-search is down',
      alias: 'mcpwatch-7-incident-3',
      description:
        'server/discover got HTTP 503 (phase handshake, reason http_status)\nDown for 3 minutes.\n\nhttps://mcpwatch.example.com/monitors/7',
      priority: 'P1',
      tags: ['mcpwatch', 'down', 'prod', 'mcp'],
      details: {
        Reason: 'http_status',
        Phase: 'handshake',
        Target: 'https://mcp.example.com/mcp',
        Link: 'https://mcpwatch.example.com/monitors/7',
      },
      source: 'mcpwatch',
      entity: 'docs-search',
    });
  });

  it('renders the resolve as a close by alias, with the recovery as its note', () => {
    const request = opsgenie.render(
      downNotification({
        kind: 'recovered',
        state: 'resolved',
        title: 'docs-search recovered',
        body: 'Up again.',
      }),
      opsgenie.config.parse({ apiKey: KEY, region: 'eu' }),
    );
    expect(request.url).toBe(
      'https://api.eu.opsgenie.com/v2/alerts/mcpwatch-7-incident-3/close?identifierType=alias',
    );
    expect(JSON.parse(request.body)).toEqual({
      source: 'mcpwatch',
      note: 'docs-search recovered\n\nUp again.',
    });
  });

  it('escapes an alias that is not URL-safe in the close path', () => {
    const request = opsgenie.render(downNotification({ state: 'resolved', dedupKey: 'a/b c?d' }), config);
    expect(request.url).toBe('https://api.opsgenie.com/v2/alerts/a%2Fb%20c%3Fd/close?identifierType=alias');
  });

  it('maps priorities onto P1–P5', () => {
    expect([10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map(priorityOf)).toEqual([
      'P1',
      'P1',
      'P2',
      'P2',
      'P3',
      'P3',
      'P4',
      'P4',
      'P5',
      'P5',
    ]);
  });

  it('keeps to the documented limits: message 130, description 15,000 with the link kept, 20 tags of 50', () => {
    const long = downNotification({
      title: 't'.repeat(500),
      body: 'b'.repeat(20_000),
      dedupKey: 'k'.repeat(600),
      monitor: {
        ...downNotification().monitor,
        tags: Array.from({ length: 30 }, (_, i) => `${i}${'x'.repeat(80)}`),
      },
    });
    const body = JSON.parse(opsgenie.render(long, config).body);
    expect(body.message).toHaveLength(LIMITS.message);
    expect(body.description).toHaveLength(LIMITS.description);
    expect(body.description.endsWith('\n\nhttps://mcpwatch.example.com/monitors/7')).toBe(true);
    expect(body.alias).toHaveLength(LIMITS.alias);
    expect(body.tags).toHaveLength(LIMITS.tags);
    expect(Math.max(...body.tags.map((t: string) => t.length))).toBe(LIMITS.tag);
  });

  it('creates and closes an alert on a server checking requests as the Alert API documents', async () => {
    const server = await providerServer(check);
    close = server.close;
    const c = opsgenie.config.parse({ apiKey: KEY, url: server.url });
    const created = await opsgenie.send(opsgenie.render(downNotification(), c), c, signal());
    expect(created).toEqual({ ok: true, status: 202, response: JSON.stringify(ACCEPTED) });
    const resolve = opsgenie.render(downNotification({ state: 'resolved', kind: 'recovered' }), c);
    expect(await opsgenie.send(resolve, c, signal())).toMatchObject({ ok: true, status: 202 });
    expect(server.received.map((r) => r.url)).toEqual([
      '/v2/alerts',
      '/v2/alerts/mcpwatch-7-incident-3/close?identifierType=alias',
    ]);
  });

  it('gives up on a wrong key (401), a forbidden one (403) or an unprocessable body (422)', async () => {
    let status = 401;
    const server = await providerServer(() => ({ status, body: '{"message":"no","took":0.001}' }));
    close = server.close;
    const c = opsgenie.config.parse({ apiKey: KEY, url: server.url });
    const request = opsgenie.render(downNotification(), c);
    for (status of [401, 403, 422]) {
      const delivery = await opsgenie.send(request, c, signal());
      expect(delivery).toMatchObject({ ok: false, permanent: true, status });
      expect(JSON.stringify(delivery)).not.toContain(KEY);
    }
  });

  it('retries when throttled (429), after the Retry-After it names, and on a 5xx', async () => {
    let answer: { status: number; headers?: Record<string, string>; body?: string } = {
      status: 429,
      headers: { 'retry-after': '12', 'x-ratelimit-state': 'THROTTLED' },
      body: '{"message":"Rate limit exceeded","took":0.0}',
    };
    const server = await providerServer(() => answer);
    close = server.close;
    const c = opsgenie.config.parse({ apiKey: KEY, url: server.url });
    const request = opsgenie.render(downNotification(), c);
    expect(await opsgenie.send(request, c, signal())).toEqual({
      ok: false,
      permanent: false,
      status: 429,
      retryAfterMs: 12_000,
      error: 'HTTP 429: {"message":"Rate limit exceeded","took":0.0}',
    });
    answer = { status: 503 };
    expect(await opsgenie.send(request, c, signal())).toMatchObject({
      ok: false,
      permanent: false,
      status: 503,
    });
  });

  it('refuses an unknown region, saying which exist', () => {
    expect(opsgenie.config.safeParse({ apiKey: KEY, region: 'apac' }).error?.issues[0]?.message).toBe(
      'give region us or eu',
    );
  });
});
