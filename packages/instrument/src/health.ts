// Health endpoints for an MCP server's HTTP side: /live, /ready, /health and /metrics. One core answers a
// path with a plain value; two thin adapters serve it to Node's http (plain, Express, Fastify's raw
// request) and to the Fetch API (Hono, or any runtime with Request/Response).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { HTTP_TRACKED } from './http-metrics.js';
import type { McpMetrics } from './metrics.js';

export interface ReadinessCheck {
  /** Named in the /ready answer, so a 503 says which dependency failed. */
  name: string;
  /** Resolves when the dependency is usable; the signal aborts when the check's timeout passes. */
  check: (signal: AbortSignal) => Promise<unknown>;
  /** Default 2 000 ms, well under Kubernetes' default 1 s… 10 s probe timeouts with room for the rest. */
  timeoutMs?: number;
}

export interface HealthOptions {
  metrics?: McpMetrics;
  checks?: ReadinessCheck[];
  version?: string;
  name?: string;
  /** Open sessions, shown by /health; the instrumented server's count when given by instrument(). */
  sessions?: () => number;
}

export type HealthHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

export interface HealthAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface CheckOutcome {
  name: string;
  ok: boolean;
  durationMs: number;
  /** 'timeout' or the error's message (cut to 200 characters), when not ok. */
  error?: string;
}

/** The paths served; everything else goes to next() or 404. */
export const HEALTH_PATHS = ['/live', '/ready', '/health', '/metrics'] as const;

const DEFAULT_CHECK_TIMEOUT_MS = 2_000;
const JSON_TYPE = 'application/json; charset=utf-8';
const startedAt = Date.now();

/** Runs one check with its own timeout; never rejects. */
export async function runCheck(check: ReadinessCheck): Promise<CheckOutcome> {
  const timeoutMs = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`readiness check "${check.name}" timed out after ${timeoutMs} ms`));
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    // A check that ignores its signal still cannot hold /ready past the timeout.
    const result = await Promise.race([
      Promise.resolve()
        .then(() => check.check(controller.signal))
        .then(() => 'ok' as const),
      timeout,
    ]);
    const durationMs = Math.round(performance.now() - started);
    return result === 'ok'
      ? { name: check.name, ok: true, durationMs }
      : { name: check.name, ok: false, durationMs, error: 'timeout' };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      name: check.name,
      ok: false,
      durationMs: Math.round(performance.now() - started),
      error: message.slice(0, 200),
    };
  } finally {
    clearTimeout(timer);
  }
}

function json(status: number, value: unknown): HealthAnswer {
  return { status, contentType: JSON_TYPE, body: `${JSON.stringify(value)}\n` };
}

/**
 * The answer for one path, or undefined when the path is not a health path (the caller passes it on).
 * Only GET and HEAD are answered; other methods on these paths get 405.
 */
export async function healthAnswer(
  options: HealthOptions,
  method: string,
  path: string,
): Promise<HealthAnswer | undefined> {
  if (!(HEALTH_PATHS as readonly string[]).includes(path)) return undefined;
  if (path === '/metrics' && !options.metrics) return undefined;
  if (method !== 'GET' && method !== 'HEAD')
    return json(405, { error: `${method} is not allowed on ${path}` });
  switch (path) {
    case '/live':
      // Waiting for the next turn of the event loop is the whole check: a blocked loop never answers, and
      // nothing external (a database down) may make Kubernetes restart a healthy process.
      await nextTurn();
      return json(200, { status: 'live' });
    case '/ready': {
      const outcomes = await Promise.all((options.checks ?? []).map(runCheck));
      const failing = outcomes.filter((o) => !o.ok).map((o) => o.name);
      return json(failing.length === 0 ? 200 : 503, {
        status: failing.length === 0 ? 'ready' : 'not_ready',
        ...(failing.length > 0 ? { failing } : {}),
        checks: outcomes,
      });
    }
    case '/health': {
      const memory = process.memoryUsage();
      return json(200, {
        status: 'ok',
        ...(options.name ? { name: options.name } : {}),
        ...(options.version ? { version: options.version } : {}),
        uptimeSeconds: Math.round((Date.now() - startedAt) / 100) / 10,
        ...(options.sessions ? { sessions: options.sessions() } : {}),
        memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal },
      });
    }
    default: {
      const registry = (options.metrics as McpMetrics).registry;
      return { status: 200, contentType: registry.contentType, body: await registry.metrics() };
    }
  }
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  // '/ready/' is the same endpoint to a person typing it; a probe config with a trailing slash should work.
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * A Node request handler for plain `http.createServer`, and Express/Connect middleware as it stands.
 * Paths are taken relative to where it is mounted (Express strips the mount prefix from req.url).
 */
