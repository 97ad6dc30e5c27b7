import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { unknownMonitor } from '../mcp/monitor-names.js';
import { adhocProbe } from '../service/adhoc-probe.js';
import { NOTICE_PRIORITIES, type NoticePriority, sendNotice } from '../service/notice.js';
import type { Service } from '../service/service.js';
import { ServiceError } from '../service/service-error.js';
import { principalOf } from './auth.js';
import { type RouteDoc, route } from './route.js';

const probeBody = z
  .object({
    monitor: z.string().min(1).optional().describe('A monitor, by name: probed as it is defined'),
    url: z.string().min(1).optional().describe('An http(s) URL of an MCP server'),
    headers: z.record(z.string(), z.string()).optional().describe('Request headers for url'),
  })
  .refine((b) => (b.monitor === undefined) !== (b.url === undefined), {
    message: 'give exactly one of monitor (a name) or url',
    path: ['monitor'],
  });

const noticeBody = z.object({
  monitor: z.string().min(1).describe('The monitor it is about, by name'),
  title: z.string().min(1).max(200),
  message: z.string().min(1).max(4000),
  priority: z.enum(Object.keys(NOTICE_PRIORITIES) as [NoticePriority, ...NoticePriority[]]).optional(),
  channel: z.string().min(1).optional().describe('A channel by name; default: the routes'),
});

/**
 * What mcpwatch's MCP server does besides reading and pausing, for any API client (and for `mcpwatch mcp`
 * talking to a running service): an ad-hoc probe, and a notification through the alerting outbox. The
 * same service functions serve /mcp in-process. Monitors are named here, as the MCP tools name them.
 */
export function probeAndNotifyRoutes(app: FastifyInstance, docs: RouteDoc[], service: Service): void {
  const idOf = (name: string) => {
    const monitor = service.monitors.byName(name);
    if (!monitor) {
      const { message } = unknownMonitor(
        name,
        service.monitors.list().map((m) => m.name),
      );
      throw new ServiceError('not_found', message);
    }
    return monitor.id;
  };

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/probe',
    tag: 'monitors',
    summary:
      'Probe once, now, and keep nothing: a monitor by name (as defined) or an http(s) MCP URL (never a command)',
    role: 'editor',
    body: probeBody,
    responses: { 200: '{ result }', 400: 'Invalid field, or a heartbeat monitor', 404: 'No such monitor' },
    handler: async ({ body }) => ({
      result: await adhocProbe(
        service,
        body.monitor !== undefined
          ? { monitorId: idOf(body.monitor) }
          : { url: body.url as string, headers: body.headers },
      ),
    }),
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/notifications',
    tag: 'notifications',
    summary:
      'Send a message about a monitor to a channel (or where the routes send its alerts): written as a notice event, delivered and listed in deliveries like an alert',
    role: 'editor',
    body: noticeBody,
    responses: {
      202: '{ eventId, channels }',
      400: 'Invalid field or unknown channel',
      404: 'No such monitor',
    },
    handler: async ({ body, request }, reply) => {
      const { monitor, ...rest } = body;
      const sent = await sendNotice(service, {
        ...rest,
        monitorId: idOf(monitor),
        by: principalOf(request).name,
      });
      reply.code(202);
      return sent;
    },
  });
}
