/**
 * Certificate verdicts, the same for every probe that speaks TLS: the plain http probe, an https MCP
 * endpoint (the official SDK behind https.createServer) and the tcp probe with `secure: true`.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { probeHttp } from '../probes/http.js';
import { probeMcp } from '../probes/mcp.js';
import { probeTcp } from '../probes/tcp.js';
import type { ProbeResult } from '../result.js';
import { type Issued, makeCa, makeLeaf } from '../test-fixtures/certs.js';
import { expectVerdict, type Running, sdkHandler, serve, settle } from '../test-fixtures/servers.js';

const TIMEOUT = 3000;
const LOOPBACK = ['127.0.0.1'];

type TlsOptions = { ca?: string; insecure?: boolean };
const kinds: Record<string, (server: Running, tls: TlsOptions) => Promise<ProbeResult>> = {
  http: (server, tls) => probeHttp(`${server.origin}/healthz`, { timeoutMs: TIMEOUT, tls }),
  mcp: (server, tls) => probeMcp(`${server.origin}/mcp`, { timeoutMs: TIMEOUT, tls }),
  tcp: (server, tls) => probeTcp(`127.0.0.1:${server.port}`, { timeoutMs: TIMEOUT, secure: true, tls }),
};

const ca = makeCa();
const certs: Record<string, Issued> = {
  valid: makeLeaf({ ips: LOOPBACK, dns: ['mcp.test'], toDays: 90, issuer: ca }),
  selfSigned: makeLeaf({ ips: LOOPBACK, toDays: 90 }),
  expired: makeLeaf({ ips: LOOPBACK, fromDays: -30, toDays: -2, issuer: ca }),
  otherHost: makeLeaf({ dns: ['other.example'], toDays: 90, issuer: ca }),
  // Two hours past the fifth day, so the whole-day count reads 5 however long the test takes.
  expiring: makeLeaf({ ips: LOOPBACK, toDays: 5 + 2 / 24, issuer: ca }),
};

const servers: Record<string, Running> = {};

beforeAll(async () => {
  const mcp = sdkHandler();
  for (const [name, pem] of Object.entries(certs)) {
    servers[name] = await serve((req, res) => {
      if (req.url === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      mcp(req, res);
    }, pem);
  }
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

describe.each(Object.keys(kinds))('%s probe over TLS', (kind) => {
  const run = (name: string, tls: TlsOptions = {}) =>
    settle(
      (kinds[kind] as (s: Running, t: TlsOptions) => Promise<ProbeResult>)(servers[name] as Running, tls),
      TIMEOUT,
    );

  test('a valid certificate from a CA given in tls.ca: up, with the certificate described', async () => {
    const result = await run('valid', { ca: ca.cert });
    expectVerdict(result, 'up', undefined);
    const x509 = new X509Certificate(certs.valid?.cert as string);
    expect(result.tls).toMatchObject({
      chainValid: true,
      hostnameMatch: true,
      subject: 'mcp.test',
      issuer: 'mcpwatch test CA',
      altNames: ['mcp.test', '127.0.0.1'],
      validTo: new Date(x509.validTo).toISOString(),
      fingerprint256: x509.fingerprint256,
    });
    expect(result.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(result.tls?.cipher).toBeTruthy();
    expect(result.tls?.daysLeft).toBe(89);
    expect(result.timings.tls).toBeGreaterThanOrEqual(0);
    if (kind === 'mcp') expect(result.mcp?.tools?.map((t) => t.name)).toEqual(['echo']);
  });

  test('a self-signed certificate: tls_invalid', async () => {
    const result = await run('selfSigned');
    expectVerdict(result, 'down', 'tls_invalid', 'tls');
    expect(result.tls).toMatchObject({ chainValid: false, hostnameMatch: true });
    expect(result.tls?.chainError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  test('a self-signed certificate with tls.insecure: goes on, degraded by the soft check', async () => {
    const result = await run('selfSigned', { insecure: true });
    expectVerdict(result, 'degraded', 'tls_invalid');
    expect(result.checks).toContainEqual(
      expect.objectContaining({ name: 'tls_chain', ok: false, soft: 'tls_invalid' }),
    );
    if (kind === 'mcp') expect(result.mcp?.tools?.map((t) => t.name)).toEqual(['echo']);
    if (kind === 'http') expect(result.http?.status).toBe(200);
  });

  test('an expired certificate: tls_expired', async () => {
    const result = await run('expired', { ca: ca.cert });
    expectVerdict(result, 'down', 'tls_expired', 'tls');
    expect(result.tls?.daysLeft).toBeLessThan(0);
  });

  test('a trusted certificate for another host name: tls_hostname', async () => {
    const result = await run('otherHost', { ca: ca.cert });
    expectVerdict(result, 'down', 'tls_hostname', 'tls');
    expect(result.tls).toMatchObject({ chainValid: true, hostnameMatch: false, altNames: ['other.example'] });
  });

  test('a trusted certificate that expires in 5 days: degraded, tls_expiring', async () => {
    const result = await run('expiring', { ca: ca.cert });
    expectVerdict(result, 'degraded', 'tls_expiring');
    expect(result.tls?.daysLeft).toBe(5);
    expect(result.message).toContain('expires in 5 days');
  });
});
