import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { nextTurn } from '../event-loop.js';
import type { Service } from '../service/service.js';
import { type OwnHealth, render, UPTIME_WINDOWS, type UptimeWindow } from './collect.js';
import { Refreshed } from './refreshed.js';
import { negotiate, requireBearer, sendExposition } from './scrape-reply.js';

export interface MetricsRouteOptions {
  /** When set, `/metrics` answers 401 without `Authorization: Bearer <token>`. */
  token?: string;
  now?: () => number;
}

/**
 * `GET /metrics`, open to Prometheus (or behind a bearer token from `MCPWATCH_METRICS_TOKEN`). Rendered from
 * the service's in-memory state on each scrape and streamed as it is rendered; uptime is read from the store
 * in the background at most every 60 s and the outbox counts every 15 s, so a scrape never waits on the
 * database.
 */
/** Monitors whose uptime one store read covers (see the uptime read below). */
const UPTIME_BATCH = 250;

export function metricsRoutes(
  app: FastifyInstance,
  service: Service,
  options: MetricsRouteOptions = {},
): void {
  const now = options.now ?? Date.now;
  const logError = (what: string) => (error: unknown) =>
    app.log.warn({ err: error }, `/metrics: ${what} failed`);
  const uptime = new Refreshed(
    async () => {
      const ids = service.monitors.list().map((m) => m.id);
      const t = now();
      const windows = Object.keys(UPTIME_WINDOWS) as UptimeWindow[];
      const ranges = windows.map((w) => ({ from: t - UPTIME_WINDOWS[w], to: t }));
      const byId = new Map<number, Partial<Record<UptimeWindow, number | null>>>();
      // SQLite answers synchronously: 10,000 monitors in one go held the event loop for up to half a
      // second (bench/service.js). A few hundred at a time, with a turn between, lets checks run.
      for (let i = 0; i < ids.length; i += UPTIME_BATCH) {
        const summaries = await service.store.uptimeFor(ids.slice(i, i + UPTIME_BATCH), ranges);
        for (const [id, list] of summaries) {
          byId.set(id, Object.fromEntries(windows.map((w, j) => [w, list[j]?.uptime ?? null])));
        }
        await nextTurn();
      }
      return byId;
    },
    60_000,
    logError('reading uptime'),
    now,
  );
  const outbox = new Refreshed(
    () => service.store.countOutbox(),
    15_000,
    logError('counting the outbox'),
    now,
  );
  const ready = new Refreshed(
    async () => (await service.readiness()).checks,
    15_000,
    logError('checking readiness'),
    now,
  );
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  app.addHook('onClose', async () => loop.disable());

  app.get('/metrics', { onRequest: requireBearer(options.token, 'GET /metrics') }, async (request, reply) => {
    const format = negotiate(request.headers.accept);
    const input = {
      monitors: service.monitors.list(),
      lastPings: service.monitors.lastPings(),
      uptime: uptime.current() ?? new Map(),
      own: ownHealth(service, loop, outbox.current(), ready.current()),
    };
    // Reset once read, so each scrape reports the delay since the one before, its own streamed render included.
    loop.reset();
    return sendExposition(request, reply, render(input, format), format);
  });
}

function ownHealth(
  service: Service,
  loop: ReturnType<typeof monitorEventLoopDelay>,
  outbox: OwnHealth['outbox'],
  ready: OwnHealth['ready'],
): OwnHealth {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const lag = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
  return {
    scheduler: service.scheduler.stats(),
    eventLoopLag: { p50: lag(loop.percentile(50)), p99: lag(loop.percentile(99)), max: lag(loop.max) },
    ...(outbox ? { outbox } : {}),
    ...(ready ? { ready } : {}),
    process: {
      cpuUserSeconds: cpu.user / 1e6,
      cpuSystemSeconds: cpu.system / 1e6,
      residentBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      startTimeSeconds: Math.round((Date.now() - process.uptime() * 1000) / 1000),
    },
  };
}
