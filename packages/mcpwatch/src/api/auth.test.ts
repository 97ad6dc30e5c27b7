import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { hashApiToken } from '../auth/api-token.js';
import { addUser } from '../auth/users.js';
import { openStore, type Role, type Store } from '../store/index.js';
import { authPlugin, type RateLimit, requireRole } from './auth.js';
import { installErrorHandler } from './errors.js';
import type { RouteDoc } from './route.js';
import { tokenRoutes } from './tokens.js';
import { userRoutes } from './users.js';

const T0 = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;

interface Harness {
  app: FastifyInstance;
  store: Store;
  logs: string[];
  clock: { now: number };
  /** Signs in and returns the Cookie header value to send. */
  login(name: string, password?: string): Promise<string>;
  user(name: string, role: Role): Promise<void>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function harness(
  options: { secureCookies?: boolean; url?: string; limits?: { name?: RateLimit; ip?: RateLimit } } = {},
): Promise<Harness> {
  const store = await openStore(options.url ?? ':memory:');
  const logs: string[] = [];
  const clock = { now: T0 };
  const app = Fastify({ logger: { level: 'trace', stream: { write: (line: string) => logs.push(line) } } });
  installErrorHandler(app);
  // Put together as app.ts does: sign-in, then users and tokens on the same store and clock.
  const docs: RouteDoc[] = [];
  const accounts = { store, now: () => clock.now };
  await app.register(authPlugin, {
    ...accounts,
    docs,
    ...(options.secureCookies !== undefined && { secureCookies: options.secureCookies }),
    ...(options.limits && { loginLimits: options.limits }),
  });
  userRoutes(app, docs, accounts);
  tokenRoutes(app, docs, accounts);
  // Routes as other API areas declare them: the plugin's hook reaches them from the parent.
  app.get('/api/v1/monitors', { preHandler: requireRole('viewer') }, async () => ({ monitors: [] }));
  app.post('/api/v1/monitors', { preHandler: requireRole('editor') }, async () => ({ ok: true }));
  app.get('/api/v1/status/:slug', { config: { public: true } }, async () => ({ status: 'up' }));
  app.post('/hb/:token', async () => 'OK');
  app.get('/healthz', async () => 'ok');
  await app.ready();
  cleanups.push(async () => {
    await app.close();
    await store.close();
  });
  await addUser(store, { name: 'root', password: 'root-password', role: 'admin' }, T0);
  return {
    app,
    store,
    logs,
    clock,
    async login(name, password = `${name}-password`) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { name, password },
      });
      expect(res.statusCode, res.body).toBe(200);
      const cookie = res.cookies.find((c) => c.name === 'mcpwatch_session');
      return `mcpwatch_session=${cookie?.value}`;
    },
    async user(name, role) {
      await addUser(store, { name, password: `${name}-password`, role }, T0);
    },
  };
}

function errorOf(res: LightMyRequestResponse) {
  return res.json().error as { code: string; message: string; field?: string };
}

