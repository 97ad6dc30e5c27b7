import { timingSafeEqual } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ApiError, sendApiError } from '../api/errors.js';
import { CONTENT_TYPES, type Format } from './exposition.js';

/**
 * What every Prometheus-facing route (`/metrics`, `/probe`, the exporter's own `/metrics`) shares: the optional
 * bearer token, the format negotiation and the answer, whole or streamed, compressed when accepted.
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
 * What an exposition is sent from: a small page rendered whole (`/probe`, the exporter's own `/metrics`), or
 * the chunks of a large one as they are rendered (the service's `/metrics`, `render()` in collect.ts).
 */
export type ExpositionBody = Buffer | AsyncIterable<Buffer>;

/** The longest a streamed page may take to be read: Prometheus's scrape timeout is at most its interval. */
const STREAM_DEADLINE_MS = 120_000;

/**
 * The one way an exposition is answered: content type, `vary` and gzip when the scraper accepts it (Prometheus
 * asks for it on every scrape; 10,000 monitors shrink from about 20 MB to 0.5 MB, at zlib level 3).
 *
 * A Buffer is compressed whole in zlib's thread pool. Chunks are streamed: each is written, through a gzip
 * stream when accepted, before the next is rendered, and only as fast as the socket takes them, so a scrape
 * holds a few chunks instead of the page. The first chunk is rendered before anything is sent, so a render
 * that fails at once gets Fastify's usual error answer. A failure after that destroys the response (Fastify
 * logs it; the scraper sees a cut-off body, a failed scrape), and a scraper that hangs up ends the render
 * where it is.
 */
export async function sendExposition(
  request: FastifyRequest,
  reply: FastifyReply,
  body: ExpositionBody,
  format: Format,
  { deadlineMs = STREAM_DEADLINE_MS }: { deadlineMs?: number } = {},
): Promise<Buffer | Readable> {
  reply.header('content-type', CONTENT_TYPES[format]).header('vary', 'accept, accept-encoding');
  const gzipped = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
  if (Buffer.isBuffer(body)) {
    if (body.length < 1024 || !gzipped) return body;
    reply.header('content-encoding', 'gzip');
    return gzip(body, { level: 3 });
  }
  const rest = body[Symbol.asyncIterator]();
  const first = await rest.next();
  // Bytes, not objects: the stream then buffers one chunk before it waits for the socket (or gzip) to drain.
  const source = Readable.from(resume(first, rest), { objectMode: false });
  // Back-pressure lets a scraper that stops reading hold a render open: it gets a deadline, well past any
  // scrape timeout, after which the render ends and the connection is cut.
  const deadline = setTimeout(
    () => source.destroy(new Error(`the scraper did not read the page within ${deadlineMs / 1000} s`)),
    deadlineMs,
  );
  deadline.unref();
  source.once('close', () => clearTimeout(deadline));
  if (!gzipped) return source;
  reply.header('content-encoding', 'gzip');
  // On either side's end the other is destroyed: a render error reaches the gzip stream, which Fastify sends
  // and watches, and a response closed early destroys the source and so ends the render. Fastify reports
  // both; there is nothing left to do here.
  return pipeline(source, zlib.createGzip({ level: 3 }), () => {});
}

/** The chunks from `first` on; stopped early (the response was destroyed), it ends the render too. */
async function* resume(
  first: IteratorResult<Buffer>,
  rest: AsyncIterator<Buffer>,
): AsyncGenerator<Buffer, void, undefined> {
  try {
    for (let next = first; next.done !== true; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}
