import { displayUrl } from '@mcpwatch/probe';

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

/** The URL with its password replaced, fit for messages and logs; text `URL` cannot parse is masked by pattern. */
export function redactUrl(url: string): string {
  if (URL.canParse(url)) return displayUrl(new URL(url));
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
