import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MONITOR_KINDS, monitorSchema } from '../config/monitor-schema.js';
import { redactSpec } from '../service/monitor-spec.js';
import type { MonitorView } from '../service/monitor-view.js';
import { endPause, pauseFor } from '../service/pause-window.js';
import type { Service } from '../service/service.js';
import { principalOf } from './auth.js';
import { idParam, type RouteDoc, route } from './route.js';

const pauseBody = z.object({
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional()
    .describe('Pause for this long, as a maintenance window: checks go on, alerts are held'),
  reason: z.string().max(200).optional(),
});

const listQuery = z.object({
  status: z.enum(['pending', 'up', 'degraded', 'down', 'paused']).optional(),
  kind: z.enum(MONITOR_KINDS as [string, ...string[]]).optional(),
  group: z.string().optional(),
  tag: z.string().optional(),
  q: z.string().optional().describe('Matches name and target, case-insensitively.'),
});

/** Monitors: list, read, create, replace, delete, pause, resume, check now, and heartbeat ping URLs. */
export function monitorRoutes(app: FastifyInstance, docs: RouteDoc[], service: Service): void {
  const { monitors } = service;
  const tag = 'monitors';

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/monitors',
    tag,
    summary: 'Every monitor with its state and last check, filtered by the query',
    role: 'viewer',
    query: listQuery,
    responses: { 200: '{ monitors: Monitor[] }' },
    handler: ({ query }) => ({ monitors: monitors.list().filter(matches(query)) }),
  });

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/monitors/:id',
    tag,
    summary: 'One monitor, with its definition (secrets shown as ***)',
    role: 'viewer',
    responses: { 200: '{ monitor, config }', 404: 'No such monitor' },
    handler: ({ params }) => detail(service, idParam(params)),
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/monitors',
    tag,
    summary: 'Create a monitor (any kind); a heartbeat monitor answers with its ping URL token, once',
    role: 'editor',
    body: monitorSchema,
    responses: { 201: '{ monitor, config, heartbeatToken? }', 400: 'Invalid field', 409: 'Name taken' },
    handler: async ({ body }, reply) => {
      const created = await monitors.create(body);
      const heartbeatToken =
        body.kind === 'heartbeat' ? await service.heartbeats.issueToken(created.id) : undefined;
      reply.code(201);
      return { ...detail(service, created.id), ...(heartbeatToken ? { heartbeatToken } : {}) };
    },
  });

  route(app, docs, {
    method: 'PUT',
    url: '/api/v1/monitors/:id',
    tag,
    summary: 'Replace a monitor created through the API (monitors from mcpwatch.yaml are read-only)',
    role: 'editor',
    body: monitorSchema,
    responses: {
      200: '{ monitor, config }',
      400: 'Invalid field',
      403: 'Defined in mcpwatch.yaml',
      404: 'No such monitor',
    },
    handler: async ({ body, params }) => {
      const id = idParam(params);
      await monitors.update(id, body);
      return detail(service, id);
    },
  });

  route(app, docs, {
    method: 'DELETE',
    url: '/api/v1/monitors/:id',
    tag,
    summary: 'Delete a monitor created through the API, with its history',
    role: 'editor',
    responses: { 204: 'Deleted', 403: 'Defined in mcpwatch.yaml', 404: 'No such monitor' },
    handler: async ({ params }, reply) => {
      await monitors.remove(idParam(params));
      reply.code(204);
      return null;
    },
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/monitors/:id/pause',
    tag,
    summary:
      'Stop checking and alerting until resumed (allowed on monitors from the file too); with durationMinutes, a maintenance window of the monitor from now instead, which ends by itself',
    role: 'editor',
    body: pauseBody,
    responses: { 200: '{ monitor, window? }', 400: 'Invalid field', 404: 'No such monitor' },
    handler: async ({ params, body, request }) => {
      const id = idParam(params);
      if (body.durationMinutes === undefined) return { monitor: await monitors.pause(id) };
      return pauseFor(service, id, {
        durationMinutes: body.durationMinutes,
        reason: body.reason,
        by: principalOf(request).name,
      });
    },
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/monitors/:id/resume',
    tag,
    summary:
      'Check again (the state starts from pending), and end the maintenance windows a pause with durationMinutes opened',
    role: 'editor',
    responses: { 200: '{ monitor, ended, unpaused }', 404: 'No such monitor' },
    handler: async ({ params }) => endPause(service, idParam(params)),
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/monitors/:id/check',
    tag,
    summary: 'Check now and answer with the probe result (a check already running is shared, not doubled)',
    role: 'editor',
    responses: { 200: '{ result, monitor }', 400: 'A heartbeat monitor', 404: 'No such monitor' },
    handler: async ({ params }) => {
      const id = idParam(params);
      const result = await monitors.checkNow(id);
      return { result, monitor: monitors.get(id) };
    },
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/monitors/:id/heartbeat-tokens',
    tag,
    summary:
      'A new ping URL token for a heartbeat monitor, shown once; earlier tokens keep working unless revokeOthers',
    role: 'editor',
    body: z.object({ revokeOthers: z.boolean().default(false) }),
    responses: { 201: '{ token, path }', 400: 'Not a heartbeat monitor', 404: 'No such monitor' },
    handler: async ({ params, body }, reply) => {
      const token = await service.heartbeats.issueToken(idParam(params), body);
      reply.code(201);
      return { token, path: `/hb/${token}` };
    },
  });

  route(app, docs, {
    method: 'DELETE',
    url: '/api/v1/monitors/:id/heartbeat-tokens',
    tag,
    summary: 'Revoke every ping URL token of a heartbeat monitor (a leaked token): its pings get 404',
    role: 'editor',
    responses: { 200: '{ revoked }', 400: 'Not a heartbeat monitor', 404: 'No such monitor' },
    handler: async ({ params }) => ({ revoked: await service.heartbeats.revokeTokens(idParam(params)) }),
  });
}

function detail(
  service: Service,
  id: number,
): { monitor: MonitorView; config: Record<string, unknown> | null } {
  const spec = service.monitors.spec(id);
  return { monitor: service.monitors.get(id), config: spec ? redactSpec(spec) : null };
}

function matches(query: z.output<typeof listQuery>): (m: MonitorView) => boolean {
  const q = query.q?.toLowerCase();
  return (m) =>
    (query.status === undefined || m.status === query.status) &&
    (query.kind === undefined || m.kind === query.kind) &&
    (query.group === undefined || m.group === query.group) &&
    (query.tag === undefined || m.tags.includes(query.tag)) &&
    (q === undefined || m.name.toLowerCase().includes(q) || m.target.toLowerCase().includes(q));
}
