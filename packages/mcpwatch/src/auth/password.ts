import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords are stored as `scrypt$N$r$p$salt$hash` (salt and hash base64url). The parameters travel with each
 * hash, so raising them later leaves existing hashes verifiable. N = 2^15, r = 8 takes 32 MiB and tens of
 * milliseconds per guess; the async form runs on libuv's pool, so a login does not stall the event loop.
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Bounds on parameters read back from a stored hash, so a tampered row cannot ask for gigabytes or minutes. */
const MAX = { N: 2 ** 20, r: 32, p: 16 } as const;

export const MIN_PASSWORD_LENGTH = 8;
/** Long enough for any passphrase; short enough that a request cannot make hashing itself the cost. */
export const MAX_PASSWORD_LENGTH = 1024;

/** What is wrong with a new password, as a sentence that says what to do; undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `Passwords must be at least ${MIN_PASSWORD_LENGTH} characters long: choose a longer one.`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `Passwords must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  }
  return undefined;
}

function derive(password: string, salt: Buffer, keyBytes: number, params: ScryptOptions): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node refuses more than 32 MiB unless told otherwise.
  const maxmem = 128 * (params.N ?? 0) * (params.r ?? 0) + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, { ...params, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface Parsed {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts
    .slice(1, 4)
    .map((x) => (/^\d{1,8}$/.test(x as string) ? Number(x) : Number.NaN)) as [number, number, number];
  // N must be a power of two above 1, as scrypt defines it.
  if (!(N > 1 && N <= MAX.N && (N & (N - 1)) === 0)) return undefined;
  if (!(r >= 1 && r <= MAX.r && p >= 1 && p <= MAX.p)) return undefined;
  const salt = Buffer.from(parts[4] as string, 'base64url');
  const key = Buffer.from(parts[5] as string, 'base64url');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { N, r, p, salt, key };
}

/** True when `password` matches; false for a wrong password and for a stored value that is not a hash of ours. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.key.length, {
    N: parsed.N,
    r: parsed.r,
    p: parsed.p,
  });
  return timingSafeEqual(key, parsed.key);
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password with the current parameters. Checking a password against it when the user
 * does not exist costs what a real check costs, so response times do not reveal which names exist.
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}
