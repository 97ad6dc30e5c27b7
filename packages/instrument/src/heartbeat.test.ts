import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHeartbeat, heartbeatUrl } from './heartbeat.js';
import { until } from './test-fixtures/until.js';

interface Receiver {
  base: string;
  paths: string[];
  methods: string[];
  close(): Promise<void>;
}

// A loopback stand-in for mcpwatch's /hb/<token> endpoint, recording what it was sent.
async function receiver(
  answer: (path: string, n: number) => { status: number; headers?: Record<string, string> } = () => ({
    status: 200,
  }),
): Promise<Receiver> {
  const paths: string[] = [];
  const methods: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? '');
    methods.push(req.method ?? '');
    const { status, headers } = answer(req.url ?? '', paths.length);
    res.writeHead(status, headers).end('OK\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/hb/tok123`,
    paths,
    methods,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const open: Receiver[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

describe('heartbeatUrl', () => {
  it('puts the kind after the token, keeping a query and dropping a trailing slash', () => {
    expect(heartbeatUrl('https://w.example/hb/abc', 'success')).toBe('https://w.example/hb/abc');
    expect(heartbeatUrl('https://w.example/hb/abc/', 'start')).toBe('https://w.example/hb/abc/start');
    expect(heartbeatUrl('https://w.example/x/hb/abc?k=1', 'stop')).toBe(
      'https://w.example/x/hb/abc/stop?k=1',
    );
  });
});

describe('createHeartbeat', () => {
  it('sends /start on the first activity, then success pings each interval, then /stop', async () => {
    const r = await receiver();
    open.push(r);
    const hb = createHeartbeat({ url: r.base, intervalMs: 20 });
    hb.activity();
    hb.activity();
    await until(() => r.paths.length >= 3, 'two success pings');
    await hb.stop();
    expect(r.paths[0]).toBe('/hb/tok123/start');
    expect(r.paths.slice(1, -1).every((p) => p === '/hb/tok123')).toBe(true);
    expect(r.paths.at(-1)).toBe('/hb/tok123/stop');
    expect(r.paths.filter((p) => p.endsWith('/start'))).toHaveLength(1);
  });

  it('sends nothing at all when nothing happened before stop', async () => {
    const r = await receiver();
    open.push(r);
    const hb = createHeartbeat({ url: r.base });
    await hb.stop();
    hb.activity();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(r.paths).toEqual([]);
  });

  it('stop is idempotent: one /stop for any number of calls, and no pings after it', async () => {
    const r = await receiver();
    open.push(r);
    const hb = createHeartbeat({ url: r.base, intervalMs: 60_000 });
    hb.activity();
    await Promise.all([hb.stop(), hb.stop()]);
    await hb.stop();
    hb.activity();
    expect(r.paths).toEqual(['/hb/tok123/start', '/hb/tok123/stop']);
  });

  it('sends /fail when told the server failed', async () => {
    const r = await receiver();
    open.push(r);
    const hb = createHeartbeat({ url: r.base });
    hb.activity();
    hb.fail();
    await until(() => r.paths.length === 2, 'the /fail ping');
    expect(r.paths).toEqual(['/hb/tok123/start', '/hb/tok123/fail']);
    await hb.stop();
  });

  it('retries a /start answered 429 after its Retry-After, once', async () => {
    const r = await receiver((_path, n) =>
      n === 1 ? { status: 429, headers: { 'retry-after': '0' } } : { status: 200 },
    );
    open.push(r);
    const errors: Error[] = [];
    const hb = createHeartbeat({ url: r.base, onError: (e) => errors.push(e) });
    hb.activity();
    await until(() => r.paths.length === 2, 'the retried /start');
    await hb.stop();
    expect(r.paths).toEqual(['/hb/tok123/start', '/hb/tok123/start', '/hb/tok123/stop']);
    expect(errors).toEqual([]);
  });

  it('reports a non-2xx answer to onError', async () => {
    const r = await receiver(() => ({ status: 404 }));
    open.push(r);
    const errors: Error[] = [];
    const hb = createHeartbeat({ url: r.base, onError: (e) => errors.push(e) });
    hb.activity();
    await hb.stop();
    expect(errors.map((e) => e.message)).toEqual([
      'heartbeat /start: mcpwatch answered HTTP 404',
      'heartbeat /stop: mcpwatch answered HTTP 404',
    ]);
  });

  it('never throws to the caller when the network is down; errors go to onError and stop still resolves', async () => {
    // A port that was just closed: connections are refused.
    const r = await receiver();
    const url = r.base;
    await r.close();
    const errors: Error[] = [];
    const hb = createHeartbeat({ url, timeoutMs: 2_000, onError: (e) => errors.push(e) });
    expect(() => hb.activity()).not.toThrow();
    expect(() => hb.fail()).not.toThrow();
    await hb.stop();
    expect(errors.map((e) => e.message.split(':')[0])).toEqual([
      'heartbeat /start',
      'heartbeat /fail',
      'heartbeat /stop',
    ]);
  });

  it('a throwing onError does not escape', async () => {
    const r = await receiver(() => ({ status: 500 }));
    open.push(r);
    const hb = createHeartbeat({
      url: r.base,
      onError: () => {
        throw new Error('boom');
      },
    });
    hb.activity();
    await expect(hb.stop()).resolves.toBeUndefined();
    expect(r.paths).toEqual(['/hb/tok123/start', '/hb/tok123/stop']);
  });

  it('rejects a URL that is not one at creation, where the user sees it', () => {
    expect(() => createHeartbeat({ url: 'not a url' })).toThrow();
  });
});
