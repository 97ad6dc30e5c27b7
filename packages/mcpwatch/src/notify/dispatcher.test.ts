import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DeliveryRecord, type Monitor, openStore, type Store } from '../store/index.js';
import { Dispatcher, type DispatcherDeps } from './dispatcher.js';
import type { AnyNotifier } from './notifier.js';
import { webhook } from './providers/webhook.js';
import { downNotification, providerServer } from './test-fixtures.js';

/**
 * The dispatcher against a real SQLite store and the real webhook provider, sending to loopback servers.
 * Time moves by a hand-held clock, so retries come due without sleeping; waits poll with a deadline, and
 * nothing asserts on durations.
 */
const T0 = Date.UTC(2026, 10, 22, 10);
const HOUR = 3_600_000;

let dir: string;
let store: Store;
let clock: number;
let seq = 0;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
const silent = pino({ level: 'silent' });

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-dispatch-'));
  store = await openStore(`sqlite:${path.join(dir, 'mcpwatch.db')}`);
  clock = T0;
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: string, read: () => Promise<T> | T, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 10));
    last = await read();
  }
  return last;
}

async function monitor(): Promise<Monitor> {
  return store.createMonitor(
    { key: `m${++seq}`, name: 'docs-search', kind: 'mcp', target: 'https://x', config: {}, source: 'api' },
    T0,
  );
}

/** One event per entry, each in its own write as checks make them, queued for `channels`. */
async function events(m: Monitor, count: number, channels: string[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const version = (await store.getState(m.id))?.version ?? 0;
    // Just before now, in order: due at once on the test's clock.
    const at = clock - count + i;
    await store.setState(m.id, version, { status: 'down', since: at, lastCheckAt: at, data: {} }, [
      { kind: 'down', at, evidence: { i }, channels },
    ]);
  }
}

/** Channel name → webhook URL; any other name cannot be resolved. */
function dispatcher(urls: Record<string, string>, over: Partial<DispatcherDeps> = {}): Dispatcher {
  const d = new Dispatcher({
    store,
    log: silent,
    now: () => clock,
    resolveChannel: (name) => {
      const url = urls[name];
      return url === undefined
        ? { error: `there is no channel named "${name}"` }
        : { notifier: webhook, config: webhook.config.parse({ url }) };
    },
    // Each event its own dedupKey, so a receiver can tell which row a request carried.
    notificationFor: async (item) =>
      downNotification({
        dedupKey: `event-${item.event.evidence.i}`,
        title: `event ${item.event.evidence.i}`,
      }),
    ...over,
  });
  cleanups.push(() => d.stop(100));
  return d;
}

const keyOf = (body: string) => (JSON.parse(body) as { dedupKey: string }).dedupKey;
const deliveries = (channel?: string) =>
  store.listDeliveries({ limit: 1000, ...(channel ? { channel } : {}) }).then((rows) => rows.reverse());
const allSettled = (rows: DeliveryRecord[]) => rows.length > 0 && rows.every((r) => r.status !== 'pending');

