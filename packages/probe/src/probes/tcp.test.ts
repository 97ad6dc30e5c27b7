/** The tcp probe against small loopback servers: a banner, an echo, and peers that misbehave. */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { closedPort, expectVerdict, type Running, serveTcp, settle } from '../test-fixtures/servers.js';
import { probeTcp, type TcpOptionsInput } from './tcp.js';

const TIMEOUT = 1500;
let server: Running | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function probe(onSocket: (socket: Socket) => void, options: TcpOptionsInput = {}) {
  server = await serveTcp(onSocket);
  return settle(probeTcp(`127.0.0.1:${server.port}`, { timeoutMs: TIMEOUT, ...options }), TIMEOUT);
}

const banner = (socket: Socket) => socket.write('220 mail.test ESMTP ready\r\n');
const echo = (socket: Socket) => socket.pipe(socket);

describe('a server that behaves', () => {
  test('connect only: up', async () => {
    const result = await probe(() => {});
    expectVerdict(result, 'up', undefined);
    expect(result.timings.connect).toBeGreaterThanOrEqual(0);
  });

  test('a banner that contains what is expected: up, the reply kept', async () => {
    const result = await probe(banner, { expect: '220 ' });
    expectVerdict(result, 'up', undefined);
    expect(result.tcp?.received).toBe('220 mail.test ESMTP ready');
  });

  test('send, then expect the echo, and expectMatches: up', async () => {
    const result = await probe(echo, { send: 'PING 42\r\n', expect: 'PING', expectMatches: '^PING \\d+' });
    expectVerdict(result, 'up', undefined);
  });

  test('send only to a server that keeps the connection open: up', async () => {
    const result = await probe(() => {}, { send: 'hello\n' });
    expectVerdict(result, 'up', undefined);
  });
});

describe('a server that answers wrongly', () => {
  test('a reply without what is expected, connection kept open: assertion_failed, not timeout', async () => {
    const result = await probe(banner, { expect: 'SSH-2.0' });
    expectVerdict(result, 'down', 'assertion_failed', 'request');
    expect(result.tcp?.received).toContain('220');
  });

  test('a reply that fails expectMatches, then closes: assertion_failed', async () => {
    const result = await probe((socket) => socket.end('+PONG\r\n'), {
      send: 'PING\r\n',
      expectMatches: '^-ERR',
    });
    expectVerdict(result, 'down', 'assertion_failed', 'request');
  });

  test('a silent server: timeout', async () => {
    const result = await probe(() => {}, { expect: '220' });
    expectVerdict(result, 'down', 'timeout', 'request');
  });

  test('a reply over maxBytes: response_too_large', async () => {
    const result = await probe((socket) => socket.write('x'.repeat(64 * 1024)), {
      expect: 'never',
      maxBytes: 1024,
    });
    expectVerdict(result, 'down', 'response_too_large', 'request');
  });
});

describe('a peer that goes away', () => {
  test('closes before replying: connect_reset', async () => {
    const result = await probe((socket) => socket.end(), { send: 'PING\r\n', expect: 'PONG' });
    expectVerdict(result, 'down', 'connect_reset', 'request');
  });

  test('resets the connection: connect_reset', async () => {
    const result = await probe((socket) => socket.once('data', () => socket.resetAndDestroy()), {
      send: 'PING\r\n',
      expect: 'PONG',
    });
    expectVerdict(result, 'down', 'connect_reset', 'request');
  });

  test('nothing listening: connect_refused', async () => {
    const port = await closedPort();
    const result = await settle(probeTcp(`127.0.0.1:${port}`, { timeoutMs: TIMEOUT }), TIMEOUT);
    expectVerdict(result, 'down', 'connect_refused', 'connect');
  });

  test('a name that cannot resolve: dns', async () => {
    const result = await settle(probeTcp('db.nonexistent.invalid:5432', { timeoutMs: TIMEOUT }), TIMEOUT);
    expectVerdict(result, 'down', 'dns', 'dns');
  });
});
