// `mcp_http_requests_total` and `mcp_http_request_duration_seconds` for the server's own HTTP side (the MCP
// endpoint, SSE streams, anything mounted beside it). The route label is the path without its query, as
// mounted: session ids and tokens travel in headers or the query, not in the label.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpMetrics } from './metrics.js';

/** Marks a response httpMetrics() already counts, so the health handler does not count it twice. */
export const HTTP_TRACKED = Symbol.for('@mcpwatch/instrument.http-tracked');

export type HttpMetricsMiddleware = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

/**
 * Counts every response when it is finished (or the connection closes first, as a 499 would say).
 * Express: `app.use(httpMetrics(metrics))`; plain http: call it first in the request listener;
 * Fastify: `app.addHook('onRequest', (req, reply, done) => track(req.raw, reply.raw, done))`.
 */
export function httpMetrics(metrics: McpMetrics): HttpMetricsMiddleware {
  return (req, res, next) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const q = url.indexOf('?');
    const route = q === -1 ? url : url.slice(0, q);
    (res as ServerResponse & { [HTTP_TRACKED]?: true })[HTTP_TRACKED] = true;
    let done = false;
    const record = () => {
      if (done) return;
      done = true;
      // A response the client abandoned never finishes; nginx's 499 names that case.
      const status = res.writableFinished ? res.statusCode : 499;
      metrics.httpRequest(method, route, status, (performance.now() - started) / 1000);
    };
    res.once('finish', record);
    res.once('close', record);
    next?.();
  };
}
