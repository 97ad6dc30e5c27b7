/**
 * Who is asking: every request under /api/v1/ carries an API token (`Authorization: Bearer mcpw_…`) or the
 * session cookie, except routes that declare `config: { public: true }` (sign-in itself, and what the issue
 * leaves open: heartbeats, public status pages, health). Also the routes that manage sign-in; users and API
 * tokens have their own modules (users.ts, tokens.ts), which take from here what they share with sign-in.
 */
import { fastifyCookie } from '@fastify/cookie';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from 'fastify';
import { z } from 'zod';
import { lookUpBearer, SAFE_METHODS, scopeAllows } from '../auth/api-token.js';
import { dummyPasswordHash, MAX_PASSWORD_LENGTH, verifyPassword } from '../auth/password.js';
import { allows } from '../auth/roles.js';
import { endSession, resumeSession, SESSION_COOKIE, startSession } from '../auth/sessions.js';
import { addUser, changePassword, UserError } from '../auth/users.js';
import { RateLimiter } from '../heartbeat/rate-limit.js';
import type { Millis, Role, Store, TokenScope } from '../store/index.js';
import { ApiError, sendApiError } from './errors.js';
import { type RouteDoc, route } from './route.js';

export interface Principal {
  userId: number;
  name: string;
  role: Role;
  via: 'session' | 'token';
  /** A session may do whatever its user's role allows; a token may be limited to reading. */
  scope: TokenScope;
  /** The token used, when `via` is 'token'. */
  tokenId?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request; null on routes open without credentials and before authentication. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Open without credentials although under /api/v1/ (sign-in, public status pages). */
    public?: boolean;
  }
}

export interface RateLimit {
  perSecond: number;
  burst: number;
}

export interface AuthPluginOptions {
  store: Store;
  /** Mark the session cookie Secure: set it whenever users reach the service over HTTPS. */
  secureCookies?: boolean;
  now?: () => Millis;
  /** Sign-in attempts allowed per user name and per client address. */
  loginLimits?: { name?: RateLimit; ip?: RateLimit };
  /** Where the sign-in routes are described for the OpenAPI document. */
  docs?: RouteDoc[];
}

const API_PREFIX = '/api/v1/';
// A person mistyping gets ten tries, then one every 30 s; a guesser on one address gets one every 10 s.
const DEFAULT_LIMITS = { name: { perSecond: 1 / 30, burst: 10 }, ip: { perSecond: 1 / 10, burst: 30 } };

const unauthenticated = (message: string) => new ApiError(401, 'unauthenticated', message);
const forbidden = (message: string) => new ApiError(403, 'forbidden', message);
/** Retry-After says when the bucket that refused holds one attempt again. */
const tooMany = (limit: RateLimit) =>
  new ApiError(429, 'rate_limited', 'Too many sign-in attempts: wait a little and try again.', undefined, {
    'Retry-After': String(Math.ceil(1 / limit.perSecond)),
  });
const readOnly = () =>
  forbidden('This API token is read-only: create a token with the write scope to make changes.');

/** Under /api/v1/, by the path asked for or the route it matched, so no spelling of a URL slips past. */
function guarded(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  const route = request.routeOptions.url ?? '';
  return path === '/api/v1' || path.startsWith(API_PREFIX) || route.startsWith(API_PREFIX);
}

/**
 * A browser marks requests another site started (`Sec-Fetch-Site`); with a cookie they would act as the user.
 * SameSite=Lax already stops other sites' POSTs; this also stops sibling subdomains, which count as same-site.
 */
function crossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}

/**
 * A preHandler for routes that need at least `role`. It also refuses changes from read-scoped tokens, so a
 * route is safe even if it is registered where the global check does not reach.
 */
export function requireRole(role: Role): preHandlerAsyncHookHandler {
  return async function requireRoleHandler(request: FastifyRequest, reply: FastifyReply) {
    const principal = request.principal;
    if (!principal) return sendApiError(reply, unauthenticated('Sign in first.'));
    if (!scopeAllows(principal.scope, request.method)) return sendApiError(reply, readOnly());
    if (!allows(principal.role, role)) {
      return sendApiError(
        reply,
        forbidden(`This needs the ${role} role; ${principal.name} is ${principal.role}.`),
      );
    }
  };
}

/** The principal of an authenticated route; a 401 if the route was somehow reached without one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthenticated('Sign in first.');
  return request.principal;
}

/** What the user and token routes need: the store, and the clock sign-in uses (pass both the same). */
export interface AccountRouteDeps {
  store: Store;
  now: () => Millis;
}

/** The session a request came in on, kept off the principal so no handler can log or return it. */
const sessionHashes = new WeakMap<FastifyRequest, string>();