/** A receiver that holds every request until `release()` (or 3 s), recording when each came and was answered. */
async function heldServer(log: string[], name: string) {
  let release!: () => void;
  let released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      log.push(`${name} received ${keyOf(Buffer.concat(chunks).toString('utf8'))}`);
      await Promise.race([released, new Promise((r) => setTimeout(r, 3000))]);
      log.push(`${name} answered`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    release: () => {
      release();
      // Later requests wait again until the next release.
      released = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
  };
}

async function server(respond: Parameters<typeof providerServer>[0]) {
  const s = await providerServer(respond);
  cleanups.push(s.close);
  return s;
}

describe('Dispatcher', () => {
  it('delivers a new event once, as soon as it is woken, and records the answer', async () => {
    const hook = await server(() => ({ status: 200, body: '{"id":"msg-1"}' }));
    // No poll to speak of: only wake() can make this delivery happen within the test.
    const d = dispatcher({ hook: hook.url }, { pollMs: 3_600_000 });
    d.start();
    const m = await monitor();
    await events(m, 1, ['hook']);
    d.wake();
    const [row] = await until('the delivery', deliveries, allSettled);
    expect(row).toMatchObject({
      status: 'sent',
      attempts: 0,
      statusCode: 200,
      response: '{"id":"msg-1"}',
      sentAt: T0,
      lastError: null,
    });
    d.wake();
    await d.stop(1000);
    expect(hook.received.map((r) => keyOf(r.body))).toEqual(['event-0']);
  });

  it('waits at least what Retry-After asks before trying again', async () => {
    let answer = { status: 429, headers: { 'retry-after': '2' } };
    const hook = await server(() => answer);
    const d = dispatcher({ hook: hook.url });
    const m = await monitor();
    await events(m, 1, ['hook']);
    d.start();
    const [first] = await until('the first attempt', deliveries, (rows) => rows[0]?.attempts === 1);
    expect(first).toMatchObject({ status: 'pending', statusCode: 429, lastError: 'HTTP 429' });
    // Two seconds is less than the first backoff step; the later of the two wins.
    expect(first?.nextAttemptAt).toBeGreaterThanOrEqual(T0 + 2000);
    expect(first?.nextAttemptAt).toBe(T0 + 30_000);

    answer = { status: 429, headers: { 'retry-after': '600' } };
    clock = first?.nextAttemptAt as number;
    d.wake();
    const [second] = await until('the second attempt', deliveries, (rows) => rows[0]?.attempts === 2);
    expect(second?.nextAttemptAt).toBe(clock + 600_000);
    clock += 600_000 - 1;
    d.wake();
    answer = { status: 204, headers: {} };
    await d.stop(1000);
    expect(hook.received).toHaveLength(2);
  });

  it('fails a refused notification at once, keeping the provider answer', async () => {
    const hook = await server(() => ({ status: 400, body: '{"error":"unknown field"}' }));
    const d = dispatcher({ hook: hook.url });
    const m = await monitor();
    await events(m, 1, ['hook', 'nowhere']);
    d.start();
    const rows = await until('both rows settled', deliveries, allSettled);
    expect(rows.find((r) => r.channel === 'hook')).toMatchObject({
      status: 'failed',
      attempts: 1,
      statusCode: 400,
      lastError: 'HTTP 400: {"error":"unknown field"}',
      nextAttemptAt: null,
    });
    expect(rows.find((r) => r.channel === 'nowhere')).toMatchObject({
      status: 'failed',
      lastError: 'there is no channel named "nowhere"',
    });
  });

  it('delivers the backlog of a channel that was down, in order, without holding up the other channel', async () => {
    let failures = 3;
    const flaky = await server(() => (failures-- > 0 ? { status: 503 } : { status: 200 }));
    const steady = await server(() => ({ status: 200 }));
    const d = dispatcher({ flaky: flaky.url, steady: steady.url });
    const m = await monitor();
    await events(m, 5, ['flaky', 'steady']);
    d.start();
    await until('the steady channel', () => deliveries('steady'), allSettled);
    await until(
      'the first failure',
      () => deliveries('flaky'),
      (rows) => rows[0]?.attempts === 1,
    );
    const flakyNow = await deliveries('flaky');
    expect(flakyNow.map((r) => r.status)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);
    expect(flaky.received.map((r) => keyOf(r.body))).toEqual(['event-0']);

    // An hour at a time, until the channel answers again and its backlog drains.
    const rows = await until(
      'the flaky channel to recover',
      () => {
        clock += HOUR;
        d.wake();
        return deliveries('flaky');
      },
      allSettled,
    );
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    expect(flaky.received.map((r) => keyOf(r.body))).toEqual([
      'event-0',
      'event-0',
      'event-0',
      'event-0',
      'event-1',
      'event-2',
      'event-3',
      'event-4',
    ]);
    expect(steady.received.map((r) => keyOf(r.body))).toEqual([
      'event-0',
      'event-1',
      'event-2',
      'event-3',
      'event-4',
    ]);
  });

  it('lets a fast channel deliver while a slow one is still waiting for its answer', async () => {
    const log: string[] = [];
    const slow = await heldServer(log, 'slow');
    const fast = await server((r) => {
      log.push(`fast received ${keyOf(r.body)}`);
      return { status: 200 };
    });
    const d = dispatcher({ slow: slow.url, fast: fast.url });
    const m = await monitor();
    await events(m, 3, ['slow', 'fast']);
    d.start();
    await until('the fast channel', () => deliveries('fast'), allSettled);
    const slowRows = await deliveries('slow');
    expect(slowRows[0]).toMatchObject({ status: 'pending', inFlight: true });
    slow.release();
    await until(
      'the slow channel',
      () => deliveries('slow'),
      (rows) => rows[0]?.status === 'sent',
    );
    const answered = log.indexOf('slow answered');
    expect(log.indexOf('slow received event-0')).toBeGreaterThanOrEqual(0);
    for (const i of [0, 1, 2]) {
      expect(log.indexOf(`fast received event-${i}`)).toBeGreaterThanOrEqual(0);
      expect(log.indexOf(`fast received event-${i}`)).toBeLessThan(answered);
    }
  });

  it('sends every row exactly once across a stop and a new dispatcher on the same store', async () => {
    const log: string[] = [];
    let held = 0;
    const hook = await heldServer(log, 'hook');
    const first = dispatcher({ hook: hook.url });
    const m = await monitor();
    await events(m, 6, ['hook']);
    first.start();
    // Each answer is released by hand; stop while the third is with the receiver.
    while (held < 2) {
      await until(
        'a request',
        () => log.filter((l) => l.includes('received')).length,
        (n) => n > held,
      );
      hook.release();
      held++;
    }
    await until(
      'the third request',
      () => log.filter((l) => l.includes('received')).length,
      (n) => n === 3,
    );
    const stopping = first.stop(10_000);
    hook.release();
    await stopping;
    expect(await deliveries().then((rows) => rows.map((r) => r.status))).toEqual([
      'sent',
      'sent',
      'sent',
      'pending',
      'pending',
      'pending',
    ]);

    const second = dispatcher({ hook: hook.url });
    second.start();
    const rows = await until(
      'the rest',
      () => {
        hook.release();
        return deliveries();
      },
      allSettled,
    );
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent', 'sent']);
    expect(log.filter((l) => l.includes('received'))).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => `hook received event-${i}`),
    );
  });

  it('takes over the rows of a worker that died holding them once their lease runs out', async () => {
    const hook = await server(() => ({ status: 200 }));
    const m = await monitor();
    await events(m, 1, ['hook']);
    expect(await store.claimOutbox('killed-worker', clock)).toHaveLength(1);
    const d = dispatcher({ hook: hook.url }, { leaseMs: 60_000 });
    d.start();
    clock += 60_001;
    d.wake();
    await until('the abandoned row', deliveries, allSettled);
    expect(hook.received.map((r) => keyOf(r.body))).toEqual(['event-0']);
  });

  it('keeps going when a provider throws, and retries what could not be sent', async () => {
    const hook = await server(() => ({ status: 200 }));
    const exploding: AnyNotifier = {
      ...webhook,
      type: 'exploding',
      send: () => {
        throw new Error('boom');
      },
    };
    const d = dispatcher(
      {},
      {
        resolveChannel: (name) =>
          name === 'exploding'
            ? { notifier: exploding, config: {} }
            : { notifier: webhook, config: webhook.config.parse({ url: hook.url }) },
      },
    );
    const m = await monitor();
    await events(m, 2, ['exploding', 'hook']);
    d.start();
    await until('the working channel', () => deliveries('hook'), allSettled);
    const broken = await until(
      'the failing channel',
      () => deliveries('exploding'),
      (rows) => rows[0]?.attempts === 1,
    );
    expect(broken[0]).toMatchObject({ status: 'pending', lastError: 'the exploding provider failed: boom' });
  });
});