export function createHealthHandler(options: HealthOptions): HealthHandler {
  return (req, res, next) => {
    const path = pathOf(req.url);
    const started = performance.now();
    healthAnswer(options, req.method ?? 'GET', path).then(
      (answer) => {
        if (!answer) {
          if (next) return next();
          res
            .writeHead(404, { 'content-type': JSON_TYPE })
            .end(`${JSON.stringify({ error: 'not found' })}\n`);
          return;
        }
        res.writeHead(answer.status, { 'content-type': answer.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : answer.body);
        if (!(res as ServerResponse & { [HTTP_TRACKED]?: true })[HTTP_TRACKED]) {
          options.metrics?.httpRequest(
            req.method ?? 'GET',
            path,
            answer.status,
            (performance.now() - started) / 1000,
          );
        }
      },
      (err: Error) => {
        // Only the metrics registry can throw here (a user collector failing); say so instead of hanging.
        options.metrics?.error('health_endpoint');
        if (!res.headersSent) res.writeHead(500, { 'content-type': JSON_TYPE });
        res.end(`${JSON.stringify({ error: err.message })}\n`);
      },
    );
  };
}

/**
 * The same endpoints for the Fetch API: resolves to a Response for a health path, or undefined so the
 * caller's router goes on (Hono: `app.use(async (c, next) => (await health(c.req.raw)) ?? next())`).
 */
export function createHealthFetchHandler(
  options: HealthOptions,
): (request: Request) => Promise<Response | undefined> {
  return async (request) => {
    const path = pathOf(new URL(request.url).pathname);
    const answer = await healthAnswer(options, request.method, path);
    if (!answer) return undefined;
    return new Response(request.method === 'HEAD' ? null : answer.body, {
      status: answer.status,
      headers: { 'content-type': answer.contentType, 'cache-control': 'no-store' },
    });
  };
}

/** The part of a Fastify reply the plugin uses, so this package needs no Fastify types. */
export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(body: string): unknown;
}

/** The part of a Fastify instance the plugin uses. */
export interface FastifyLike {
  route(route: {
    method: 'GET';
    url: string;
    handler: (req: unknown, reply: FastifyReplyLike) => Promise<unknown>;
  }): unknown;
}

/**
 * A Fastify plugin serving the endpoints through Fastify's router (so its hooks, prefix and logging apply),
 * with no dependency on Fastify: `app.register(fastifyHealth(options))`. Fastify adds HEAD by itself.
 */
export function fastifyHealth(options: HealthOptions): (app: FastifyLike) => Promise<void> {
  return async (app) => {
    for (const path of HEALTH_PATHS) {
      if (path === '/metrics' && !options.metrics) continue;
      app.route({
        method: 'GET',
        url: path,
        handler: async (_req, reply) => {
          const answer = (await healthAnswer(options, 'GET', path)) as HealthAnswer;
          return reply
            .code(answer.status)
            .header('content-type', answer.contentType)
            .header('cache-control', 'no-store')
            .send(answer.body);
        },
      });
    }
  };
}
