import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './start-server.js';
import { parseTrustProxy } from './trust-proxy.js';
import { UsageError } from './usage-error.js';

let dir: string | undefined;
let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close(1000);
  server = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function serve(trustProxy?: string): Promise<RunningServer> {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-proxy-'));
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    database: path.join(dir, 'mcpwatch.db'),
    env: { MCPWATCH_ADMIN_PASSWORD: 'correct horse battery' },
    log: pino({ level: 'silent' }),
    ...(trustProxy !== undefined ? { trustProxy: parseTrustProxy(trustProxy) } : {}),
  });
  return server;
}

/** Wrong sign-ins as one client behind the proxy; the status of each. */
async function signIns(s: RunningServer, client: string, count: number): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${s.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
      // A different name each time: only the per-address limit (30 at once) is being tested.
      body: JSON.stringify({ name: `user-${client}-${i}`, password: 'wrong password' }),
    });
    codes.push(res.status);
  }
  return codes;
}

describe('--trust-proxy', () => {
  it('limits sign-ins per forwarded client when the proxy is trusted', async () => {
    const s = await serve('127.0.0.1');
    expect((await signIns(s, '203.0.113.7', 31)).at(-1)).toBe(429);
    // Another user behind the same proxy is not locked out by the first one's attempts.
    expect(await signIns(s, '198.51.100.9', 1)).toEqual([401]);
  }, 20_000);

  it('ignores X-Forwarded-For otherwise: every request is the proxy', async () => {
    const s = await serve();
    expect((await signIns(s, '203.0.113.7', 31)).at(-1)).toBe(429);
    expect(await signIns(s, '198.51.100.9', 1)).toEqual([429]);
  }, 20_000);

  it('takes addresses, CIDRs, range names or a hop count, and refuses anything else', () => {
    expect(parseTrustProxy('10.0.0.0/8, 127.0.0.1,loopback')).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      'loopback',
    ]);
    expect(parseTrustProxy('fd00::/8')).toEqual(['fd00::/8']);
    const hops = parseTrustProxy('1');
    expect(typeof hops === 'function' && [hops('10.0.0.1', 0), hops('10.0.0.2', 1)]).toEqual([true, false]);
    expect(() => parseTrustProxy('ingress.local')).toThrow(UsageError);
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/"10.0.0.0\/33" is not an address, a CIDR range/);
    expect(() => parseTrustProxy(' , ')).toThrow(/name at least one proxy/);
  });
});
