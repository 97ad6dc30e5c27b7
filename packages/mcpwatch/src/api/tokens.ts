/** API tokens: everyone manages their own, admins everyone's. How a token authenticates is in auth.ts. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { newApiToken, SCOPES } from '../auth/api-token.js';
import type { ApiToken } from '../store/index.js';
import { type AccountRouteDeps, idParams, principalOf } from './auth.js';
import { ApiError } from './errors.js';
import { type RouteDoc, route } from './route.js';

const DAY_MS = 86_400_000;

const tokenBody = z.strictObject({
  name: z
    .string({ error: 'give the token a name' })
    .trim()
    .min(1, { error: 'give the token a name' })
    .max(100),
  scope: z.enum(SCOPES, { error: `must be one of ${SCOPES.join(', ')}` }),
  expiresInDays: z
    .number({ error: 'must be a number of days' })
    .int({ error: 'must be a whole number of days' })
    .min(1, { error: 'must be at least 1' })
    .max(3650, { error: 'must be at most 3650' })
    .optional(),
});

function tokenView(token: ApiToken, owner: string | undefined) {
  return { ...token, userName: owner ?? null };
}

export function tokenRoutes(app: FastifyInstance, docs: RouteDoc[], { store, now }: AccountRouteDeps): void {
  route(app, docs, {
    method: 'GET',
    url: '/api/v1/tokens',
    tag: 'tokens',
    summary: "API tokens (never their secrets): your own, or everyone's for an admin",
    role: 'viewer',
    responses: { 200: '{ tokens: ApiToken[] }' },
    handler: async ({ request }) => {
      const principal = principalOf(request);
      if (principal.role !== 'admin') {
        const tokens = await store.listApiTokens(principal.userId);
        return { tokens: tokens.map((t) => tokenView(t, principal.name)) };
      }
      const names = new Map((await store.listUsers()).map((u) => [u.id, u.name]));
      return { tokens: (await store.listApiTokens()).map((t) => tokenView(t, names.get(t.userId))) };
    },
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/tokens',
    tag: 'tokens',
    summary: 'Create an API token for yourself; its secret is shown once',
    role: 'viewer',
    body: tokenBody,
    responses: { 201: '{ token, secret }', 400: 'Invalid field' },
    handler: async ({ body, request }, reply) => {
      const principal = principalOf(request);
      const { token, hash } = newApiToken();
      const at = now();
      const stored = await store.createApiToken(
        {
          name: body.name,
          tokenHash: hash,
          userId: principal.userId,
          scope: body.scope,
          expiresAt: body.expiresInDays === undefined ? null : at + body.expiresInDays * DAY_MS,
        },
        at,
      );
      request.log.info(
        { tokenId: stored.id, scope: stored.scope, user: principal.name },
        'API token created',
      );
      // The only time the token is shown: only its hash is kept.
      return reply
        .code(201)
        .header('Cache-Control', 'no-store')
        .send({ token: tokenView(stored, principal.name), secret: token });
    },
  });

  route(app, docs, {
    method: 'DELETE',
    url: '/api/v1/tokens/:id',
    tag: 'tokens',
    summary: "Revoke an API token: your own, or anyone's for an admin",
    role: 'viewer',
    params: idParams,
    responses: { 204: 'Revoked', 400: 'Invalid id', 404: 'No such API token' },
    handler: async ({ params: { id }, request }, reply) => {
      const principal = principalOf(request);
      const owner = principal.role === 'admin' ? undefined : principal.userId;
      if (!(await store.deleteApiToken(id, owner))) {
        throw new ApiError(404, 'not_found', 'No such API token.');
      }
      request.log.info({ tokenId: id, by: principal.name }, 'API token deleted');
      return reply.code(204).send();
    },
  });
}
