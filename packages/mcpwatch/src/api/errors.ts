import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';

/** The one error body every API route answers with: `{ error: { code, message, field? } }`. */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

/**
 * An answer other than success: a status, a stable machine-readable code, a sentence for people and, for bad
 * input, the field it is about. Throw it from a handler or hook; `installErrorHandler` shapes the reply.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Extra response headers, such as Retry-After on a 429. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field !== undefined && { field: this.field }),
      },
    };
  }
}

/** Replies with `error` directly, for hooks that must answer the same way whichever error handler is set. */
export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  return reply.code(error.status).type('application/json; charset=utf-8').send(error.toJSON());
}

/** A zod failure as a 400 naming the first bad field: `name`, `monitors.0.url`, or `body` for the whole input. */
export function fromZodError(error: z.core.$ZodError): ApiError {
  const issue = error.issues[0];
  const path = issue?.path.map(String) ?? [];
  // An unknown key is reported at the object holding it; the key itself is the field to fix.
  if (issue?.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  const field = path.length > 0 ? path.join('.') : 'body';
  const message =
    issue?.code === 'unrecognized_keys' ? 'is not a known field' : (issue?.message ?? 'invalid input');
  return new ApiError(400, 'invalid_request', `${field}: ${message}`, field);
}

/** Fastify's own 4xx errors (bad JSON, unsupported content type, body too large) under stable codes. */
const CLIENT_CODES: Record<number, string> = {
  400: 'invalid_request',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

function fromFastifyError(error: FastifyError): ApiError | undefined {
  const status = error.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  if (error.validation && error.validation.length > 0) {
    const first = error.validation[0];
    const path = first?.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const field = path || (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
    return new ApiError(400, 'invalid_request', error.message, field || error.validationContext);
  }
  return new ApiError(status, CLIENT_CODES[status] ?? `http_${status}`, error.message);
}

/**
 * Every error leaves as `{ error: { code, message, field? } }`: ApiError as it is, a ZodError as a 400 naming
 * the field, Fastify's client errors under their status, and anything else as a 500 whose details go to the
 * log only, since they may hold internals a caller should not see.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError | z.core.$ZodError, request, reply) => {
    if (error instanceof ApiError) return sendApiError(reply, error);
    if (error instanceof z.core.$ZodError) return sendApiError(reply, fromZodError(error));
    const client = fromFastifyError(error as FastifyError);
    if (client) return sendApiError(reply, client);
    request.log.error({ err: error }, 'request failed');
    return sendApiError(
      reply,
      new ApiError(500, 'internal', 'Internal error: the server log has the details.'),
    );
  });
}
