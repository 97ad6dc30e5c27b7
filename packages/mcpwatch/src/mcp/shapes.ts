import type { ProbeResult, ToolInfo } from '@mcpwatch/probe';
import { z } from 'zod';
import type { Incident, StoredEvent, StoredResult, UptimeSummary } from '../store/index.js';
import type { IncidentView, MonitorView, PauseWindow } from './watch-api.js';

/*
 * What the tools answer, as zod schemas (their outputSchema) and the functions that shape WatchApi values into
 * them. Times are ISO 8601 text, not epoch milliseconds: an AI reads and repeats them, and a person reads the
 * transcript. Answers are compact on purpose: they land in a model's context.
 */

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export const STATUSES = ['pending', 'up', 'degraded', 'down', 'paused'] as const;

export const lastCheckOut = z.object({
  at: z.string(),
  status: z.enum(['up', 'degraded', 'down']),
  reason: z.string().nullable(),
  message: z.string(),
  durationMs: z.number(),
});

export const monitorOut = z.object({
  name: z.string(),
  kind: z.string(),
  target: z.string(),
  status: z.enum(STATUSES),
  since: z.string().describe('When the monitor entered its status'),
  group: z.string().nullable(),
  tags: z.array(z.string()),
  enabled: z.boolean(),
  incidentOpen: z.boolean(),
  flapping: z.boolean(),
  maintenance: z.string().nullable().describe('The maintenance window it is in now: alerts held'),
  problem: z.string().nullable().describe('Why its definition is invalid, when it is (it is not checked)'),
  intervalSec: z.number().nullable(),
  lastCheck: lastCheckOut.nullable(),
});
export type MonitorOut = z.output<typeof monitorOut>;

export function monitorOf(m: MonitorView): MonitorOut {
  return {
    name: m.name,
    kind: m.kind,
    target: m.target,
    status: m.status,
    since: iso(m.since),
    group: m.group,
    tags: m.tags,
    enabled: m.enabled,
    incidentOpen: m.incidentOpen,
    flapping: m.flapping,
    maintenance: m.maintenance,
    problem: m.problem,
    intervalSec: m.intervalSec,
    lastCheck: m.lastCheck && {
      at: iso(m.lastCheck.at),
      status: m.lastCheck.status,
      reason: m.lastCheck.reason,
      message: m.lastCheck.message,
      durationMs: m.lastCheck.durationMs,
    },
  };
}

export const resultOut = z.object({
  at: z.string(),
  status: z.enum(['up', 'degraded', 'down']),
  reason: z.string().nullable().describe('Reason code of a failure (see docs/reasons.md); null when up'),
  message: z.string().nullable(),
  durationMs: z.number(),
  timings: z.record(z.string(), z.number()).describe('Milliseconds per probe phase'),
  maintenance: z.boolean(),
});

export function resultOf(r: StoredResult): z.output<typeof resultOut> {
  return {
    at: iso(r.at),
    status: r.status,
    reason: r.reason,
    message: r.message,
    durationMs: r.durationMs,
    timings: r.timings,
    maintenance: r.maintenance,
  };
}

export const uptimeOut = z
  .object({
    uptime: z
      .number()
      .nullable()
      .describe('0..1 over the window, maintenance left out; null if nothing checked'),
    checks: z.number(),
    up: z.number(),
    degraded: z.number(),
    down: z.number(),
    maintenance: z.number(),
    p50Ms: z.number().nullable(),
    p95Ms: z.number().nullable(),
  })
  .nullable();

export function uptimeOf(u: UptimeSummary | null): z.output<typeof uptimeOut> {
  return (
    u && {
      uptime: u.uptime,
      checks: u.checks,
      up: u.up,
      degraded: u.degraded,
      down: u.down,
      maintenance: u.maintenance,
      p50Ms: u.latency.p50Ms,
      p95Ms: u.latency.p95Ms,
    }
  );
}

export const eventOut = z.object({
  id: z.number(),
  at: z.string(),
  kind: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  incident: z.string().nullable(),
  evidence: z.record(z.string(), z.unknown()),
});

export function eventOf(e: StoredEvent): z.output<typeof eventOut> {
  return {
    id: e.id,
    at: iso(e.at),
    kind: e.kind,
    from: e.from,
    to: e.to,
    incident: e.incident,
    evidence: e.evidence,
  };
}

export const incidentOut = z.object({
  id: z.number(),
  monitor: z.string(),
  open: z.boolean(),
  openedAt: z.string(),
  resolvedAt: z.string().nullable(),
  cause: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  note: z.string().nullable(),
});

export function incidentOf(i: IncidentView | (Incident & { monitor: string })): z.output<typeof incidentOut> {
  return {
    id: i.id,
    monitor: i.monitor,
    open: i.resolvedAt === null,
    openedAt: iso(i.openedAt),
    resolvedAt: isoOrNull(i.resolvedAt),
    cause: i.cause,
    acknowledgedBy: i.acknowledgedBy,
    acknowledgedAt: isoOrNull(i.acknowledgedAt),
    note: i.note,
  };
}

export const toolOut = z.object({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
});

export function toolOf(t: ToolInfo): z.output<typeof toolOut> {
  return {
    name: t.name,
    ...(t.title !== undefined ? { title: t.title } : {}),
    ...(t.description !== undefined ? { description: t.description } : {}),
  };
}

export const probeOut = z.object({
  kind: z.string(),
  target: z.string(),
  status: z.enum(['up', 'degraded', 'down']),
  reason: z.string().nullable(),
  message: z.string(),
  phase: z.string().nullable().describe('The phase that failed, when one did'),
  startedAt: z.string(),
  durationMs: z.number(),
  timings: z.record(z.string(), z.number()),
  protocol: z
    .object({ transport: z.string(), era: z.string().nullable(), version: z.string().nullable() })
    .nullable(),
  server: z.object({ name: z.string().nullable(), version: z.string().nullable() }).nullable(),
  tools: z.array(toolOut).nullable(),
  toolsHash: z.string().nullable(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
});

export function probeOf(r: ProbeResult): z.output<typeof probeOut> {
  const mcp = r.mcp;
  return {
    kind: r.kind,
    target: r.target,
    status: r.status,
    reason: r.reason ?? null,
    message: r.message,
    phase: r.phase ?? null,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    timings: r.timings as Record<string, number>,
    protocol: mcp
      ? { transport: mcp.transport, era: mcp.era ?? null, version: mcp.protocolVersion ?? null }
      : null,
    server: mcp?.serverInfo
      ? { name: mcp.serverInfo.name ?? null, version: mcp.serverInfo.version ?? null }
      : null,
    tools: mcp?.tools ? mcp.tools.map(toolOf) : null,
    toolsHash: mcp?.toolsHash ?? null,
    checks: r.checks.map((c) => ({ name: c.name, ok: c.ok, detail: c.detail })),
  };
}

export const windowOut = z.object({
  id: z.number(),
  name: z.string(),
  start: z.string(),
  end: z.string(),
});

export function windowOf(w: PauseWindow): z.output<typeof windowOut> {
  return { id: w.id, name: w.name, start: w.start, end: w.end };
}
