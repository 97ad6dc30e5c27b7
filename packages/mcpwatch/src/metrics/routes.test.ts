import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { MonitorView } from '../service/monitor-view.js';
import type { Service } from '../service/service.js';
import { until } from '../test-fixtures/until.js';
import { collect, type OwnHealth } from './collect.js';
import { CHUNK_CHARS } from './exposition.js';
import { metricsRoutes } from './routes.js';
import { negotiate } from './scrape-reply.js';

/** Only what /metrics reads of the service: one monitor named docs, or `extra` more named m1, m2… */
function fakeService(counts = { uptimeReads: 0, largestRead: 0 }, extra = 0): Service {
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
  const monitors = [
    monitor,
    ...Array.from({ length: extra }, (_, i) => ({ ...monitor, id: 100 + i, name: `m${i + 1}` })),
  ];
  return {
    monitors: { list: () => monitors, lastPings: () => new Map() },
    scheduler: {
      stats: () => ({ jobs: 1, running: 0, waiting: 0, lagMs: { p50: 0, p99: 0, max: 0 }, overruns: 0 }),
    },
    store: {
      uptimeFor: async (ids: number[]) => {
        counts.uptimeReads++;
        counts.largestRead = Math.max(counts.largestRead, ids.length);
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

  it('reads the uptime of many monitors a few hundred at a time, so the store never holds the event loop long', async () => {
    const counts = { uptimeReads: 0, largestRead: 0 };
    const server = await appWith({}, fakeService(counts, 600));
    const body = await until(
      'uptime of the last monitor',
      async () => (await server.inject({ url: '/metrics' })).body,
      (b) => b.includes('monitor="m600",kind="mcp",group="",tags="prod",window="24h"} 0.75\n'),
    );
    expect(body).toContain('monitor="docs",kind="mcp",group="",tags="prod",window="24h"} 0.75\n');
    expect(counts).toEqual({ uptimeReads: 3, largestRead: 250 });
  });

  it('reads uptime and the outbox in the background, at most once a minute, never on every scrape', async () => {
    const counts = { uptimeReads: 0, largestRead: 0 };
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

/** What the render read of a large service's monitors, and a fault to set off while it reads. */
interface Reads {
  lastChecks: number;
  incidents: number;
  /** The position of the monitor whose last check throws, once; -1 for none. */
  failAt: number;
}

/** `count` monitors with a full last check, whose reads are counted (and can throw) in `reads`. */
function largeService(count: number, reads: Reads): Service {
  const last = {
    at: 1_000,
    status: 'up',
    reason: null,
    message: 'ok',
    durationMs: 50,
    timings: { connect: 10, handshake: 40 },
    protocol: { version: '2025-06-18', era: 'legacy', transport: 'streamable-http' },
    tools: { count: 3, hash: 'f'.repeat(64) },
  };
  const monitors = Array.from({ length: count }, (_, i) => ({
    id: i,
    name: `monitor-${i}`,
    kind: 'mcp',
    group: 'g',
    tags: ['prod'],
    status: 'up',
    get incidentOpen() {
      reads.incidents++;
      return false;
    },
    get lastCheck() {
      reads.lastChecks++;
      if (i === reads.failAt) {
        reads.failAt = -1;
        throw new Error('render failed');
      }
      return last;
    },
  }));
  const service = fakeService();
  return { ...service, monitors: { list: () => monitors, lastPings: () => new Map() } } as unknown as Service;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** As sent (still gzipped when it was). */
  body: Buffer;
  /** Whether the body ended as HTTP says it should, rather than being cut off. */
  complete: boolean;
}

/** A scrape over a real connection: Fastify's inject would not show a stream cut short. */
function scrape(url: string, headers: http.OutgoingHttpHeaders = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(`${url}/metrics`, { headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        // Ended or cut off, the response closes; an error here is only the cut.
        res.on('error', () => {});
        res.on('close', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts),
            complete: res.complete,
          }),
        );
      })
      .on('error', reject);
  });
}

async function listening(service: Service): Promise<string> {
  app = Fastify();
  metricsRoutes(app, service);
  return app.listen({ port: 0, host: '127.0.0.1' });
}

/** The per-monitor families: mcpwatch's own figures (CPU, memory, lag) move between two renders. */
const perMonitor = (text: string) => text.slice(0, text.indexOf('# HELP mcpwatch_incidents_open'));

describe('GET /metrics, streamed', () => {
  const own: OwnHealth = {
    scheduler: { jobs: 0, running: 0, waiting: 0, lagMs: { p50: 0, p99: 0, max: 0 }, overruns: 0 },
    eventLoopLag: { p50: 0, p99: 0, max: 0 },
    process: {
      cpuUserSeconds: 0,
      cpuSystemSeconds: 0,
      residentBytes: 0,
      heapUsedBytes: 0,
      heapTotalBytes: 0,
      startTimeSeconds: 0,
    },
  };

  it('sends a page of many chunks, plain and gzipped, byte for byte as rendered whole', async () => {
    const reads: Reads = { lastChecks: 0, incidents: 0, failAt: -1 };
    const service = largeService(3_000, reads);
    const url = await listening(service);
    await until(
      'uptime read',
      async () => (await scrape(url)).body.toString(),
      (body) => body.includes('mcpwatch_uptime_ratio{'),
    );
    const uptime = new Map(
      Array.from({ length: 3_000 }, (_, id) => [id, { '24h': 0.75, '7d': null, '30d': 1 }] as const),
    );
    const whole = (
      await collect(
        { monitors: service.monitors.list() as MonitorView[], uptime, lastPings: new Map(), own },
        'openmetrics',
      )
    ).toString();
    expect(whole.length).toBeGreaterThan(20 * CHUNK_CHARS);
    const accept = 'application/openmetrics-text;version=1.0.0';
    const plain = await scrape(url, { accept });
    const zipped = await scrape(url, { accept, 'accept-encoding': 'gzip' });
    for (const answer of [plain, zipped]) {
      expect(answer).toMatchObject({ status: 200, complete: true });
      // Sent as rendered: no length known up front.
      expect(answer.headers['transfer-encoding']).toBe('chunked');
      expect(answer.headers['content-length']).toBeUndefined();
    }
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const unzipped = gunzipSync(zipped.body).toString();
    expect(perMonitor(plain.body.toString())).toBe(perMonitor(whole));
    expect(perMonitor(unzipped)).toBe(perMonitor(whole));
    expect(unzipped.endsWith('\n# EOF\n')).toBe(true);
  });

  it('renders no further than the scraper reads', async () => {
    const reads: Reads = { lastChecks: 0, incidents: 0, failAt: -1 };
    // About 20 MB, plain: far more than the socket buffers on both sides hold while the scraper does not read.
    const url = await listening(largeService(10_000, reads));
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get(`${url}/metrics`, (res) => resolve(res.pause())).on('error', reject);
    });
    let previous = -1;
    await until(
      'the render to wait for the scraper',
      () => reads.lastChecks,
      (n) => {
        const same = n === previous;
        previous = n;
        return same;
      },
    );
    expect(reads.incidents).toBe(0);
    const text = await new Promise<string>((resolve, reject) => {
      const parts: Buffer[] = [];
      response.on('data', (chunk: Buffer) => parts.push(chunk));
      response.on('end', () => resolve(Buffer.concat(parts).toString()));
      response.on('error', reject);
      response.resume();
    });
    expect(reads.incidents).toBe(10_000);
    expect(text).toContain(
      'mcpwatch_incident_open{monitor="monitor-9999",kind="mcp",group="g",tags="prod"} 0\n',
    );
  });

  it('stops rendering when the scraper hangs up mid-page', async () => {
    const reads: Reads = { lastChecks: 0, incidents: 0, failAt: -1 };
    const url = await listening(largeService(10_000, reads));
    await new Promise<void>((resolve, reject) => {
      const request = http.get(`${url}/metrics`, (res) => {
        res.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.on('error', (error) => {
        if (!request.destroyed) reject(error);
      });
    });
    let previous = -1;
    const settled = await until(
      'the render to stop',
      () => reads.lastChecks,
      (n) => {
        const same = n === previous;
        previous = n;
        return same;
      },
    );
    // Seven families read every monitor's last check and the incident family comes last: never reached.
    expect(settled).toBeLessThan(7 * 10_000);
    expect(reads.incidents).toBe(0);
    expect((await scrape(url)).complete).toBe(true);
  });

  it('cuts the response off when the render throws mid-page, and the next scrape is whole', async () => {
    const reads: Reads = { lastChecks: 0, incidents: 0, failAt: -1 };
    const url = await listening(largeService(5_000, reads));
    for (const headers of [{}, { 'accept-encoding': 'gzip' }]) {
      // Halfway through the first family: several chunks have been sent by then.
      reads.failAt = 2_500;
      reads.lastChecks = 0;
      const failed = await scrape(url, headers);
      expect(reads.failAt).toBe(-1);
      expect(failed.status).toBe(200);
      expect(failed.complete).toBe(false);
      const next = await scrape(url, headers);
      expect(next).toMatchObject({ status: 200, complete: true });
      const text = headers['accept-encoding'] ? gunzipSync(next.body).toString() : next.body.toString();
      expect(text).toContain(
        'mcpwatch_incident_open{monitor="monitor-4999",kind="mcp",group="g",tags="prod"} 0\n',
      );
    }
  });

  it('answers 500, uncompressed, when the render throws before its first chunk', async () => {
    const reads: Reads = { lastChecks: 0, incidents: 0, failAt: 0 };
    const url = await listening(largeService(100, reads));
    const failed = await scrape(url, { 'accept-encoding': 'gzip' });
    expect(failed).toMatchObject({ status: 500, complete: true });
    expect(failed.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(failed.body.toString())).toMatchObject({ message: 'render failed' });
    expect((await scrape(url, { 'accept-encoding': 'gzip' })).status).toBe(200);
  });
});