describe('sign-in and sessions', () => {
  it('signs in with a HttpOnly, SameSite=Lax session cookie for the whole site, and signs out', async () => {
    const h = await harness();
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { name: 'root', password: 'root-password' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      user: { id: expect.any(Number), name: 'root', role: 'admin', createdAt: T0, updatedAt: T0 },
    });
    expect(res.body).not.toContain('scrypt');
    const [cookie] = res.cookies;
    expect(cookie).toMatchObject({
      name: 'mcpwatch_session',
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      maxAge: 7 * 24 * 3600,
    });
    expect(cookie?.secure).toBeUndefined();
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const session = `mcpwatch_session=${cookie?.value}`;

    const me = await h.app.inject({ url: '/api/v1/auth/me', headers: { cookie: session } });
    expect(me.json()).toEqual({
      user: { id: expect.any(Number), name: 'root', role: 'admin', createdAt: T0, updatedAt: T0 },
      via: 'session',
      scope: 'write',
    });

    const out = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: session },
    });
    expect(out.statusCode).toBe(204);
    expect(out.cookies[0]).toMatchObject({ name: 'mcpwatch_session', value: '' });
    const after = await h.app.inject({ url: '/api/v1/auth/me', headers: { cookie: session } });
    expect(after.statusCode).toBe(401);
    expect(errorOf(after).code).toBe('unauthenticated');
  });

  it('marks the cookie Secure when asked to', async () => {
    const h = await harness({ secureCookies: true });
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { name: 'root', password: 'root-password' },
    });
    expect(res.cookies[0]).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
  });

  it('answers an unknown user and a wrong password alike, and logs neither password', async () => {
    const h = await harness();
    const wrong = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { name: 'root', password: 'not-the-password' },
    });
    const unknown = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { name: 'ghost-password-typed-here', password: 'not-the-password' },
    });
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(wrong.body).toBe(unknown.body);
    expect(wrong.json()).toEqual({
      error: { code: 'unauthenticated', message: 'Wrong user name or password.' },
    });
    expect(wrong.cookies).toEqual([]);
    const logged = h.logs.join('');
    expect(logged).toContain('sign-in failed');
    expect(logged).not.toContain('not-the-password');
    expect(logged).not.toContain('ghost-password-typed-here');
  });

  it('slides a session for a week after each use and ends it a week after the last', async () => {
    const h = await harness();
    const session = await h.login('root', 'root-password');
    h.clock.now = T0 + 6 * DAY;
    const used = await h.app.inject({ url: '/api/v1/auth/me', headers: { cookie: session } });
    expect(used.statusCode).toBe(200);
    expect(used.cookies[0]).toMatchObject({
      name: 'mcpwatch_session',
      maxAge: 7 * 24 * 3600,
      httpOnly: true,
    });
    h.clock.now = T0 + 12 * DAY;
    expect((await h.app.inject({ url: '/api/v1/auth/me', headers: { cookie: session } })).statusCode).toBe(
      200,
    );
    h.clock.now = T0 + 20 * DAY;
    const expired = await h.app.inject({ url: '/api/v1/auth/me', headers: { cookie: session } });
    expect(expired.statusCode).toBe(401);
    expect(expired.cookies[0]).toMatchObject({ name: 'mcpwatch_session', value: '' });
  });

  it('limits sign-in attempts per user name with 429 and Retry-After', async () => {
    const h = await harness({ limits: { name: { perSecond: 1 / 60, burst: 2 } } });
    const attempt = (name: string) =>
      h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { name, password: 'wrong-password' },
      });
    expect((await attempt('root')).statusCode).toBe(401);
    expect((await attempt('ROOT')).statusCode).toBe(401);
    const limited = await attempt('root');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('60');
    expect(errorOf(limited).code).toBe('rate_limited');
    expect((await attempt('someone-else')).statusCode).toBe(401);
  });

  it('limits sign-in attempts per client address', async () => {
    const h = await harness({ limits: { ip: { perSecond: 1 / 10, burst: 3 } } });
    const codes: number[] = [];
    for (const name of ['a1', 'a2', 'a3', 'a4']) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { name, password: 'x' },
      });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([401, 401, 401, 429]);
  });

  it('refuses changes another site starts with the session cookie', async () => {
    const h = await harness();
    const session = await h.login('root', 'root-password');
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie: session, 'sec-fetch-site': 'cross-site' },
      payload: { name: 'x', scope: 'write' },
    });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res).code).toBe('forbidden');
    const read = await h.app.inject({
      url: '/api/v1/auth/me',
      headers: { cookie: session, 'sec-fetch-site': 'same-origin' },
    });
    expect(read.statusCode).toBe(200);
  });

  it('lets a user change their own password, ending their other sessions but not this one', async () => {
    const h = await harness();
    await h.user('ed', 'editor');
    const here = await h.login('ed');
    const elsewhere = await h.login('ed');
    const wrong = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { cookie: here },
      payload: { currentPassword: 'nope-nope', password: 'brand-new-pass' },
    });
    expect(errorOf(wrong)).toMatchObject({ code: 'invalid_request', field: 'currentPassword' });
    const ok = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { cookie: here },
      payload: { currentPassword: 'ed-password', password: 'brand-new-pass' },
    });
    expect(ok.statusCode).toBe(204);
    expect((await h.app.inject({ url: '/api/v1/auth/me', headers: { cookie: here } })).statusCode).toBe(200);
    expect((await h.app.inject({ url: '/api/v1/auth/me', headers: { cookie: elsewhere } })).statusCode).toBe(
      401,
    );
    await h.login('ed', 'brand-new-pass');
  });
});

