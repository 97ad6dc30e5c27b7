import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 192 random bits, URL-safe: more than the 128 a guess would have to beat. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Tokens are stored hashed: a leaked database does not let anyone ping as a monitored server. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A ping body is kept as the heartbeat's message, cut at this many bytes. */
export const PING_BODY_LIMIT = 10 * 1024;

/** What a token in a heartbeat URL may look like; anything else is answered 404 without a lookup. */
const TOKEN_CHARS = '[A-Za-z0-9_-]{16,128}';

const TOKEN = new RegExp(`^${TOKEN_CHARS}$`);
const PING_PATH = new RegExp(`^/hb/(${TOKEN_CHARS})(?:/(start|fail|stop|log|\\d{1,3}))?/?$`);

export function isTokenShape(token: string): boolean {
  return TOKEN.test(token);
}

/** Parses `/hb/<token>[/start|/fail|/stop|/log|/<exit-code>]`; anything else is not a heartbeat URL. */
export function parsePingPath(
  path: string,
): { token: string; kind: 'success' | 'start' | 'fail' | 'stop' | 'log'; exitCode?: number } | undefined {
  const m = PING_PATH.exec(path.split('?')[0] ?? '');
  if (!m) return undefined;
  const token = m[1] as string;
  const suffix = m[2];
  if (suffix === undefined) return { token, kind: 'success' };
  if (/^\d+$/.test(suffix)) {
    const exitCode = Number(suffix);
    if (exitCode > 255) return undefined;
    return { token, kind: exitCode === 0 ? 'success' : 'fail', exitCode };
  }
  return { token, kind: suffix as 'start' | 'fail' | 'stop' | 'log' };
}
