import type { FastifyInstance } from 'fastify';
import type { LiveEvent, LiveResult } from '../service/live-bus.js';
import type { Service } from '../service/service.js';
import { requireRole } from './auth.js';
import type { RouteDoc } from './route.js';

/** A stream whose reader has fallen this far behind is closed: it can reconnect and read the lists again. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const KEEPALIVE_MS = 15_000;

/**
 * `GET /api/v1/stream`: results, events and monitor-list changes as Server-Sent Events (`event: result`,
 * `event: event`, `event: monitors`). Live only: a client that reconnects reads the REST lists for what it
 * missed. A comment every 15 s keeps proxies from closing an idle stream.
 */
export function streamRoute(app: FastifyInstance, docs: RouteDoc[], service: Service): void {
  docs.push({
    method: 'GET',
    url: '/api/v1/stream',
    tag: 'stream',
    summary: 'Live results and events as Server-Sent Events (text/event-stream)',
    role: 'viewer',
    responses: { 200: 'text/event-stream: event result | event | monitors, data JSON' },
  });
  const open = new Set<() => void>();
  // A stream never ends by itself: closing the server ends them, or it would wait for ever.
  app.addHook('onClose', async () => {
    for (const close of open) close();
  });
  app.get('/api/v1/stream', { preHandler: requireRole('viewer') }, (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': mcpwatch live stream\n\n');
    const send = (kind: string, data: unknown) => {
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        request.log.warn('A live stream reader fell too far behind; closing its stream');
        close();
        return;
      }
      res.write(`event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const onResult = (r: LiveResult) => send('result', r);
    const onEvent = (e: LiveEvent) => send('event', e);
    const onMonitors = (m: unknown) => send('monitors', m);
    service.bus.on('result', onResult);
    service.bus.on('event', onEvent);
    service.bus.on('monitors', onMonitors);
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      open.delete(close);
      clearInterval(keepalive);
      service.bus.off('result', onResult);
      service.bus.off('event', onEvent);
      service.bus.off('monitors', onMonitors);
      res.end();
    };
    open.add(close);
    request.raw.on('close', close);
    res.on('error', close);
  });
}
