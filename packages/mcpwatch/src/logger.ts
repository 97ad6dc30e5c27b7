import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export interface LoggerOptions {
  level?: string;
  /** Human-readable lines instead of JSON: for a person at a terminal. */
  pretty?: boolean;
}

/**
 * Logs go to stderr as pino JSON lines (one object per line, for any log shipper), or as coloured lines
 * when a person is watching. Secrets never reach a log: headers and tokens are redacted by path.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const settings = {
    level: options.level ?? 'info',
    base: { service: 'mcpwatch' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.headers', '*.password', '*.token'],
      censor: '***',
    },
  };
  if (options.pretty) {
    return pino(settings, pretty({ destination: 2, sync: true, ignore: 'pid,hostname,service' }));
  }
  return pino(settings, pino.destination({ fd: 2, sync: false }));
}
