/** The plain http probe: status, body, JSON and header assertions, each passing and failing. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectVerdict, type Running, sendJson, serve, settle } from '../test-fixtures/servers.js';
import { type HttpOptionsInput, probeHttp } from './http.js';

const TIMEOUT = 1500;
let server: Running;

const health = {
  status: 'ok',
  version: '1.4.2',
  checks: { db: { up: true, latencyMs: 3 } },
  regions: ['eu', 'us'],
};

beforeAll(async () => {
  server = await serve((req, res) => {
    req.resume();
    if (req.url === '/healthz') {
      res.setHeader('x-build', 'abc123');
      res.setHeader('cache-control', 'no-store');
      return sendJson(res, health);
    }
    if (req.url === '/ready')
      return void res.writeHead(503, { 'content-type': 'text/plain' }).end('warming up');
    if (req.url === '/text')
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end('all good here');
    if (req.url === '/big') return void res.writeHead(200).end('x'.repeat(8192));
    res.writeHead(404).end();
  });
});

afterAll(() => server.close());

function probe(path: string, options: HttpOptionsInput = {}) {
  return settle(probeHttp(`${server.origin}${path}`, { timeoutMs: TIMEOUT, ...options }), TIMEOUT);
}

describe('expectStatus', () => {
  test('2xx by default: up, with status and body size', async () => {
    const result = await probe('/healthz');
    expectVerdict(result, 'up', undefined);
    expect(result.http).toMatchObject({ status: 200, bodyBytes: JSON.stringify(health).length });
  });

  test('a 503 where 2xx is expected: http_status', async () => {
    const result = await probe('/ready');
    expectVerdict(result, 'down', 'http_status', 'request');
    expect(result.message).toContain('warming up');
  });

  test('a 503 accepted by a class and a 404 by number: up', async () => {
    expectVerdict(await probe('/ready', { expectStatus: ['5xx'] }), 'up', undefined);
    expectVerdict(await probe('/nowhere', { expectStatus: [200, 404] }), 'up', undefined);
  });
});

describe('body assertions', () => {
  test('bodyContains passes and fails', async () => {
    expectVerdict(await probe('/text', { bodyContains: 'good' }), 'up', undefined);
    const result = await probe('/text', { bodyContains: 'excellent' });
    expectVerdict(result, 'down', 'assertion_failed', 'request');
    expect(result.checks).toContainEqual(expect.objectContaining({ name: 'body_contains', ok: false }));
  });

  test('bodyMatches passes and fails', async () => {
    expectVerdict(await probe('/text', { bodyMatches: '^all \\w+ here$' }), 'up', undefined);
    expectVerdict(await probe('/text', { bodyMatches: '^ALL' }), 'down', 'assertion_failed', 'request');
  });

  test('jsonPath with equals passes on a scalar, an object and an array item', async () => {
    expectVerdict(await probe('/healthz', { jsonPath: '$.status', equals: 'ok' }), 'up', undefined);
    expectVerdict(
      await probe('/healthz', { jsonPath: '$.checks.db', equals: { latencyMs: 3, up: true } }),
      'up',
      undefined,
    );
    expectVerdict(await probe('/healthz', { jsonPath: '$.regions[-1]', equals: 'us' }), 'up', undefined);
  });

  test('jsonPath alone only needs the value to exist', async () => {
    expectVerdict(await probe('/healthz', { jsonPath: "$['version']" }), 'up', undefined);
    expectVerdict(await probe('/healthz', { jsonPath: '$.uptime' }), 'down', 'assertion_failed', 'request');
  });

  test('jsonPath with a different value: assertion_failed naming what was seen', async () => {
    const result = await probe('/healthz', { jsonPath: '$.checks.db.up', equals: false });
    expectVerdict(result, 'down', 'assertion_failed', 'request');
    expect(result.message).toContain('true');
  });

  test('jsonPath on a body that is not JSON: invalid_json', async () => {
    expectVerdict(
      await probe('/text', { jsonPath: '$.status', equals: 'ok' }),
      'down',
      'invalid_json',
      'request',
    );
  });

  test('a body over maxBytes: response_too_large', async () => {
    expectVerdict(await probe('/big', { maxBytes: 1024 }), 'down', 'response_too_large', 'request');
  });
});

describe('expectHeaders', () => {
  test('present, and with an exact value, any name case: up', async () => {
    const result = await probe('/healthz', {
      expectHeaders: { 'X-Build': 'abc123', 'Cache-Control': undefined },
    });
    expectVerdict(result, 'up', undefined);
  });

  test('absent: assertion_failed', async () => {
    const result = await probe('/healthz', { expectHeaders: { 'x-request-id': undefined } });
    expectVerdict(result, 'down', 'assertion_failed', 'request');
    expect(result.message).toContain('absent');
  });

  test('with another value: assertion_failed', async () => {
    const result = await probe('/healthz', { expectHeaders: { 'x-build': 'def456' } });
    expectVerdict(result, 'down', 'assertion_failed', 'request');
    expect(result.message).toContain('abc123');
  });
});
