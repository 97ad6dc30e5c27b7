import { createHash, randomBytes } from 'node:crypto';
import type { ApiToken, Store, TokenScope, User } from '../store/index.js';

/** A recognisable prefix lets secret scanners (and people) tell an mcpwatch token from other secrets. */
export const API_TOKEN_PREFIX = 'mcpw_';
export const SCOPES = ['read', 'write'] as const satisfies readonly TokenScope[];

const SHAPE = /^mcpw_[A-Za-z0-9_-]{43}$/;

/** 256 random bits. Only the hash is stored, so the token is shown to its owner once. */
export function newApiToken(): { token: string; hash: string } {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashApiToken(token) };
}

/**
 * A plain sha256, not a password hash: the token has 256 bits of entropy, so nothing is gained by making each
 * lookup slow, and an exact-match lookup by hash needs a deterministic one.
 */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Rejects malformed tokens before touching the database. */
export function isApiTokenShape(value: string): boolean {
  return SHAPE.test(value);
}

/** Methods that only read. A read-scoped token may use these and nothing else. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function scopeAllows(scope: TokenScope, method: string): boolean {
  return scope === 'write' || SAFE_METHODS.has(method.toUpperCase());
}

/** A token's "last used" is written at most this often: a busy client must not turn every read into a write. */
const TOUCH_EVERY_MS = 60_000;

/**
 * The token and user behind an `Authorization` header, or why there are none (a sentence for the 401). The
 * REST API and `/mcp` both authenticate API tokens through here.
 */
export async function lookUpBearer(
  store: Store,
  header: string,
  at: number,
): Promise<{ token: ApiToken; user: User } | { refused: string }> {
  const token = /^Bearer +(\S+) *$/i.exec(header)?.[1];
  if (!token) return { refused: 'Send the API token as "Authorization: Bearer mcpw_…".' };
  const found = isApiTokenShape(token) ? await store.getApiTokenByHash(hashApiToken(token), at) : undefined;
  if (!found) return { refused: 'This API token is unknown, revoked or expired.' };
  if (found.token.lastUsedAt === null || at - found.token.lastUsedAt >= TOUCH_EVERY_MS) {
    await store.touchApiToken(found.token.id, at);
  }
  return found;
}
