// Tool arguments reach the logs, and users put credentials in them (an API key for the upstream service,
// a database password). Values are hidden by key name, at any depth, before anything is written.

/** Key names whose values are replaced: matched anywhere in the key, case-insensitively. */
export const SECRET_KEY_PATTERN =
  /passw(or)?d|passphrase|secret|token|api[-_]?key|^auth$|authoriz|credential|private[-_]?key|cookie|session[-_]?id|signature|bearer|jwt/i;

export const REDACTED = '[REDACTED]';

/** Objects deeper than this are cut, so a cyclic or huge argument cannot stall a tool call. */
const MAX_DEPTH = 6;
/** Strings longer than this are cut: a log line is not the place for a whole document. */
const MAX_STRING = 1_000;
const MAX_KEYS = 50;

/** A copy of `value` safe to log: secret-named keys hidden, depth, keys and strings bounded. */
export function redact(value: unknown, pattern: RegExp = SECRET_KEY_PATTERN, depth = 0): unknown {
  if (typeof value === 'string') {
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…(${value.length} chars)` : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) {
    return value.slice(0, MAX_KEYS).map((item) => redact(item, pattern, depth + 1));
  }
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [key, item] of Object.entries(value)) {
    if (n++ >= MAX_KEYS) {
      out['…'] = `${Object.keys(value).length - MAX_KEYS} more keys`;
      break;
    }
    out[key] = pattern.test(key) ? REDACTED : redact(item, pattern, depth + 1);
  }
  return out;
}
