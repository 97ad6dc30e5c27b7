import { timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ApiError, sendApiError } from '../api/errors.js';
import { CONTENT_TYPES, type Format } from './exposition.js';

/**
 * What every Prometheus-facing route (`/metrics`, `/probe`, the exporter's own `/metrics`) shares: the optional
 * bearer token, the format negotiation and the compressed answer.
 */

/**
 * An `onRequest` hook answering 401 without `Authorization: Bearer <token>` (none when no token is set). The
 * header is compared in constant time, so a wrong token reveals nothing of the right one.
 */
export function requireBearer(token: string | undefined, what: string): onRequestAsyncHookHandler {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return async (request, reply) => {
    if (!expected) return;
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return;
    reply.header('www-authenticate', 'Bearer realm="mcpwatch metrics"');
    return sendApiError(
      reply,
      new ApiError(401, 'unauthorized', `${what} needs Authorization: Bearer <token>`),
    );
  };
}

/** OpenMetrics when the scraper asks for it (Prometheus does, first), else the classic text format. */
export function negotiate(accept: string | undefined): Format {
  return accept?.includes('application/openmetrics-text') ? 'openmetrics' : 'prometheus';
}

const gzip = promisify(zlib.gzip);

/**
 * Prometheus asks for gzip on every scrape: 10,000 monitors shrink from about 16 MB to 0.5 MB, compressed in
 * zlib's thread pool (about 15 ms there), so the event loop is not held for it.
 */
export async function sendExposition(
  request: FastifyRequest,
  reply: FastifyReply,
  body: Buffer,
  format: Format,
): Promise<Buffer> {
  reply.header('content-type', CONTENT_TYPES[format]).header('vary', 'accept, accept-encoding');
  if (body.length < 1024 || !/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return body;
  reply.header('content-encoding', 'gzip');
  return gzip(body, { level: 3 });
}
