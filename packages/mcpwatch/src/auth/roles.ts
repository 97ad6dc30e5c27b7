import type { Role } from '../store/index.js';

/** Typed as a full record, so a role added to the store's `Role` fails to compile until it is ranked here. */
const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** Lowest first: each role may do everything the roles before it may. */
export const ROLES = ['viewer', 'editor', 'admin'] as const satisfies readonly Role[];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && Object.hasOwn(RANK, value);
}

/** Whether someone holding `role` may do what needs `needed`. */
export function allows(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export type { Role } from '../store/index.js';
