import type { ToolInfo } from '@mcpwatch/probe';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Service } from '../service/service.js';
import { notFound, ServiceError } from '../service/service-error.js';
import { EVENT_KINDS } from '../state/index.js';
import { diffTools, summary } from '../state/tool-diff.js';
import type { Range } from '../store/index.js';
import { summarizeTraffic } from '../traffic/summarize.js';
import { idParam, type RouteDoc, route, timeParam } from './route.js';

const DAY = 86_400_000;
const WINDOWS = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY } as const;
type Window = keyof typeof WINDOWS;

const rangeQuery = z.object({ from: timeParam, to: timeParam });
const windowsQuery = z.object({
  windows: z
    .string()
    .default('24h,7d,30d,90d')
    .transform((s, ctx) => {
      const list = s.split(',').map((w) => w.trim());
      for (const w of list) {
        if (!(w in WINDOWS)) {
          ctx.addIssue({ code: 'custom', message: `unknown window "${w}": use 24h, 7d, 30d or 90d` });
          return z.NEVER;
        }
      }
      return list as Window[];
    }),
});

/** Results, uptime, events, incidents and tool lists: what happened, read from the store. */
export function historyRoutes(app: FastifyInstance, docs: RouteDoc[], service: Service): void {
  const { store } = service;
  const now = () => Date.now();
  const exists = (id: number) => service.monitors.get(id);

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/monitors/:id/results',
    tag: 'history',
    summary: 'Raw check results, newest first (kept for the retention period, 7 days by default)',
    role: 'viewer',
    query: rangeQuery.extend({ limit: z.coerce.number().int().min(1).max(10_000).default(100) }),
    responses: { 200: '{ results }', 404: 'No such monitor' },
    handler: async ({ params, query }) => {
      const id = idParam(params);
      exists(id);
      return { results: await store.listResults(id, rangeOf(query, DAY, now()), query.limit) };
    },
  });

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/monitors/:id/traffic',
    tag: 'history',
    summary:
      'Real traffic reported by `mcpwatch wrap --report` for a heartbeat monitor: totals per tool over the range (24 h by default) and each report',
    role: 'viewer',
    query: rangeQuery,
    responses: { 200: '{ from, to, requests, errors, tools, reports }', 404: 'No such monitor' },
    handler: async ({ params, query }) => {
      const id = idParam(params);
      exists(id);
      const range = rangeOf(query, DAY, now());
      return { ...range, ...summarizeTraffic(await store.listTraffic(id, range)) };
    },
  });

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/monitors/:id/uptime',
    tag: 'history',
    summary: 'Uptime and latency percentiles over 24h / 7d / 30d / 90d (from the rollups)',
    role: 'viewer',
    query: windowsQuery,
    responses: { 200: '{ windows: { [window]: UptimeSummary } }', 404: 'No such monitor' },
    handler: async ({ params, query }) => {
      const id = idParam(params);
      exists(id);
      const t = now();
      const summaries = await store.uptimeFor(
        [id],
        query.windows.map((w) => ({ from: t - WINDOWS[w], to: t })),
      );
      const list = summaries.get(id) ?? [];
      return { windows: Object.fromEntries(query.windows.map((w, i) => [w, list[i] ?? null])) };
    },
  });

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/monitors/:id/uptime/series',
    tag: 'history',
    summary: 'Uptime and latency per minute, hour or day over a range (default: the last 24 hours)',
    role: 'viewer',
    query: rangeQuery.extend({ granularity: z.enum(['minute', 'hour', 'day']).optional() }),
    responses: { 200: '{ points }', 404: 'No such monitor' },
    handler: async ({ params, query }) => {
      const id = idParam(params);
      exists(id);
      return { points: await store.uptimeSeries(id, rangeOf(query, DAY, now()), query.granularity) };
    },
  });

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/uptime',
    tag: 'history',
    summary: 'Uptime of every monitor over each window, in one read',
    role: 'viewer',
    query: windowsQuery,
    responses: { 200: '{ monitors: { id, name, windows }[] }' },
    handler: async ({ query }) => {
      const t = now();
      const list = service.monitors.list();
      const summaries = await store.uptimeFor(
        list.map((m) => m.id),
        query.windows.map((w) => ({ from: t - WINDOWS[w], to: t })),
      );
      return {
        monitors: list.map((m) => ({
          id: m.id,
          name: m.name,
          windows: Object.fromEntries(query.windows.map((w, i) => [w, summaries.get(m.id)?.[i] ?? null])),
        })),
      };
    },
  });

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/events',
    tag: 'history',
    summary: 'Events (state changes, drift, heartbeats, restarts), newest first; page with beforeId',
    role: 'viewer',
    query: rangeQuery.extend({
      monitorId: z.coerce.number().int().positive().optional(),
      kinds: z
        .string()
        .transform((s) => s.split(','))
        .pipe(z.array(z.enum(EVENT_KINDS as [string, ...string[]])))
        .optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      beforeId: z.coerce.number().int().positive().optional(),
    }),
    responses: { 200: '{ events }' },
    handler: async ({ query }) => ({ events: await store.listEvents(query) }),
  });

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/incidents',
    tag: 'incidents',
    summary: 'Incidents, newest first; open=true for the open ones',
    role: 'viewer',
    query: z.object({
      monitorId: z.coerce.number().int().positive().optional(),
      open: z
        .enum(['true', 'false'])
        .transform((v) => v === 'true')
        .optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    responses: { 200: '{ incidents }' },
    handler: async ({ query }) => ({ incidents: await store.listIncidents(query) }),
  });

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/incidents/:id',
    tag: 'incidents',
    summary: 'One incident with its timeline: the events of its monitor while it was open',
    role: 'viewer',
    responses: { 200: '{ incident, timeline }', 404: 'No such incident' },
    handler: async ({ params }) => {
      const incident = await store.getIncident(idParam(params));
      if (!incident) throw notFound(`Incident ${params.id}`);
      const timeline = await store.listEvents({
        monitorId: incident.monitorId,
        from: incident.openedAt,
        to: (incident.resolvedAt ?? now()) + 1,
        limit: 1000,
      });
      return { incident, timeline: timeline.reverse() };
    },
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/incidents/:id/acknowledge',
    tag: 'incidents',
    summary: 'Acknowledge an incident: someone is on it',
    role: 'editor',
    responses: { 200: '{ incident }', 404: 'No such incident' },
    handler: async ({ params, request }) => {
      const id = idParam(params);
      if (!(await store.acknowledgeIncident(id, request.principal?.name ?? 'unknown', now()))) {
        throw notFound(`Incident ${id}`);
      }
      return { incident: await store.getIncident(id) };
    },
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/incidents/:id/resolve',
    tag: 'incidents',
    summary:
      'Resolve an open incident by hand; the monitor keeps its status, a new fall opens a new incident',
    role: 'editor',
    responses: { 200: '{ incident }', 404: 'No such incident', 409: 'Already resolved' },
    handler: async ({ params, request }) => {
      const id = idParam(params);
      const incident = await store.getIncident(id);
      if (!incident) throw notFound(`Incident ${id}`);
      const resolved =
        incident.resolvedAt === null &&
        (await service.monitors.resolveIncident(incident.monitorId, request.principal?.name ?? 'unknown'));
      if (!resolved) throw new ServiceError('conflict', `Incident ${id} is resolved already`);
      return { incident: await store.getIncident(id) };
    },
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/incidents/:id/note',
    tag: 'incidents',
    summary: 'Set the note of an incident (what was found, what was done)',
    role: 'editor',
    body: z.object({ note: z.string().max(10_000) }),
    responses: { 200: '{ incident }', 400: 'Invalid field', 404: 'No such incident' },
    handler: async ({ params, body }) => {
      const id = idParam(params);
      if (!(await store.setIncidentNote(id, body.note))) throw notFound(`Incident ${id}`);
      return { incident: await store.getIncident(id) };
    },
  });

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/monitors/:id/tools',
    tag: 'tools',
    summary: 'The tool list an MCP monitor exported at its last check that reached it',
    role: 'viewer',
    responses: { 200: '{ hash, tools }', 404: 'No such monitor' },
    handler: async ({ params }) => {
      const id = idParam(params);
      exists(id);
      const hash = (await store.getState(id))?.data.toolsHash as string | undefined;
      return { hash: hash ?? null, tools: hash ? ((await store.getToolSnapshot(hash)) ?? null) : null };
    },
  });

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/tool-lists/diff',
    tag: 'tools',
    summary: 'The difference between two tool lists by their hashes (from tools_changed events)',
    role: 'viewer',
    query: z.object({ from: z.string().min(1), to: z.string().min(1) }),
    responses: { 200: '{ summary, diff }', 404: 'A hash that was never seen' },
    handler: async ({ query }) => {
      const before = (await store.getToolSnapshot(query.from)) as ToolInfo[] | undefined;
      const after = (await store.getToolSnapshot(query.to)) as ToolInfo[] | undefined;
      if (!before) throw notFound(`Tool list ${query.from}`);
      if (!after) throw notFound(`Tool list ${query.to}`);
      const diff = diffTools(before, after);
      return { summary: summary(diff), diff };
    },
  });
}

function rangeOf(
  query: { from?: number | undefined; to?: number | undefined },
  span: number,
  now: number,
): Range {
  const to = query.to ?? now;
  return { from: query.from ?? to - span, to };
}
