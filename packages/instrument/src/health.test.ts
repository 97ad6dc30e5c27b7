import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createHealthFetchHandler,
  createHealthHandler,
  fastifyHealth,
  type HealthOptions,
} from './health.js';
import { createMcpMetrics } from './metrics.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function listen(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function get(url: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

function options(extra: Partial<HealthOptions> = {}): HealthOptions {
  const metrics = createMcpMetrics({ collectDefaultMetrics: false });
  metrics.toolCall('echo', true, 0.01);
  return { metrics, name: 'demo', version: '1.2.3', sessions: () => 4, ...extra };
}

describe('createHealthHandler on plain http', () => {
  it('/live answers 200 after a turn of the event loop', async () => {
    const base = await listen(createHealthHandler(options()));
    const res = await get(`${base}/live`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'live' });
  });

  it('/ready is 200 when every check passes, running them concurrently', async () => {
    const running: string[] = [];
    let bothStarted = false;
    const check = (name: string) => ({
      name,
      check: async () => {
        running.push(name);
        // Each check waits until the other has started: run one after the other, they would both time out.
        while (running.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
        bothStarted = true;
      },
      timeoutMs: 5_000,
    });
    const base = await listen(createHealthHandler(options({ checks: [check('db'), check('cache')] })));
    const res = await get(`${base}/ready`);
    expect(res.status).toBe(200);
    expect(bothStarted).toBe(true);
    const body = JSON.parse(res.body);
    expect(body.status).toBe('ready');
    expect(body.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ['db', true],
      ['cache', true],
    ]);
  });

  it('/ready is 503 naming the failing check, a thrown error and a timeout alike', async () => {
    let aborted = false;
    const base = await listen(
      createHealthHandler(
        options({
          checks: [
            { name: 'db', check: async () => Promise.reject(new Error('connection refused')) },
            { name: 'api', check: async () => {} },
            {
              name: 'queue',
              timeoutMs: 30,
              // Ignores nothing: records the abort, but never resolves on its own.
              check: (signal) =>
                new Promise(() => {
                  signal.addEventListener('abort', () => {
                    aborted = true;
                  });
                }),
            },
          ],
        }),
      ),
    );
    const res = await get(`${base}/ready/`);
    expect(res.status).toBe(503);
    const body = JSON.parse(res.body);
    expect(body.status).toBe('not_ready');
    expect(body.failing).toEqual(['db', 'queue']);
    expect(body.checks.find((c: { name: string }) => c.name === 'db').error).toBe('connection refused');
    expect(body.checks.find((c: { name: string }) => c.name === 'queue').error).toBe('timeout');
    expect(aborted).toBe(true);
  });

  it('/health reports uptime, version, name, sessions and memory', async () => {
    const base = await listen(createHealthHandler(options()));
    const body = JSON.parse((await get(`${base}/health?verbose=1`)).body);
    expect(body).toMatchObject({ status: 'ok', name: 'demo', version: '1.2.3', sessions: 4 });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(body.memory.rssBytes).toBeGreaterThan(0);
  });

  it('/metrics serves the registry in the Prometheus text format and counts health requests', async () => {
    const o = options();
    const base = await listen(createHealthHandler(o));
    await get(`${base}/live`);
    const res = await get(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/plain');
    expect(res.body).toContain('mcp_tool_calls_total{tool_name="echo",status="success"} 1');
    expect(res.body).toContain('mcp_http_requests_total{method="GET",route="/live",status="200"} 1');
  });

  it('answers 404 for other paths, /metrics without metrics, and 405 for a POST', async () => {
    const base = await listen(createHealthHandler({}));
    expect((await get(`${base}/other`)).status).toBe(404);
    expect((await get(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/live`, { method: 'POST' })).status).toBe(405);
  });
});

describe('framework adapters', () => {
  it('works as Express middleware, mounted under a prefix, passing other paths on', async () => {
    const app = express();
    app.use('/ops', createHealthHandler(options()));
    app.get('/ops/other', (_req, res) => {
      res.send('app route');
    });
    const base = await listen(app);
    expect((await get(`${base}/ops/live`)).status).toBe(200);
    expect((await get(`${base}/ops/metrics`)).body).toContain('mcp_tool_calls_total');
    expect((await get(`${base}/ops/other`)).body).toBe('app route');
  });

  it('works as a Fastify plugin', async () => {
    const app = Fastify();
    await app.register(
      fastifyHealth(options({ checks: [{ name: 'db', check: () => Promise.reject(new Error('down')) }] })),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const { port } = app.server.address() as AddressInfo;
    const ready = await get(`http://127.0.0.1:${port}/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body).failing).toEqual(['db']);
    expect((await get(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/live`, { method: 'HEAD' })).status).toBe(200);
  });

  it('works with Hono through the Fetch API handler', async () => {
    const health = createHealthFetchHandler(options());
    const app = new Hono();
    app.use(async (c, next) => {
      const answer = await health(c.req.raw);
      if (answer) return answer;
      await next();
    });
    app.get('/hello', (c) => c.text('hi'));
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(JSON.parse((await get(`${base}/live`)).body)).toEqual({ status: 'live' });
    expect((await get(`${base}/metrics`)).body).toContain('mcp_tool_call_duration_seconds_bucket');
    expect((await get(`${base}/hello`)).body).toBe('hi');
  });
});