describe('what needs credentials', () => {
  it('guards everything under /api/v1/, known route or not, and leaves the open routes open', async () => {
    const h = await harness();
    for (const url of [
      '/api/v1/monitors',
      '/api/v1/users',
      '/api/v1/no-such-route',
      '/api/v1',
      '/api/v1/monitors?x=1',
    ]) {
      const res = await h.app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="mcpwatch"');
      expect(errorOf(res)).toEqual({ code: 'unauthenticated', message: expect.any(String) });
    }
    expect((await h.app.inject({ url: '/api/v1/status/public' })).json()).toEqual({ status: 'up' });
    expect((await h.app.inject({ method: 'POST', url: '/hb/abc' })).statusCode).toBe(200);
    expect((await h.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await h.app.inject({ url: '/api/v1/auth/setup' })).json()).toEqual({ needsAdmin: false });
  });

  it('refuses malformed, unknown and expired tokens outright, without falling back to the cookie', async () => {
    const h = await harness();
    const session = await h.login('root', 'root-password');
    for (const authorization of [
      'Basic cm9vdDpyb290',
      'Bearer',
      'Bearer mcpw_short',
      `Bearer mcpw_${'A'.repeat(43)}`,
    ]) {
      const res = await h.app.inject({
        url: '/api/v1/monitors',
        headers: { authorization, cookie: session },
      });
      expect(res.statusCode, authorization).toBe(401);
    }
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie: session },
      payload: { name: 'brief', scope: 'read', expiresInDays: 1 },
    });
    const { secret } = created.json();
    const auth = { authorization: `Bearer ${secret}` };
    expect((await h.app.inject({ url: '/api/v1/monitors', headers: auth })).statusCode).toBe(200);
    h.clock.now = T0 + DAY;
    expect((await h.app.inject({ url: '/api/v1/monitors', headers: auth })).statusCode).toBe(401);
  });

  it('lets a viewer read but not write, and keeps admin routes for admins', async () => {
    const h = await harness();
    await h.user('vic', 'viewer');
    await h.user('ed', 'editor');
    const vic = await h.login('vic');
    const ed = await h.login('ed');
    expect((await h.app.inject({ url: '/api/v1/monitors', headers: { cookie: vic } })).statusCode).toBe(200);
    const write = await h.app.inject({ method: 'POST', url: '/api/v1/monitors', headers: { cookie: vic } });
    expect(write.statusCode).toBe(403);
    expect(errorOf(write)).toEqual({
      code: 'forbidden',
      message: 'This needs the editor role; vic is viewer.',
    });
    expect(
      (await h.app.inject({ method: 'POST', url: '/api/v1/monitors', headers: { cookie: ed } })).statusCode,
    ).toBe(200);
    for (const cookie of [vic, ed]) {
      const users = await h.app.inject({ url: '/api/v1/users', headers: { cookie } });
      expect(users.statusCode).toBe(403);
      expect(errorOf(users).code).toBe('forbidden');
    }
  });
});

