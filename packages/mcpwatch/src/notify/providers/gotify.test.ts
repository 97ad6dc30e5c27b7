import { afterEach, describe, expect, it } from 'vitest';
import { downNotification, providerServer } from '../test-fixtures.js';
import { gotify, gotifyPriority } from './gotify.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const signal = () => AbortSignal.timeout(5000);
const TOKEN = 'AaZ1bC2dE3fG4hI';
const config = gotify.config.parse({ url: 'https://gotify.example.com/', token: TOKEN });

describe('gotify', () => {
  it('renders POST /message: title, plain-text message with facts, priority as it is, a click URL', () => {
    const request = gotify.render(downNotification(), config);
    expect(request).toEqual({
      method: 'POST',
      url: 'https://gotify.example.com/message',
      headers: { 'content-type': 'application/json', 'user-agent': 'mcpwatch' },
      body: request.body,
    });
    expect(JSON.parse(request.body)).toEqual({
      title: 'docs-search is down',
      message:
        'server/discover got HTTP 503 (phase handshake, reason http_status)\nDown for 3 minutes.\n\n' +
        'Reason: http_status\nPhase: handshake',
      priority: 9,
      extras: {
        'client::display': { contentType: 'text/plain' },
        'client::notification': { click: { url: 'https://mcpwatch.example.com/monitors/7' } },
      },
    });
    // The token joins at sending: a rendered request holds no secret.
    expect(request.body + JSON.stringify(request.headers)).not.toContain(TOKEN);
  });

  it('leaves out the click without a link, and keeps priorities on the 0–10 scale', () => {
    const body = JSON.parse(
      gotify.render(downNotification({ state: 'resolved', priority: 4, link: undefined }), config).body,
    );
    expect(body.extras).toEqual({ 'client::display': { contentType: 'text/plain' } });
    expect(body.priority).toBe(4);
    expect([1, 7, 10, 12, -1, 6.6].map(gotifyPriority)).toEqual([1, 7, 10, 10, 0, 7]);
  });

  it('asks clients to show hostile text as plain text, not Markdown that could load remote images', () => {
    const name = '<b>x</b> & ![img](https://tracker.example/p.png) **bold**';
    const body = JSON.parse(
      gotify.render(downNotification({ title: name, body: name, facts: [] }), config).body,
    );
    expect(body.title).toBe(name);
    expect(body.message).toBe(name);
    expect(body.extras['client::display']).toEqual({ contentType: 'text/plain' });
  });

  it('cuts a huge message under a TEXT column and a long title', () => {
    const n = downNotification({ title: 'T'.repeat(400), body: 'é'.repeat(50_000) });
    const body = JSON.parse(gotify.render(n, config).body);
    expect(Buffer.byteLength(body.message)).toBeLessThanOrEqual(60_000);
    expect(body.message).toMatch(/^é+…$/);
    expect(body.title).toBe(`${'T'.repeat(249)}…`);
  });

  it('posts to /message under a path prefix with X-Gotify-Key and takes the stored message', async () => {
    const answer =
      '{"id":25,"appid":5,"message":"…","title":"docs-search is down","priority":9,"date":"2026-11-22T10:00:01Z"}';
    const server = await providerServer(() => ({ status: 200, body: answer }));
    close = server.close;
    const c = gotify.config.parse({ url: `${server.url}/gotify`, token: TOKEN });
    const delivery = await gotify.send(gotify.render(downNotification(), c), c, signal());
    expect(delivery).toEqual({ ok: true, status: 200, response: answer });
    const [received] = server.received;
    expect(received?.method).toBe('POST');
    expect(received?.url).toBe('/gotify/message');
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.headers['x-gotify-key']).toBe(TOKEN);
    const sent = JSON.parse(received?.body ?? '');
    expect(Object.keys(sent).sort()).toEqual(['extras', 'message', 'priority', 'title']);
  });

  it("gives up on Gotify's refusals and waits out a proxy's rate limit", async () => {
    let answer: { status: number; headers?: Record<string, string>; body: string } = {
      status: 401,
      body: '{"error":"Unauthorized","errorCode":401,"errorDescription":"you need to provide a valid access token or user credentials to access this api"}',
    };
    const server = await providerServer(() => answer);
    close = server.close;
    const c = gotify.config.parse({ url: server.url, token: TOKEN });
    const request = gotify.render(downNotification(), c);
    expect(await gotify.send(request, c, signal())).toMatchObject({
      ok: false,
      permanent: true,
      status: 401,
    });
    for (const status of [400, 403]) {
      answer = {
        status,
        body: JSON.stringify({ error: 'x', errorCode: status, errorDescription: 'refused' }),
      };
      expect(await gotify.send(request, c, signal())).toMatchObject({ ok: false, permanent: true, status });
    }
    answer = { status: 429, headers: { 'retry-after': '20' }, body: 'Too Many Requests' };
    expect(await gotify.send(request, c, signal())).toEqual({
      ok: false,
      permanent: false,
      status: 429,
      retryAfterMs: 20_000,
      error: 'HTTP 429: Too Many Requests',
    });
    answer = { status: 503, body: '' };
    expect(await gotify.send(request, c, signal())).toMatchObject({
      ok: false,
      permanent: false,
      status: 503,
    });
  });
});
