import { afterEach, describe, expect, it } from 'vitest';
import { downNotification, providerServer } from '../test-fixtures.js';
import { sign, webhook } from './webhook.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const signal = () => AbortSignal.timeout(5000);

describe('webhook', () => {
  it('renders the notification as JSON, as documented in docs/notifications.md', () => {
    const config = webhook.config.parse({ url: 'https://hooks.example.com/x', headers: { 'x-team': 'a' } });
    const request = webhook.render(downNotification(), config);
    expect(request.method).toBe('POST');
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'x-team': 'a',
      'x-mcpwatch-event-id': '41',
    });
    expect(JSON.parse(request.body)).toEqual({
      version: 1,
      kind: 'down',
      state: 'firing',
      priority: 9,
      title: 'docs-search is down',
      body: 'server/discover got HTTP 503 (phase handshake, reason http_status)\nDown for 3 minutes.',
      facts: [
        { label: 'Reason', value: 'http_status' },
        { label: 'Phase', value: 'handshake' },
      ],
      monitor: {
        id: 7,
        name: 'docs-search',
        group: 'prod',
        tags: ['mcp'],
        target: 'https://mcp.example.com/mcp',
      },
      at: '2026-11-22T10:00:00.000Z',
      link: 'https://mcpwatch.example.com/monitors/7',
      dedupKey: 'mcpwatch-7-incident-3',
      eventId: 41,
    });
  });

  it('signs the timestamp and body, so a receiver can verify them', async () => {
    const secret = 'a-shared-secret-of-32-characters';
    const server = await providerServer((r) => {
      const timestamp = String(r.headers['x-mcpwatch-timestamp']);
      const ok = r.headers['x-mcpwatch-signature'] === sign(secret, timestamp, r.body);
      return { status: ok ? 204 : 401 };
    });
    close = server.close;
    const config = webhook.config.parse({ url: `${server.url}/hook`, secret });
    const delivery = await webhook.send(webhook.render(downNotification(), config), config, signal());
    expect(delivery).toEqual({ ok: true, status: 204 });
    expect(server.received[0]?.url).toBe('/hook');
    const age = Date.now() / 1000 - Number(server.received[0]?.headers['x-mcpwatch-timestamp']);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);
  });

  it('retries a rate limit after the Retry-After it names, and gives up on a refusal', async () => {
    let status = 429;
    const server = await providerServer(() => ({
      status,
      headers: { 'retry-after': '7' },
      body: '{"error":"slow down"}',
    }));
    close = server.close;
    const config = webhook.config.parse({ url: server.url });
    const request = webhook.render(downNotification(), config);
    expect(await webhook.send(request, config, signal())).toEqual({
      ok: false,
      permanent: false,
      status: 429,
      retryAfterMs: 7000,
      error: 'HTTP 429: {"error":"slow down"}',
    });
    status = 404;
    expect(await webhook.send(request, config, signal())).toMatchObject({
      ok: false,
      permanent: true,
      status: 404,
    });
    status = 503;
    expect(await webhook.send(request, config, signal())).toMatchObject({
      ok: false,
      permanent: false,
      status: 503,
    });
  });

  it('names only the host when the receiver cannot be reached (a webhook path is often its secret)', async () => {
    const config = webhook.config.parse({ url: 'http://127.0.0.1:1/secret-path-token' });
    const delivery = await webhook.send(webhook.render(downNotification(), config), config, signal());
    expect(delivery).toMatchObject({ ok: false, permanent: false });
    expect(JSON.stringify(delivery)).not.toContain('secret-path-token');
  });
});