describe('API tokens', () => {
  it('shows a new token once, stores only its hash, and authenticates with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-auth-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const h = await harness({ url: `sqlite:${join(dir, 'db.sqlite')}` });
    const session = await h.login('root', 'root-password');
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie: session },
      payload: { name: 'ci', scope: 'write' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const { token, secret } = created.json();
    expect(secret).toMatch(/^mcpw_[A-Za-z0-9_-]{43}$/);
    expect(token).toEqual({
      id: expect.any(Number),
      name: 'ci',
      userId: expect.any(Number),
      userName: 'root',
      scope: 'write',
      createdAt: T0,
      lastUsedAt: null,
      expiresAt: null,
    });

    const listed = await h.app.inject({ url: '/api/v1/tokens', headers: { cookie: session } });
    expect(listed.json().tokens).toEqual([token]);
    expect(listed.body).not.toContain(secret);
    expect(listed.body).not.toContain(hashApiToken(secret));
    expect(h.logs.join('')).not.toContain(secret);

    const me = await h.app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${secret}` } });
    expect(me.json()).toMatchObject({ user: { name: 'root' }, via: 'token', scope: 'write' });
    expect((await h.store.listApiTokens())[0]?.lastUsedAt).toBe(T0);

    // The database files (and the write-ahead log) hold the hash, never the token.
    const bytes = Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
    expect(bytes.includes(secret)).toBe(false);
    expect(bytes.includes(hashApiToken(secret))).toBe(true);
  });

  it('refuses changes made with a read-scoped token, even where the route allows the role', async () => {
    const h = await harness();
    const session = await h.login('root', 'root-password');
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie: session },
      payload: { name: 'grafana', scope: 'read' },
    });
    const auth = { authorization: `Bearer ${created.json().secret}` };
    expect((await h.app.inject({ url: '/api/v1/monitors', headers: auth })).statusCode).toBe(200);
    expect((await h.app.inject({ url: '/api/v1/users', headers: auth })).statusCode).toBe(200);
    for (const [method, url] of [
      ['POST', '/api/v1/monitors'],
      ['POST', '/api/v1/tokens'],
      ['DELETE', '/api/v1/users/1'],
    ] as const) {
      const res = await h.app.inject({ method, url, headers: auth, payload: { name: 'x', scope: 'write' } });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(errorOf(res).message).toMatch(/read-only/);
    }
  });

  it('lists and deletes only your own tokens, unless you are an admin', async () => {
    const h = await harness();
    await h.user('vic', 'viewer');
    const vic = await h.login('vic');
    const root = await h.login('root', 'root-password');
    const make = async (cookie: string, name: string) =>
      (
        await h.app.inject({
          method: 'POST',
          url: '/api/v1/tokens',
          headers: { cookie },
          payload: { name, scope: 'read' },
        })
      ).json().token.id as number;
    const rootToken = await make(root, 'root-token');
    const vicToken = await make(vic, 'vic-token');
    const names = async (cookie: string) =>
      (await h.app.inject({ url: '/api/v1/tokens', headers: { cookie } }))
        .json()
        .tokens.map((t: { name: string }) => t.name);
    expect(await names(vic)).toEqual(['vic-token']);
    expect(await names(root)).toEqual(['root-token', 'vic-token']);

    const steal = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${rootToken}`,
      headers: { cookie: vic },
    });
    expect(steal.statusCode).toBe(404);
    expect(
      (await h.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${vicToken}`, headers: { cookie: root } }))
        .statusCode,
    ).toBe(204);
    expect(await names(root)).toEqual(['root-token']);
  });
});

describe('users', () => {
  it('lets an admin add, change and remove users', async () => {
    const h = await harness();
    const root = await h.login('root', 'root-password');
    const added = await h.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: root },
      payload: { name: 'ada', password: 'ada-password', role: 'editor' },
    });
    expect(added.statusCode).toBe(201);
    const ada = added.json().user;
    expect(ada).toEqual({
      id: expect.any(Number),
      name: 'ada',
      role: 'editor',
      createdAt: T0,
      updatedAt: T0,
    });
    const taken = await h.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: root },
      payload: { name: 'ada', password: 'ada-password' },
    });
    expect(taken.statusCode).toBe(409);
    expect(errorOf(taken)).toMatchObject({ code: 'name_taken', field: 'name' });

    const adaSession = await h.login('ada');
    const patched = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${ada.id}`,
      headers: { cookie: root },
      payload: { role: 'viewer', password: 'another-password' },
    });
    expect(patched.json().user).toMatchObject({ name: 'ada', role: 'viewer' });
    // A new password set by an admin ends the user's sessions.
    expect((await h.app.inject({ url: '/api/v1/auth/me', headers: { cookie: adaSession } })).statusCode).toBe(
      401,
    );
    await h.login('ada', 'another-password');

    const listed = await h.app.inject({ url: '/api/v1/users', headers: { cookie: root } });
    expect(listed.json().users.map((u: { name: string }) => u.name)).toEqual(['root', 'ada']);
    expect(listed.body).not.toContain('scrypt');

    const removed = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${ada.id}`,
      headers: { cookie: root },
    });
    expect(removed.statusCode).toBe(204);
    const again = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${ada.id}`,
      headers: { cookie: root },
    });
    expect(again.statusCode).toBe(404);
    expect(errorOf(again).code).toBe('not_found');
  });

  it('never demotes or deletes the last admin', async () => {
    const h = await harness();
    const root = await h.login('root', 'root-password');
    const id = (await h.store.getUserByName('root'))?.id;
    const demote = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${id}`,
      headers: { cookie: root },
      payload: { role: 'editor' },
    });
    expect(demote.statusCode).toBe(409);
    expect(errorOf(demote)).toMatchObject({ code: 'last_admin', field: 'role' });
    const remove = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${id}`,
      headers: { cookie: root },
    });
    expect(remove.statusCode).toBe(409);
    expect(errorOf(remove).code).toBe('last_admin');
    expect((await h.store.getUser(id as number))?.role).toBe('admin');
  });

  it('answers bad input with 400 naming the field', async () => {
    const h = await harness();
    const root = await h.login('root', 'root-password');
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/v1/auth/login', {}, 'name'],
      ['POST', '/api/v1/auth/login', { name: 'root' }, 'password'],
      ['POST', '/api/v1/auth/login', { name: 'root', password: 'x', remember: true }, 'remember'],
      ['POST', '/api/v1/users', { name: 'x', password: 'long-enough', role: 'boss' }, 'role'],
      ['POST', '/api/v1/users', { name: 'x', password: 'short' }, 'password'],
      ['POST', '/api/v1/users', { name: 'has space', password: 'long-enough' }, 'name'],
      ['PATCH', '/api/v1/users/1', {}, 'body'],
      ['PATCH', '/api/v1/users/abc', { role: 'viewer' }, 'id'],
      ['POST', '/api/v1/tokens', { name: 'ci', scope: 'admin' }, 'scope'],
      ['POST', '/api/v1/tokens', { name: ' ', scope: 'read' }, 'name'],
      ['POST', '/api/v1/tokens', { name: 'ci', scope: 'read', expiresInDays: 0.5 }, 'expiresInDays'],
      ['POST', '/api/v1/tokens', ['not', 'an', 'object'], 'body'],
    ];
    for (const [method, url, payload, field] of cases) {
      const res = await h.app.inject({
        method: method as 'POST',
        url,
        headers: { cookie: root },
        payload: payload as object,
      });
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}: ${res.body}`).toBe(400);
      const error = errorOf(res);
      expect(error.code).toBe('invalid_request');
      expect(error.field, `${method} ${url} ${JSON.stringify(payload)}`).toBe(field);
      expect(error.message.length).toBeGreaterThan(5);
    }
    const short = await h.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: root },
      payload: { name: 'x', password: 'short' },
    });
    expect(errorOf(short).message).toBe('Passwords must be at least 8 characters long: choose a longer one.');
    const json = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(json.statusCode).toBe(400);
    expect(errorOf(json).code).toBe('invalid_request');
  });
});
