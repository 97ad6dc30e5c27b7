import { describe, expect, it } from 'vitest';
import { dummyPasswordHash, hashPassword, passwordProblem, verifyPassword } from './password.js';
import { allows, isRole, ROLES } from './roles.js';

describe('password hashing', () => {
  it('stores scrypt parameters, a 16-byte salt and the key, and verifies only the right password', async () => {
    const stored = await hashPassword('correct horse');
    const [scheme, n, r, p, salt, key] = stored.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt as string, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key as string, 'base64url')).toHaveLength(32);
    expect(stored).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct horsE', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash, so one password hashes differently each time', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'));
  });

  it('verifies hashes made with other parameters, so they can be raised later', async () => {
    // N = 2^10, r = 4, p = 2, computed once with node:crypto's scryptSync for the password "legacy-pass".
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.alloc(16, 7);
    const key = scryptSync('legacy-pass', salt, 24, { N: 1024, r: 4, p: 2 });
    const stored = `scrypt$1024$4$2$${salt.toString('base64url')}$${key.toString('base64url')}`;
    expect(await verifyPassword('legacy-pass', stored)).toBe(true);
    expect(await verifyPassword('other-pass', stored)).toBe(false);
  });

  it('treats malformed or out-of-bounds stored values as a mismatch, never as an error', async () => {
    const salt = Buffer.alloc(16).toString('base64url');
    const key = Buffer.alloc(32).toString('base64url');
    for (const stored of [
      '',
      'plain-text-password',
      `bcrypt$10$8$1$${salt}$${key}`,
      `scrypt$1000$8$1$${salt}$${key}`, // N not a power of two
      `scrypt$${2 ** 24}$8$1$${salt}$${key}`, // N too large: gigabytes of memory
      `scrypt$1024$8$1$${salt}`,
      `scrypt$1024$8$1$$${key}`,
    ]) {
      expect(await verifyPassword('whatever1', stored)).toBe(false);
    }
  });

  it('verifies against the dummy hash without ever matching', async () => {
    const dummy = await dummyPasswordHash();
    expect(dummy).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await dummyPasswordHash()).toBe(dummy);
    expect(await verifyPassword('password', dummy)).toBe(false);
  });

  it('asks for at least 8 characters, saying so', () => {
    expect(passwordProblem('1234567')).toBe(
      'Passwords must be at least 8 characters long: choose a longer one.',
    );
    expect(passwordProblem('12345678')).toBeUndefined();
    expect(passwordProblem('x'.repeat(1025))).toMatch(/at most 1024/);
  });
});

describe('roles', () => {
  it('orders admin above editor above viewer', () => {
    expect(ROLES).toEqual(['viewer', 'editor', 'admin']);
    const table = ROLES.map((role) => ROLES.map((needed) => allows(role, needed)));
    expect(table).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });

  it('recognises only the three role names', () => {
    expect(ROLES.every(isRole)).toBe(true);
    for (const other of ['Admin', 'root', '', 'toString', 'constructor', 1, null])
      expect(isRole(other)).toBe(false);
  });
});
