import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Service } from '../service/service.js';
import { until } from '../test-fixtures/until.js';
import { metricsRoutes } from './routes.js';
import { negotiate } from './scrape-reply.js';

/** Only what /metrics reads of the service. */
function fakeService(counts = { uptimeReads: 0 }): Service {
  const monitor = {
    id: 7,
    name: 'docs',
    kind: 'mcp',
    group: null,
    tags: ['prod'],
    status: 'up',
    incidentOpen: false,
    lastCheck: { at: 1_000, status: 'up', reason: null, message: 'ok', durationMs: 50 },
  };
  return {
    monitors: { list: () => [monitor], lastPings: () => new Map() },
    scheduler: {
      stats: () => ({ jobs: 1, running: 0, waiting: 0, lagMs: { p50: 0, p99: 0, max: 0 }, overruns: 0 }),
    },
    store: {
      uptimeFor: async (ids: number[]) => {
        counts.uptimeReads++;
        return new Map(ids.map((id) => [id, [{ uptime: 0.75 }, { uptime: null }, { uptime: 1 }]]));
      },
      countOutbox: async () => ({ pending: 2, failed: 1 }),
    },
    readiness: async () => ({ checks: { store: true, scheduler: false } }),
  } as unknown as Service;
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function appWith(options: Parameters<typeof metricsRoutes>[2], service = fakeService()) {
  app = Fastify();
  metricsRoutes(app, service, options);
  await app.ready();
  return app;
}

describe('GET /metrics', () => {
  it('answers the Prometheus text format by default', async () => {
    const res = await (await appWith({})).inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toContain('mcpwatch_probe_success{monitor="docs",kind="mcp",group="",tags="prod"} 1\n');
    expect(res.body).toContain('# TYPE process_cpu_seconds_total counter\n');
    expect(res.body).not.toContain('# EOF');
  });

  it('answers OpenMetrics, ending in # EOF, when the scraper asks for it', async () => {
    const accept =
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    const res = await (await appWith({})).inject({ url: '/metrics', headers: { accept } });
    expect(res.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(res.body).toContain('# TYPE process_cpu_seconds counter\nprocess_cpu_seconds_total ');
    expect(res.body.endsWith('\n# EOF\n')).toBe(true);
    expect(negotiate('text/plain')).toBe('prometheus');
    expect(negotiate(undefined)).toBe('prometheus');
  });

  it('gzips the page for a scraper that accepts it (Prometheus always does), and not otherwise', async () => {
    const server = await appWith({});
    // Once uptime has been read in the background, two scrapes show the same monitors.
    await until(
      'uptime read',
      async () => (await server.inject({ url: '/metrics' })).body,
      (body) => body.includes('mcpwatch_uptime_ratio{'),
    );
    const plain = await server.inject({ url: '/metrics' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    const zipped = await server.inject({ url: '/metrics', headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept, accept-encoding');
    const text = gunzipSync(zipped.rawPayload).toString();
    expect(text).toContain('mcpwatch_probe_success{monitor="docs",kind="mcp",group="",tags="prod"} 1\n');
    // The per-monitor families; mcpwatch's own figures move between two scrapes.
    const stable = (t: string) => t.slice(0, t.indexOf('# HELP mcpwatch_incidents_open'));
    expect(stable(text)).toBe(stable(plain.body));
  });

  it('exports the readiness checks once they have been evaluated', async () => {
    const server = await appWith({});
    await until(
      'readiness evaluated',
      async () => (await server.inject({ url: '/metrics' })).body,
      (body) => body.includes('mcpwatch_ready'),
    );
    const body = (await server.inject({ url: '/metrics' })).body;
    expect(body).toContain('mcpwatch_ready{check="store"} 1\nmcpwatch_ready{check="scheduler"} 0\n');
  });

  it('needs the bearer token when one is set', async () => {
    const server = await appWith({ token: 's3cret' });
    expect((await server.inject({ url: '/metrics' })).statusCode).toBe(401);
    const wrong = await server.inject({ url: '/metrics', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toContain('Bearer');
    const right = await server.inject({ url: '/metrics', headers: { authorization: 'Bearer s3cret' } });
    expect(right.statusCode).toBe(200);
    expect(right.body).toContain('mcpwatch_probe_success');
  });

  it('reads uptime and the outbox in the background, at most once a minute, never on every scrape', async () => {
    const counts = { uptimeReads: 0 };
    let t = 0;
    const server = await appWith({ now: () => t }, fakeService(counts));
    await server.inject({ url: '/metrics' });
    await until(
      'uptime in /metrics',
      async () => (await server.inject({ url: '/metrics' })).body,
      (b) => b.includes('mcpwatch_uptime_ratio{'),
    );
    const body = (await server.inject({ url: '/metrics' })).body;
    expect(body).toContain(
      'mcpwatch_uptime_ratio{monitor="docs",kind="mcp",group="",tags="prod",window="24h"} 0.75\n',
    );
    expect(body).toContain('window="30d"} 1\n');
    expect(body).not.toContain('window="7d"');
    expect(body).toContain('mcpwatch_notification_outbox_pending 2\n');
    expect(body).toContain('mcpwatch_notification_outbox_failed 1\n');
    for (let i = 0; i < 5; i++) await server.inject({ url: '/metrics' });
    expect(counts.uptimeReads).toBe(1);
    t += 60_000;
    await server.inject({ url: '/metrics' });
    await until(
      'a second uptime read',
      () => counts.uptimeReads,
      (n) => n === 2,
    );
  });
});
