import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Role } from '../auth/roles.js';
import { ServiceError } from '../service/service-error.js';
import { requireRole } from './auth.js';
import { ApiError } from './errors.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One route as the OpenAPI document describes it. */
export interface RouteDoc {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  /** The least role that may call it; null for routes open without credentials. */
  role: Role | null;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Status code → description; the first is the success. */
  responses: Record<number, string>;
}

export interface RouteDefinition<B, Q, P> extends Omit<RouteDoc, 'body' | 'query'> {
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** Path parameters, parsed before the body; without it they are passed as strings (see `idParam`). */
  params?: z.ZodType<P>;
  /** Runs before any input is parsed, for refusals that must come first whatever the input. */
  before?: (request: FastifyRequest) => void | Promise<void>;
  handler: (input: { body: B; query: Q; params: P; request: FastifyRequest }, reply: FastifyReply) => unknown;
}

/** Only these carry a request body; for the others a `body` schema is never parsed. */
const WITH_BODY: ReadonlySet<Method> = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Every API route is declared through this: its input is parsed with zod (a bad one is a 400 naming the
 * field, by the error handler), its role is enforced, and the same declaration feeds the OpenAPI document,
 * so the document cannot drift from the routes.
 */
export function route<B = undefined, Q = undefined, P = Record<string, string>>(
  app: FastifyInstance,
  docs: RouteDoc[],
  definition: RouteDefinition<B, Q, P>,
): void {
  const { handler, params: paramsSchema, before, ...doc } = definition;
  docs.push(doc as RouteDoc);
  const hasBody = WITH_BODY.has(definition.method);
  app.route({
    method: definition.method,
    url: definition.url,
    // Open routes are skipped by the auth plugin's onRequest hook; the others need at least their role.
    ...(definition.role === null
      ? { config: { public: true } }
      : { preHandler: requireRole(definition.role) }),
    handler: async (request, reply) => {
      await before?.(request);
      const params = paramsSchema ? paramsSchema.parse(request.params ?? {}) : (request.params as P);
      const body = definition.body && hasBody ? definition.body.parse(request.body ?? {}) : (undefined as B);
      const query = definition.query ? definition.query.parse(request.query ?? {}) : (undefined as Q);
      try {
        return await handler({ body, query, params, request }, reply);
      } catch (error) {
        throw error instanceof ServiceError ? toApiError(error) : error;
      }
    },
  });
}

const STATUS: Record<ServiceError['code'], number> = {
  not_found: 404,
  conflict: 409,
  read_only: 403,
  invalid: 400,
};

/** The service names what it refused; HTTP is only the API's concern. */
function toApiError(error: ServiceError): ApiError {
  const code = error.code === 'invalid' ? 'invalid_request' : error.code;
  return new ApiError(STATUS[error.code], code, error.message, error.field);
}

/** A numeric path parameter, or a 400 that names it. */
export function idParam(params: Record<string, string>, name = 'id'): number {
  const parsed = z.coerce.number().int().positive().safeParse(params[name]);
  if (!parsed.success) {
    throw new z.ZodError([
      {
        code: 'custom',
        path: [name],
        message: `must be a positive whole number, got "${params[name]}"`,
        input: params[name],
      },
    ]);
  }
  return parsed.data;
}

/** Times in queries: epoch milliseconds or ISO 8601. */
export const timeParam = z
  .union(
    [z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))],
    {
      error: 'give epoch milliseconds or an ISO 8601 time, like 2026-11-22T10:00:00Z',
    },
  )
  .optional();
