import type { FastifyInstance } from 'fastify';
import { RateLimiter } from '../heartbeat/rate-limit.js';
import { isTokenShape, PING_BODY_LIMIT, parsePingPath } from '../heartbeat/token.js';
import type { Service } from '../service/service.js';
import { trafficReportSchema } from '../traffic/report-schema.js';

/** Bodies larger than the kept message are accepted (and cut), up to this; beyond it the sender is wrong. */
const PING_BODY_ACCEPTED = 100 * 1024;

export interface PingRouteOptions {
  /** Pings per second per token on average, and the burst allowed at once. */
  perSecond?: number;
  burst?: number;
}

/**
 * `/hb/<token>[/start|/fail|/stop|/log|/<exit-code>]`, by GET, POST or HEAD, open without credentials:
 * the token is the credential. An unknown token is a plain 404 that says nothing more, and each token is
 * rate-limited, so the endpoint cannot be used to guess tokens or to flood the store.
 */
export async function heartbeatPingRoutes(
  app: FastifyInstance,
  options: PingRouteOptions & { service: Service },
): Promise<void> {
  const limiter = new RateLimiter(options.perSecond ?? 2, options.burst ?? 20);
  // Whatever a pinging script sends (text, JSON, form data) is kept as text; no parser may reject it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: PING_BODY_ACCEPTED }, (_req, body, done) =>
    done(null, body),
  );
  const handler = async (
    request: import('fastify').FastifyRequest,
    reply: import('fastify').FastifyReply,
  ) => {
    const parsed = parsePingPath(request.url);
    reply.header('cache-control', 'no-store').type('text/plain; charset=utf-8');
    if (!parsed) return reply.code(404).send('not found\n');
    if (!limiter.take(parsed.token)) {
      return reply.code(429).header('retry-after', '1').send('too many pings: slow down\n');
    }
    const body = typeof request.body === 'string' ? cut(request.body) : undefined;
    const found = await options.service.heartbeats.ping(parsed.token, {
      kind: parsed.kind,
      ...(parsed.exitCode !== undefined ? { exitCode: parsed.exitCode } : {}),
      ...(body ? { body } : {}),
    });
    if (!found) return reply.code(404).send('not found\n');
    return reply.code(200).send('OK\n');
  };
  for (const url of ['/hb/:token', '/hb/:token/:action']) {
    app.route({ method: ['GET', 'POST', 'HEAD'], url, handler });
  }
  // A static segment wins over `:action`: `report` is never read as a ping.
  app.post('/hb/:token/report', async (request, reply) => {
    const { token } = request.params as { token: string };
    reply.header('cache-control', 'no-store').type('text/plain; charset=utf-8');
    if (!isTokenShape(token)) return reply.code(404).send('not found\n');
    if (!limiter.take(token))
      return reply.code(429).header('retry-after', '1').send('too many pings: slow down\n');
    const parsed = trafficReportSchema.safeParse(parseJson(request.body));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return reply
        .code(400)
        .send(
          `not a traffic report (${issue?.path.join('.') || 'body'}: ${issue?.message}): send the JSON that mcpwatch wrap --report sends (docs/wrap.md)\n`,
        );
    }
    if (!(await options.service.heartbeats.report(token, parsed.data)))
      return reply.code(404).send('not found\n');
    return reply.code(202).send('OK\n');
  });
}

function parseJson(body: unknown): unknown {
  try {
    return typeof body === 'string' ? JSON.parse(body) : undefined;
  } catch {
    return undefined;
  }
}

/** The kept message: at most PING_BODY_LIMIT bytes, cut on a character boundary. */
function cut(body: string): string {
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.length <= PING_BODY_LIMIT) return body;
  return bytes
    .subarray(0, PING_BODY_LIMIT)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}
