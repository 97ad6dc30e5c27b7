import { createHash, randomBytes } from 'node:crypto';
import type { Millis, Session, Store, User } from '../store/index.js';

export const SESSION_COOKIE = 'mcpwatch_session';
/** Sliding: a session used at least once a week lasts until it is logged out or its user changes password. */
export const SESSION_TTL_MS = 7 * 24 * 3_600_000;
/** How stale `last_seen_at` may get before a request writes it again: one write a minute, not one per request. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

const SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/** Creates a session for `userId`; the returned id goes into the cookie and nowhere else. */
export async function startSession(
  store: Store,
  userId: number,
  now: Millis,
): Promise<{ id: string; expiresAt: Millis }> {
  const id = randomBytes(32).toString('base64url');
  const expiresAt = now + SESSION_TTL_MS;
  await store.createSession({
    idHash: hashSessionId(id),
    userId,
    createdAt: now,
    expiresAt,
    lastSeenAt: now,
  });
  return { id, expiresAt };
}

export interface ResumedSession {
  session: Session;
  user: User;
  /** Set when the expiry moved, so the caller can refresh the cookie's lifetime to match. */
  extendedTo?: Millis;
}

/** The live session a cookie names, its expiry slid forward; undefined for an unknown, malformed or expired id. */
export async function resumeSession(
  store: Store,
  id: string,
  now: Millis,
): Promise<ResumedSession | undefined> {
  if (!SHAPE.test(id)) return undefined;
  const idHash = hashSessionId(id);
  const found = await store.getSession(idHash, now);
  if (!found) return undefined;
  if (now - found.session.lastSeenAt < SESSION_TOUCH_INTERVAL_MS) return found;
  const expiresAt = now + SESSION_TTL_MS;
  await store.touchSession(idHash, now, expiresAt);
  return { ...found, session: { ...found.session, lastSeenAt: now, expiresAt }, extendedTo: expiresAt };
}

export async function endSession(store: Store, id: string): Promise<void> {
  if (SHAPE.test(id)) await store.deleteSession(hashSessionId(id));
}
