import { afterEach, describe, expect, it } from 'vitest';
import { downNotification, providerServer } from '../test-fixtures.js';
import { ntfy, ntfyPriority } from './ntfy.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const signal = () => AbortSignal.timeout(5000);
const config = ntfy.config.parse({ topic: 'mcp-alerts-7f3k' });

describe('ntfy', () => {
  it('renders a JSON publish to the server root: urgent, rotating light, click to the monitor', () => {
    const request = ntfy.render(downNotification(), config);
    expect(request).toEqual({
      method: 'POST',
      url: 'https://ntfy.sh/',
      headers: { 'content-type': 'application/json', 'user-agent': 'mcpwatch' },
      body: request.body,
    });
    expect(JSON.parse(request.body)).toEqual({
      topic: 'mcp-alerts-7f3k',
      title: 'docs-search is down',
      message:
        'server/discover got HTTP 503 (phase handshake, reason http_status)\nDown for 3 minutes.\n\n' +
        'Reason: http_status\nPhase: handshake',
      priority: 5,
      tags: ['rotating_light', 'mcp'],
      click: 'https://mcpwatch.example.com/monitors/7',
    });
  });

  it('tags a recovery with a check mark and information with its sign; no click without a link', () => {
    const up = JSON.parse(
      ntfy.render(
        downNotification({ state: 'resolved', title: 'docs-search is up', link: undefined }),
        config,
      ).body,
    );
    expect(up.tags).toEqual(['white_check_mark', 'mcp']);
    expect(up.click).toBeUndefined();
    const info = JSON.parse(ntfy.render(downNotification({ state: 'info', priority: 4 }), config).body);
    expect(info).toMatchObject({ tags: ['information_source', 'mcp'], priority: 2 });
  });

  it("maps our 1–10 onto ntfy's 1–5", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(ntfyPriority)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('sends hostile text as it is: ntfy shows plain text unless asked for Markdown', () => {
    const name = '<b>x</b> & **bold** [a](https://phish.example)';
    const n = downNotification({ title: name, body: name, facts: [] });
    const body = JSON.parse(ntfy.render(n, config).body);
    expect(body.title).toBe(name);
    expect(body.message).toBe(name);
    expect(body.markdown).toBeUndefined();
  });

  it('cuts the message to 4,096 bytes without splitting a character, and the tags to 10', () => {
    const n = downNotification({ title: 'T'.repeat(300), body: '界'.repeat(3000) });
    n.monitor.tags = Array.from({ length: 15 }, (_, i) => `t${i}`);
    const body = JSON.parse(ntfy.render(n, config).body);
    expect(Buffer.byteLength(body.message)).toBeLessThanOrEqual(4096);
    expect(body.message).toMatch(/^界+…$/);
    expect(body.title).toBe(`${'T'.repeat(255)}…`);
    expect(body.tags).toHaveLength(11);
  });

  it('posts JSON to the root with a Bearer token and takes the message ntfy answers', async () => {
    const answer = '{"id":"sPs71M8A2T","time":1795341600,"event":"message","topic":"mcp-alerts-7f3k"}';
    const server = await providerServer(() => ({ status: 200, body: answer }));
    close = server.close;
    const c = ntfy.config.parse({
      url: server.url,
      topic: 'mcp-alerts-7f3k',
      token: 'tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2',
    });
    const delivery = await ntfy.send(ntfy.render(downNotification(), c), c, signal());
    expect(delivery).toEqual({ ok: true, status: 200, response: answer });
    const [received] = server.received;
    expect(received?.method).toBe('POST');
    expect(received?.url).toBe('/');
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.headers.authorization).toBe('Bearer tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2');
    expect(JSON.parse(received?.body ?? '')).toMatchObject({ topic: 'mcp-alerts-7f3k', priority: 5 });
  });

  it('signs in with Basic auth on a server under a path, and sends no credentials when none are set', async () => {
    const server = await providerServer(() => ({ status: 200, body: '{}' }));
    close = server.close;
    const basic = ntfy.config.parse({
      url: `${server.url}/ntfy`,
      topic: 'alerts',
      username: 'phil',
      password: 'mypass',
    });
    await ntfy.send(ntfy.render(downNotification(), basic), basic, signal());
    expect(server.received[0]?.url).toBe('/ntfy/');
    expect(server.received[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('phil:mypass').toString('base64')}`,
    );
    const open = ntfy.config.parse({ url: server.url, topic: 'alerts' });
    await ntfy.send(ntfy.render(downNotification(), open), open, signal());
    expect(server.received[1]?.headers.authorization).toBeUndefined();
  });

  it('waits out a rate limit (Retry-After, else the 5 s refill) and gives up on a refusal', async () => {
    const limited = '{"code":42901,"http":429,"error":"limit reached: too many requests, please be nice"}';
    let answer: { status: number; headers?: Record<string, string>; body: string } = {
      status: 429,
      body: limited,
    };
    const server = await providerServer(() => answer);
    close = server.close;
    const c = ntfy.config.parse({ url: server.url, topic: 'alerts' });
    const request = ntfy.render(downNotification(), c);
    expect(await ntfy.send(request, c, signal())).toEqual({
      ok: false,
      permanent: false,
      status: 429,
      retryAfterMs: 5000,
      error: `HTTP 429: ${limited}`,
    });
    answer = { status: 429, headers: { 'retry-after': '60' }, body: limited };
    expect(await ntfy.send(request, c, signal())).toMatchObject({ retryAfterMs: 60_000 });
    for (const [status, code] of [
      [401, 40101],
      [403, 40301],
      [413, 41301],
    ] as const) {
      answer = { status, body: JSON.stringify({ code, http: status, error: 'refused' }) };
      expect(await ntfy.send(request, c, signal())).toMatchObject({ ok: false, permanent: true, status });
    }
  });

  it('refuses half-given credentials, two kinds at once, and a topic ntfy would not take', () => {
    expect(ntfy.config.safeParse({ topic: 'a', username: 'phil' }).success).toBe(false);
    expect(ntfy.config.safeParse({ topic: 'a', password: 'p' }).success).toBe(false);
    expect(ntfy.config.safeParse({ topic: 'a', token: 'tk_x', username: 'u', password: 'p' }).success).toBe(
      false,
    );
    expect(ntfy.config.safeParse({ topic: 'my topic' }).success).toBe(false);
    expect(ntfy.config.safeParse({ topic: 'a', token: 'tk_x' }).success).toBe(true);
  });
});
