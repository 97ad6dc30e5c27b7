export type StoreErrorCode =
  | 'store_url_invalid'
  | 'store_unreachable'
  | 'store_open_failed'
  | 'store_migration_failed'
  | 'monitor_key_taken';

/** A store failure a person can act on: the message says what to check, and never carries a password. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** The URL with its password replaced, fit for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}
