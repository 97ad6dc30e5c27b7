import { useEffect, useState } from 'preact/hooks';
import type { User } from './api/types.ts';

/** Who is signed in: undefined while unknown (the first /auth/me), null when nobody. */
export type SessionUser = User | null | undefined;

let current: SessionUser;
const listeners = new Set<(user: SessionUser) => void>();

export function setSessionUser(user: SessionUser): void {
  current = user;
  for (const listener of listeners) listener(user);
}

export function sessionUser(): SessionUser {
  return current;
}

export function useSessionUser(): SessionUser {
  const [user, setUser] = useState(current);
  useEffect(() => {
    listeners.add(setUser);
    setUser(current);
    return () => {
      listeners.delete(setUser);
    };
  }, []);
  return user;
}

/** Editors and admins may change things (acknowledge, check now); viewers only read. */
export function canEdit(user: SessionUser): boolean {
  return user?.role === 'editor' || user?.role === 'admin';
}
