import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthHandler } from './health.js';
import { httpMetrics } from './http-metrics.js';
import { createMcpMetrics } from './metrics.js';
import { listen, sample } from './test-fixtures/servers.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

describe('httpMetrics', () => {
  it('counts requests by method, path (without the query) and status, with their duration', async () => {
    const metrics = createMcpMetrics({ collectDefaultMetrics: false });
    const track = httpMetrics(metrics);
    const http = await listen((req, res) => {
      track(req, res);
      res.writeHead(req.url?.startsWith('/mcp') ? 202 : 404).end();
    });
    cleanup.push(() => http.close());
    await fetch(`${http.url}/mcp?sessionId=abc`, { method: 'POST', body: '{}' });
    await fetch(`${http.url}/mcp?sessionId=def`, { method: 'POST', body: '{}' });
    await fetch(`${http.url}/nope`);
    const text = await metrics.registry.metrics();
    expect(sample(text, 'mcp_http_requests_total', { method: 'POST', route: '/mcp', status: '202' })).toBe(2);
    expect(sample(text, 'mcp_http_requests_total', { method: 'GET', route: '/nope', status: '404' })).toBe(1);
    expect(sample(text, 'mcp_http_request_duration_seconds_count', { method: 'POST', route: '/mcp' })).toBe(
      2,
    );
    expect(text).not.toContain('sessionId');
  });

  it('works as Express middleware, labelling the full path under a mount prefix', async () => {
    const metrics = createMcpMetrics({ collectDefaultMetrics: false });
    const app = express();
    app.use(httpMetrics(metrics));
    const router = express.Router();
    router.get('/tools', (_req, res) => void res.json({ ok: true }));
    app.use('/api', router);
    const http = await listen(app);
    cleanup.push(() => http.close());
    await fetch(`${http.url}/api/tools`);
    expect(
      sample(await metrics.registry.metrics(), 'mcp_http_requests_total', {
        method: 'GET',
        route: '/api/tools',
        status: '200',
      }),
    ).toBe(1);
  });

  it('counts a health request once when both it and the health handler see it', async () => {
    const metrics = createMcpMetrics({ collectDefaultMetrics: false });
    const track = httpMetrics(metrics);
    const health = createHealthHandler({ metrics });
    const http = await listen((req, res) => {
      track(req, res);
      health(req, res);
    });
    cleanup.push(() => http.close());
    await fetch(`${http.url}/live`);
    await fetch(`${http.url}/live`);
    const text = await metrics.registry.metrics();
    expect(sample(text, 'mcp_http_requests_total', { method: 'GET', route: '/live', status: '200' })).toBe(2);
  });
});