/** The hash of the session a request came in on; undefined for API tokens and open routes. */
export function sessionHashOf(request: FastifyRequest): string | undefined {
  return sessionHashes.get(request);
}

/** A UserError as the API answers it; anything else unchanged. */
export function fromUserError(error: unknown): unknown {
  if (!(error instanceof UserError)) return error;
  switch (error.code) {
    case 'invalid_name':
    case 'weak_password':
      return new ApiError(400, 'invalid_request', error.message, error.field);
    case 'user_not_found':
      return new ApiError(404, 'not_found', 'No such user.');
    case 'name_taken':
    case 'last_admin':
      return new ApiError(409, error.code, error.message, error.field);
  }
}

/** The `:id` of a user or an API token. */
export const idParams = z.object({
  id: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .positive({ error: 'must be a positive whole number' }),
});
/** The fields sign-in and user administration both take. */
export const userName = z
  .string({ error: 'give a user name' })
  .min(1, { error: 'give a user name' })
  .max(200);
export const password = z.string({ error: 'give a password' }).max(MAX_PASSWORD_LENGTH);
const loginBody = z.strictObject({ name: userName, password: password.min(1, { error: 'give a password' }) });
const passwordBody = z.strictObject({ currentPassword: password, password });

async function auth(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  const { store } = options;
  const now = options.now ?? Date.now;
  const limits = { ...DEFAULT_LIMITS, ...options.loginLimits };
  const byName = new RateLimiter(limits.name.perSecond, limits.name.burst);
  const byIp = new RateLimiter(limits.ip.perSecond, limits.ip.burst);

  if (!app.hasDecorator('parseCookie')) await app.register(fastifyCookie);
  app.decorateRequest('principal', null);
  // Made now, so that the first sign-in for an unknown name costs as much as any other.
  await dummyPasswordHash();

  const cookieOptions = {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: options.secureCookies === true,
  } as const;
  const setSessionCookie = (reply: FastifyReply, id: string, expiresAt: Millis) =>
    reply.setCookie(SESSION_COOKIE, id, {
      ...cookieOptions,
      maxAge: Math.max(0, Math.floor((expiresAt - now()) / 1000)),
    });
  const clearSessionCookie = (reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, cookieOptions);
  const sessionId = (request: FastifyRequest) =>
    request.headers.cookie ? app.parseCookie(request.headers.cookie)[SESSION_COOKIE] : undefined;

  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<Principal> {
    const at = now();
    const header = request.headers.authorization;
    if (header !== undefined) {
      // Credentials that were sent and are wrong fail outright, rather than falling back to the cookie.
      const found = await lookUpBearer(store, header, at);
      if ('refused' in found) throw unauthenticated(found.refused);
      const { token: stored, user } = found;
      return {
        userId: user.id,
        name: user.name,
        role: user.role,
        via: 'token',
        scope: stored.scope,
        tokenId: stored.id,
      };
    }
    const id = sessionId(request);
    if (id === undefined) {
      throw unauthenticated('Sign in, or send an API token as "Authorization: Bearer mcpw_…".');
    }
    const resumed = await resumeSession(store, id, at);
    if (!resumed) {
      clearSessionCookie(reply);
      throw unauthenticated('Your session has ended: sign in again.');
    }
    if (resumed.extendedTo !== undefined) setSessionCookie(reply, id, resumed.extendedTo);
    if (!SAFE_METHODS.has(request.method) && crossSite(request)) {
      throw forbidden('Another site cannot act with your session: call the API with an API token instead.');
    }
    sessionHashes.set(request, resumed.session.idHash);
    const { user } = resumed;
    return { userId: user.id, name: user.name, role: user.role, via: 'session', scope: 'write' };
  }

  app.addHook('onRequest', async (request, reply) => {
    if (!guarded(request) || request.routeOptions.config?.public === true) return;
    try {
      const principal = await authenticate(request, reply);
      if (!scopeAllows(principal.scope, request.method)) throw readOnly();
      request.principal = principal;
    } catch (error) {
      if (error instanceof ApiError) {
        if (error.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="mcpwatch"');
        return sendApiError(reply, error);
      }
      throw error;
    }
  });

  const docs = options.docs ?? [];

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/auth/setup',
    tag: 'auth',
    summary: 'Whether mcpwatch still needs its first admin (no users yet)',
    role: null,
    responses: { 200: '{ needsAdmin }' },
    handler: async () => ({ needsAdmin: (await store.countUsers()) === 0 }),
  });

  // Calls are taken one at a time, so two racing first runs make one admin.
  let firstRun: Promise<unknown> = Promise.resolve();
  route(app, docs, {
    method: 'POST',
    url: '/api/v1/auth/setup',
    tag: 'auth',
    summary: 'Create the first admin while no user exists (the first-run page); then sign in as usual',
    role: null,
    body: z.object({ name: userName, password }),
    responses: { 201: '{ user }', 400: 'Invalid name or password', 409: 'Users exist already' },
    handler: async ({ body }, reply) => {
      const create = firstRun.then(async () => {
        if ((await store.countUsers()) > 0) {
          throw new ApiError(
            409,
            'conflict',
            'mcpwatch has users already: sign in, or ask an admin for an account.',
          );
        }
        try {
          return await addUser(store, { ...body, role: 'admin' }, now());
        } catch (error) {
          throw fromUserError(error);
        }
      });
      firstRun = create.catch(() => undefined);
      const user = await create;
      reply.code(201);
      return { user };
    },
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/auth/login',
    tag: 'auth',
    summary: 'Sign in with a user name and password; sets the session cookie',
    role: null,
    body: loginBody,
    before: (request) => {
      if (crossSite(request)) throw forbidden('Sign in from mcpwatch itself, not from another site.');
    },
    responses: {
      200: '{ user }, and the session cookie',
      400: 'Invalid field',
      401: 'Wrong user name or password',
      403: 'Started by another site',
      429: 'Too many sign-in attempts (Retry-After)',
    },
    handler: async ({ body, request }, reply) => {
      // Names are compared as typed; the limiter folds case so "Admin" and "admin" share one budget.
      let refused: RateLimit | undefined;
      if (!byIp.take(request.ip)) refused = limits.ip;
      else if (!byName.take(body.name.toLowerCase())) refused = limits.name;
      if (refused) throw tooMany(refused);
      const user = await store.getUserByName(body.name);
      // An unknown name is checked against a dummy hash, so it costs what a wrong password costs.
      const ok = await verifyPassword(body.password, user?.passwordHash ?? (await dummyPasswordHash()));
      if (!user || !ok) {
        // Only a known name is logged: people type passwords into the name field.
        request.log.warn({ user: user ? user.name : '(unknown)' }, 'sign-in failed');
        throw unauthenticated('Wrong user name or password.');
      }
      const previous = sessionId(request);
      if (previous !== undefined) await endSession(store, previous);
      // Sign-ins are when sessions are made, so they are also when dead ones are swept: no timer to run or stop.
      await store.deleteExpiredSessions(now());
      const session = await startSession(store, user.id, now());
      setSessionCookie(reply, session.id, session.expiresAt);
      request.log.info({ user: user.name }, 'signed in');
      const { passwordHash: _, ...shown } = user;
      return { user: shown };
    },
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/auth/logout',
    tag: 'auth',
    summary: 'Sign out: ends the session and clears its cookie',
    role: 'viewer',
    responses: { 204: 'Signed out' },
    handler: async ({ request }, reply) => {
      const id = sessionId(request);
      if (principalOf(request).via === 'session' && id !== undefined) await endSession(store, id);
      clearSessionCookie(reply);
      return reply.code(204).send();
    },
  });

  route(app, docs, {
    method: 'GET',
    url: '/api/v1/auth/me',
    tag: 'auth',
    summary: 'Who is signed in, how (session or token) and with what scope',
    role: 'viewer',
    responses: { 200: '{ user, via, scope }' },
    handler: async ({ request }) => {
      const principal = principalOf(request);
      const user = await store.getUser(principal.userId);
      return { user, via: principal.via, scope: principal.scope };
    },
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/auth/password',
    tag: 'auth',
    summary: 'Change your own password; your other sessions end',
    role: 'viewer',
    body: passwordBody,
    responses: {
      204: 'Changed',
      400: 'Invalid field, or not the current password',
      429: 'Too many attempts (Retry-After)',
    },
    handler: async ({ body, request }, reply) => {
      const principal = principalOf(request);
      // A borrowed session must not become a way to guess the password itself.
      if (!byName.take(principal.name.toLowerCase())) throw tooMany(limits.name);
      const current = await store.getUserByName(principal.name);
      if (!current || !(await verifyPassword(body.currentPassword, current.passwordHash))) {
        throw new ApiError(
          400,
          'invalid_request',
          'currentPassword: this is not your current password',
          'currentPassword',
        );
      }
      await changePassword(store, principal.userId, body.password, now(), sessionHashOf(request)).catch(
        (e) => {
          throw fromUserError(e);
        },
      );
      return reply.code(204).send();
    },
  });
}

/**
 * Register once, at the root, after `installErrorHandler`. Marked like `fastify-plugin` marks plugins, so its
 * hook and request decoration apply to every route of the parent instead of staying inside the plugin.
 */
export const authPlugin: FastifyPluginAsync<AuthPluginOptions> = Object.assign(auth, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'mcpwatch-auth',
});
