import type { Millis, Store } from '../store/index.js';
import { addUser, UserError } from './users.js';

export const ADMIN_PASSWORD_VARIABLE = 'MCPWATCH_ADMIN_PASSWORD';
export const ADMIN_USER_VARIABLE = 'MCPWATCH_ADMIN_USER';
export const DEFAULT_ADMIN_NAME = 'admin';

/** What `ensureAdmin` did, for the caller to log; it never carries the password. */
export type AdminBootstrap =
  /** Users exist already: the variables are ignored, so a forgotten one cannot reset a password. */
  | { action: 'none'; users: number }
  | { action: 'created'; name: string }
  /** No users, and no password to create one with: the service runs, but nobody can sign in yet. */
  | { action: 'needs_admin' }
  /** The variables were set but unusable (a short password, a bad name): nothing was created. */
  | { action: 'rejected'; message: string };

/**
 * Creates the first admin from the environment when the database has no users. Safe on every start and on
 * several processes at once: only an empty user table is filled, and a lost race for the name is "none".
 */
export async function ensureAdmin(
  store: Store,
  env: Readonly<Record<string, string | undefined>>,
  now: Millis,
): Promise<AdminBootstrap> {
  const users = await store.countUsers();
  if (users > 0) return { action: 'none', users };
  const password = env[ADMIN_PASSWORD_VARIABLE];
  if (password === undefined || password === '') return { action: 'needs_admin' };
  const name = env[ADMIN_USER_VARIABLE] || DEFAULT_ADMIN_NAME;
  try {
    await addUser(store, { name, password, role: 'admin' }, now);
    return { action: 'created', name };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    if (error.code === 'name_taken') return { action: 'none', users: await store.countUsers() };
    const variable = error.field === 'name' ? ADMIN_USER_VARIABLE : ADMIN_PASSWORD_VARIABLE;
    return { action: 'rejected', message: `${variable}: ${error.message}` };
  }
}

/** One log line for each outcome worth telling an operator about; undefined when there is nothing to say. */
export function describeBootstrap(outcome: AdminBootstrap): string | undefined {
  switch (outcome.action) {
    case 'created':
      return `Created the admin user "${outcome.name}" from ${ADMIN_PASSWORD_VARIABLE}; you can unset it now.`;
    case 'needs_admin':
      return `No users yet, so nobody can sign in: run \`mcpwatch user add <name>\`, or start with ${ADMIN_PASSWORD_VARIABLE} set (and ${ADMIN_USER_VARIABLE} for a name other than "${DEFAULT_ADMIN_NAME}").`;
    case 'rejected':
      return `Did not create the first admin: ${outcome.message}`;
    case 'none':
      return undefined;
  }
}
