import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { hashApiToken, isApiTokenShape, newApiToken, scopeAllows } from './api-token.js';
import { describeBootstrap, ensureAdmin } from './bootstrap.js';
import { verifyPassword } from './password.js';
import {
  endSession,
  resumeSession,
  SESSION_TOUCH_INTERVAL_MS,
  SESSION_TTL_MS,
  startSession,
} from './sessions.js';
import { addUser, changePassword, userNamed } from './users.js';

const T0 = Date.UTC(2026, 10, 1);

describe('auth services', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  it('creates the first admin from MCPWATCH_ADMIN_PASSWORD once, and never again', async () => {
    expect(await ensureAdmin(store, {}, T0)).toEqual({ action: 'needs_admin' });
    expect(describeBootstrap({ action: 'needs_admin' })).toMatch(
      /mcpwatch user add <name>.*MCPWATCH_ADMIN_PASSWORD/,
    );

    const env = { MCPWATCH_ADMIN_PASSWORD: 'first-admin-pass' };
    const created = await ensureAdmin(store, env, T0);
    expect(created).toEqual({ action: 'created', name: 'admin' });
    expect(describeBootstrap(created)).not.toContain('first-admin-pass');
    const admin = await store.getUserByName('admin');
    expect(admin?.role).toBe('admin');
    expect(await verifyPassword('first-admin-pass', admin?.passwordHash as string)).toBe(true);

    // A later start with another password must not reset the admin's.
    expect(await ensureAdmin(store, { MCPWATCH_ADMIN_PASSWORD: 'other-password' }, T0)).toEqual({
      action: 'none',
      users: 1,
    });
    expect(await store.countUsers()).toBe(1);
  });

  it('takes the admin name from MCPWATCH_ADMIN_USER and rejects unusable values without creating anyone', async () => {
    const short = await ensureAdmin(store, { MCPWATCH_ADMIN_PASSWORD: 'short' }, T0);
    expect(short).toEqual({
      action: 'rejected',
      message: expect.stringMatching(/^MCPWATCH_ADMIN_PASSWORD: .*8 characters/),
    });
    const badName = await ensureAdmin(
      store,
      { MCPWATCH_ADMIN_PASSWORD: 'long-enough', MCPWATCH_ADMIN_USER: 'a b' },
      T0,
    );
    expect(badName).toMatchObject({
      action: 'rejected',
      message: expect.stringMatching(/^MCPWATCH_ADMIN_USER: /),
    });
    expect(await store.countUsers()).toBe(0);
    const env = { MCPWATCH_ADMIN_PASSWORD: 'long-enough', MCPWATCH_ADMIN_USER: 'ops' };
    expect(await ensureAdmin(store, env, T0)).toEqual({ action: 'created', name: 'ops' });
  });

  it('makes the first user an admin and later ones viewers unless told otherwise', async () => {
    expect((await addUser(store, { name: 'ada', password: 'password-1' }, T0)).role).toBe('admin');
    expect((await addUser(store, { name: 'bob', password: 'password-2' }, T0)).role).toBe('viewer');
    expect((await addUser(store, { name: 'cy', password: 'password-3', role: 'editor' }, T0)).role).toBe(
      'editor',
    );
    await expect(addUser(store, { name: 'ada', password: 'password-4' }, T0)).rejects.toMatchObject({
      code: 'name_taken',
      field: 'name',
    });
    await expect(addUser(store, { name: 'dee', password: 'short' }, T0)).rejects.toMatchObject({
      code: 'weak_password',
      field: 'password',
    });
    await expect(addUser(store, { name: 'no spaces', password: 'password-5' }, T0)).rejects.toMatchObject({
      code: 'invalid_name',
    });
    await expect(userNamed(store, 'nobody')).rejects.toMatchObject({ code: 'user_not_found' });
    expect(await userNamed(store, 'bob')).not.toHaveProperty('passwordHash');
  });

  it('keeps sessions for a week after their last use, and a new password ends the others', async () => {
    const ada = await addUser(store, { name: 'ada', password: 'password-1' }, T0);
    const one = await startSession(store, ada.id, T0);
    const two = await startSession(store, ada.id, T0);
    expect(one.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(one.expiresAt).toBe(T0 + SESSION_TTL_MS);

    // Used within the touch interval: no write, no new expiry.
    expect(
      (await resumeSession(store, one.id, T0 + SESSION_TOUCH_INTERVAL_MS - 1))?.extendedTo,
    ).toBeUndefined();
    const slid = await resumeSession(store, one.id, T0 + 6 * 86_400_000);
    expect(slid?.extendedTo).toBe(T0 + 6 * 86_400_000 + SESSION_TTL_MS);
    expect(await resumeSession(store, one.id, T0 + 12 * 86_400_000)).toMatchObject({ user: { name: 'ada' } });
    expect(await resumeSession(store, two.id, T0 + 8 * 86_400_000)).toBeUndefined();
    expect(await resumeSession(store, 'not-a-session-id', T0)).toBeUndefined();

    const three = await startSession(store, ada.id, T0 + 12 * 86_400_000);
    await changePassword(store, ada.id, 'password-new', T0 + 12 * 86_400_000);
    expect(await resumeSession(store, one.id, T0 + 12 * 86_400_000)).toBeUndefined();
    expect(await resumeSession(store, three.id, T0 + 12 * 86_400_000)).toBeUndefined();
    const four = await startSession(store, ada.id, T0);
    await endSession(store, four.id);
    expect(await resumeSession(store, four.id, T0)).toBeUndefined();
  });

  it('makes API tokens with the mcpw_ prefix and 256 random bits, hashed with sha256', () => {
    const { token, hash } = newApiToken();
    expect(token).toMatch(/^mcpw_[A-Za-z0-9_-]{43}$/);
    expect(isApiTokenShape(token)).toBe(true);
    expect(isApiTokenShape(`${token}x`)).toBe(false);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiToken(token)).toBe(hash);
    expect(newApiToken().token).not.toBe(token);
    expect(['GET', 'HEAD', 'OPTIONS', 'POST', 'DELETE'].map((m) => scopeAllows('read', m))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(scopeAllows('write', 'DELETE')).toBe(true);
  });
});
