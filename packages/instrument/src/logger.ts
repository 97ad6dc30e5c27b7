// Structured logs as JSON lines on stderr. Never stdout: on stdio it carries the protocol, and one stray
// line there breaks the client. The line shape follows the seed guide (timestamp, level, server, version,
// message, then fields), and a user's pino logger takes the place of the writer when given.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** The part of a pino logger used here (pino's `logger.info(fields, message)` call shape). */
export interface PinoLike {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  child?(bindings: object): PinoLike;
  isLevelEnabled?(level: string): boolean;
}

export interface LoggerOptions {
  /** The server's name, on every line. */
  name?: string;
  version?: string;
  /** Minimum level; default `LOG_LEVEL` from the environment, else 'info'. */
  level?: LogLevel | string;
  /** The user's pino logger: lines go through it, with its own level, transports and redaction. */
  pino?: PinoLike;
  /** Where JSON lines go; default process.stderr. */
  destination?: { write(line: string): unknown };
}

export interface McpLogger {
  readonly level: LogLevel;
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Reads a level name as people write it (`DEBUG`, `warning`, `none`); unknown names fall back. */
export function parseLevel(value: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  const v = value?.trim().toLowerCase();
  if (!v) return fallback;
  if (v === 'warning') return 'warn';
  if (v === 'none' || v === 'off' || v === 'silent') return 'silent';
  if (v === 'trace') return 'debug';
  if (v === 'fatal' || v === 'critical') return 'error';
  return v in RANK ? (v as LogLevel) : fallback;
}

const LABEL = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;

const bigintAsString = (_key: string, value: unknown) =>
  typeof value === 'bigint' ? value.toString() : value;

// JSON.stringify throws on a BigInt and on cycles; a log call must never throw into a tool call. The
// replacer is only paid for when the plain call fails.
function safeJson(fields: Record<string, unknown>): string {
  try {
    return JSON.stringify(fields);
  } catch {
    try {
      return JSON.stringify(fields, bigintAsString);
    } catch {
      return '{"fields":"[unserializable]"}';
    }
  }
}

export function createLogger(options: LoggerOptions = {}): McpLogger {
  const level = parseLevel(options.level ?? process.env.LOG_LEVEL);
  // name and version are read when a line is written: instrument() may learn them from the server after
  // the logger exists.
  const user = options.pino;
  if (user) {
    let bound: PinoLike | undefined;
    const pino = () => {
      bound ??= user.child ? user.child({ server: options.name, version: options.version }) : user;
      return bound;
    };
    const enabled = (l: Exclude<LogLevel, 'silent'>) => user.isLevelEnabled?.(l) ?? true;
    return {
      level,
      enabled,
      debug: (m, f = {}) => pino().debug(f, m),
      info: (m, f = {}) => pino().info(f, m),
      warn: (m, f = {}) => pino().warn(f, m),
      error: (m, f = {}) => pino().error(f, m),
    };
  }
  const destination = options.destination ?? process.stderr;
  const min = RANK[level];
  // The line is assembled as text around one JSON.stringify of the fields: a tool call writes one, and
  // spreading the base fields into a new object per line cost more than the rest of the instrumentation.
  let bound: { name: string | undefined; version: string | undefined; text: string } | undefined;
  const base = () => {
    const { name, version } = options;
    if (!bound || bound.name !== name || bound.version !== version) {
      const json = JSON.stringify({ server: name, version }).slice(1, -1);
      bound = { name, version, text: json ? `${json},` : '' };
    }
    return bound.text;
  };
  const emit = (l: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>) => {
    if (RANK[l] < min) return;
    const rest = fields ? safeJson(fields) : '{}';
    const head = `{"timestamp":"${new Date().toISOString()}","level":"${LABEL[l]}",${base()}"message":${JSON.stringify(message)}`;
    const line = rest.length > 2 ? `${head},${rest.slice(1)}` : `${head}}`;
    try {
      destination.write(`${line}\n`);
    } catch {
      // A closed stderr (the parent went away) is no reason to fail the request being logged.
    }
  };
  return {
    level,
    enabled: (l) => RANK[l] >= min,
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
