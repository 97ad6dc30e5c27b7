/**
 * Changing users, shared by the API and `mcpwatch user`: validation, hashing, and the rules (names unique, the
 * last admin kept, sessions ended by a new password) live here once, and each caller only shapes the reply.
 */
import type { Millis, Role, Store, User } from '../store/index.js';
import { hashPassword, passwordProblem } from './password.js';

export type UserErrorCode = 'invalid_name' | 'weak_password' | 'name_taken' | 'user_not_found' | 'last_admin';

export class UserError extends Error {
  constructor(
    readonly code: UserErrorCode,
    message: string,
    /** The input the message is about, for the API's `field`. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Names appear in URLs, logs and audit trails: a small alphabet keeps them unambiguous. */
export function userNameProblem(name: string): string | undefined {
  if (NAME.test(name)) return undefined;
  return 'User names are 1 to 64 letters, digits, dots, dashes, underscores or @, starting with a letter or digit.';
}

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new UserError('weak_password', problem, 'password');
}

function notFound(what: string): UserError {
  return new UserError('user_not_found', `No user ${what}: list them with \`mcpwatch user list\`.`);
}

function lastAdmin(): UserError {
  return new UserError(
    'last_admin',
    'This is the last admin: make another user an admin first, so someone can still manage users.',
    'role',
  );
}

/** Adds a user. Without a role, the first user becomes the admin and later ones viewers. */
export async function addUser(
  store: Store,
  input: { name: string; password: string; role?: Role },
  now: Millis,
): Promise<User> {
  const nameProblem = userNameProblem(input.name);
  if (nameProblem) throw new UserError('invalid_name', nameProblem, 'name');
  checkPassword(input.password);
  const role = input.role ?? ((await store.countUsers()) === 0 ? 'admin' : 'viewer');
  const user = await store.createUser(
    { name: input.name, passwordHash: await hashPassword(input.password), role },
    now,
  );
  if (!user) throw new UserError('name_taken', `A user named "${input.name}" already exists.`, 'name');
  return user;
}

/** Sets a new password and ends the user's other sessions, so a stolen session dies with the old password. */
export async function changePassword(
  store: Store,
  userId: number,
  password: string,
  now: Millis,
  keepSessionHash?: string,
): Promise<User> {
  checkPassword(password);
  const updated = await store.updateUser(userId, { passwordHash: await hashPassword(password) }, now);
  if (updated === 'not_found' || updated === 'last_admin') throw notFound(`with id ${userId}`);
  await store.deleteUserSessions(userId, keepSessionHash);
  return updated;
}

export async function changeRole(store: Store, userId: number, role: Role, now: Millis): Promise<User> {
  const updated = await store.updateUser(userId, { role }, now);
  if (updated === 'last_admin') throw lastAdmin();
  if (updated === 'not_found') throw notFound(`with id ${userId}`);
  return updated;
}

export async function removeUser(store: Store, userId: number): Promise<void> {
  const outcome = await store.deleteUser(userId);
  if (outcome === 'last_admin') throw lastAdmin();
  if (outcome === 'not_found') throw notFound(`with id ${userId}`);
}

/** The user named `name`, or a `user_not_found` error saying how to list them. */
export async function userNamed(store: Store, name: string): Promise<User> {
  const found = await store.getUserByName(name);
  if (!found) throw notFound(`named "${name}"`);
  const { passwordHash: _, ...user } = found;
  return user;
}
