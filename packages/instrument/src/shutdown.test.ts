import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { instrument } from './instrument.js';
import { gracefulShutdown } from './shutdown.js';
import { listen } from './test-fixtures/servers.js';
import { until } from './test-fixtures/until.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('gracefulShutdown', () => {
  it('stops the HTTP server taking connections, drains, runs the hook, and reports 0', async () => {
    const server = new McpServer({ name: 's', version: '1' });
    const obs = instrument(server, { collectDefaultMetrics: false, logLevel: 'silent' });
    const http = await listen(obs.healthHandler());
    const order: string[] = [];
    const sd = gracefulShutdown({
      instrumentation: obs,
      servers: [http.server],
      exit: false,
      signals: [],
      onShutdown: () => void order.push('hook'),
    });
    cleanup.push(() => sd.dispose());
    expect((await fetch(`${http.url}/live`)).status).toBe(200);
    expect(await sd.shutdown('test')).toBe(0);
    expect(order).toEqual(['hook']);
    expect(obs.draining).toBe(true);
    await expect(fetch(`${http.url}/live`)).rejects.toThrow();
  });

  it('gives up on a request that outlives the bound and reports 1, once, however often it is asked', async () => {
    const server = new McpServer({ name: 's', version: '1' });
    server.registerTool('hang', { description: 'Never answers' }, () => new Promise(() => {}));
    const obs = instrument(server, { collectDefaultMetrics: false, logLevel: 'silent' });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    const client = new Client({ name: 'c', version: '1' });
    await client.connect(b);
    const call = client.callTool({ name: 'hang', arguments: {} }).catch((e: Error) => e);
    await until(() => obs.inFlight() === 1, 'the call to be in flight');
    const sd = gracefulShutdown({ instrumentation: obs, exit: false, signals: [], timeoutMs: 50 });
    const [first, second] = await Promise.all([sd.shutdown(), sd.shutdown()]);
    expect([first, second]).toEqual([1, 1]);
    // Closing the session ended the call that would never have answered.
    expect(await call).toBeInstanceOf(Error);
    expect(obs.sessions()).toBe(0);
  });

  it('reports 1 when the cleanup hook throws', async () => {
    const sd = gracefulShutdown({
      exit: false,
      signals: [],
      onShutdown: () => {
        throw new Error('pool would not close');
      },
    });
    expect(await sd.shutdown()).toBe(1);
  });

  it('runs on the signals it is given', async () => {
    const server = new McpServer({ name: 's', version: '1' });
    const obs = instrument(server, { collectDefaultMetrics: false, logLevel: 'silent' });
    const sd = gracefulShutdown({ instrumentation: obs, exit: false, signals: ['SIGUSR2'] });
    cleanup.push(() => sd.dispose());
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(obs.draining).toBe(true);
    expect(await sd.shutdown()).toBe(0);
  });
});
