import { z } from 'zod';
import { incidentOf, incidentOut, STATUSES } from './shapes.js';
import type { IncidentView, MonitorView } from './watch-api.js';

const troubleOut = z.object({
  name: z.string(),
  status: z.enum(STATUSES),
  since: z.string(),
  reason: z.string().nullable(),
  message: z.string().nullable(),
  maintenance: z.string().nullable(),
});

export const statusSummaryOut = z.object({
  total: z.number(),
  counts: z.object(
    Object.fromEntries(STATUSES.map((s) => [s, z.number()])) as Record<
      (typeof STATUSES)[number],
      z.ZodNumber
    >,
  ),
  /** Down first, then degraded: what needs someone, with why. */
  unhealthy: z.array(troubleOut),
  inMaintenance: z.array(z.string()),
  openIncidents: z.array(incidentOut),
});
export type StatusSummary = z.output<typeof statusSummaryOut>;

/**
 * The answer to "what is down": counts by state, the unhealthy monitors with their last reason, and the open
 * incidents. Pure, from what WatchApi lists, so every implementation gives the same summary.
 */
export function summarize(
  monitors: readonly MonitorView[],
  openIncidents: readonly IncidentView[],
): StatusSummary {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusSummary['counts'];
  for (const m of monitors) counts[m.status] += 1;
  const rank = { down: 0, degraded: 1 } as Record<string, number>;
  const unhealthy = monitors
    .filter((m) => m.status === 'down' || m.status === 'degraded')
    .sort((a, b) => (rank[a.status] ?? 2) - (rank[b.status] ?? 2) || a.name.localeCompare(b.name))
    .map((m) => ({
      name: m.name,
      status: m.status,
      since: new Date(m.since).toISOString(),
      reason: m.lastCheck?.reason ?? null,
      message: m.lastCheck?.message ?? null,
      maintenance: m.maintenance,
    }));
  return {
    total: monitors.length,
    counts,
    unhealthy,
    inMaintenance: monitors.filter((m) => m.maintenance !== null).map((m) => m.name),
    openIncidents: openIncidents.map(incidentOf),
  };
}

/** One or two lines for the text content beside the structured summary. */
export function summaryText(summary: StatusSummary): string {
  const { counts } = summary;
  const head = `${summary.total} monitors: ${counts.up} up, ${counts.degraded} degraded, ${counts.down} down, ${counts.paused} paused, ${counts.pending} pending; ${summary.openIncidents.length} open incidents.`;
  const lines = summary.unhealthy.map(
    (m) =>
      `${m.name} is ${m.status} since ${m.since}${m.reason ? ` (${m.reason})` : ''}${m.message ? `: ${m.message}` : ''}${m.maintenance ? ` [maintenance: ${m.maintenance}]` : ''}`,
  );
  return [head, ...lines].join('\n');
}
