import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Service } from '../service/service.js';
import type { Range, UptimeSummary } from '../store/index.js';
import { type RouteDoc, route } from './route.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Segments of the overview's uptime bar: one per UTC day, today last. */
export const BAR_DAYS = 90;
/** Points of the overview's latency sparkline: one per hour, this hour last. */
export const SPARK_HOURS = 24;
/** Monitors per read: the dashboard asks for the rows on screen, a few hundred at most. */
const MAX_IDS = 500;

/** What one overview row shows beyond the monitor list: arrays oldest first, null where nothing was checked. */
export interface RowSummary {
  /** Uptime (0..1) per day, rounded to 0.01 %. */
  uptime: (number | null)[];
  /** Down and degraded checks per day, so a bar can tell a bad day from a slow one. */
  down: number[];
  degraded: number[];
  /** Median latency per hour, ms rounded to 0.1. */
  latency: (number | null)[];
  /** Uptime over the last 24 hours, from the same hours. */
  uptime24h: number | null;
}

/** Whole UTC days, the last one running to `now`: the day rollups answer each exactly. */
export function dayWindows(now: number, days = BAR_DAYS): Range[] {
  const today = Math.floor(now / DAY) * DAY;
  return Array.from({ length: days }, (_, i) => {
    const from = today - (days - 1 - i) * DAY;
    return { from, to: i === days - 1 ? now : from + DAY };
  });
}

/** Whole hours, the last one running to `now`. */
export function hourWindows(now: number, hours = SPARK_HOURS): Range[] {
  const thisHour = Math.floor(now / HOUR) * HOUR;
  return Array.from({ length: hours }, (_, i) => {
    const from = thisHour - (hours - 1 - i) * HOUR;
    return { from, to: i === hours - 1 ? now : from + HOUR };
  });
}

const round = (value: number | null, step: number) =>
  value === null ? null : Math.round(value / step) * step;

/** One row's arrays from its day and hour summaries (in window order). */
export function rowSummary(days: readonly UptimeSummary[], hours: readonly UptimeSummary[]): RowSummary {
  let counted = 0;
  let good = 0;
  for (const h of hours) {
    counted += h.checks - h.maintenance;
    good += h.up + h.degraded;
  }
  return {
    uptime: days.map((d) => (d.uptime === null ? null : Math.round(d.uptime * 10_000) / 10_000)),
    down: days.map((d) => d.down),
    degraded: days.map((d) => d.degraded),
    latency: hours.map((h) => round(h.latency.p50Ms, 0.1)),
    uptime24h: counted > 0 ? Math.round((good / counted) * 10_000) / 10_000 : null,
  };
}

const idsQuery = z.object({
  ids: z.string().transform((s, ctx) => {
    const ids = [
      ...new Set(
        s
          .split(',')
          .filter((p) => p !== '')
          .map(Number),
      ),
    ];
    if (ids.length === 0 || ids.length > MAX_IDS || !ids.every((n) => Number.isInteger(n) && n > 0)) {
      ctx.addIssue({ code: 'custom', message: `give 1 to ${MAX_IDS} monitor ids, comma-separated` });
      return z.NEVER;
    }
    return ids;
  }),
});

/** Reads shaped for the web dashboard's views (many monitors at once, from the rollups). */
export function dashboardRoutes(app: FastifyInstance, docs: RouteDoc[], service: Service): void {
  route(app, docs, {
    method: 'GET',
    url: '/api/v1/dashboard/rows',
    tag: 'dashboard',
    summary: `For the overview's visible rows: uptime per day (${BAR_DAYS} days) and median latency per hour (${SPARK_HOURS} h), from the rollups; unknown ids are left out`,
    role: 'viewer',
    query: idsQuery,
    responses: { 200: '{ days: [from], hours: [from], rows: { [id]: RowSummary } }', 400: 'Bad ids' },
    handler: async ({ query }) => {
      const ids = query.ids.filter((id) => {
        try {
          service.monitors.get(id);
          return true;
        } catch {
          return false;
        }
      });
      const now = Date.now();
      const days = dayWindows(now);
      const hours = hourWindows(now);
      const summaries = ids.length ? await service.store.uptimeFor(ids, [...days, ...hours]) : new Map();
      const rows: Record<number, RowSummary> = {};
      for (const id of ids) {
        const list: UptimeSummary[] = summaries.get(id) ?? [];
        rows[id] = rowSummary(list.slice(0, days.length), list.slice(days.length));
      }
      return { days: days.map((d) => d.from), hours: hours.map((h) => h.from), rows };
    },
  });
}
