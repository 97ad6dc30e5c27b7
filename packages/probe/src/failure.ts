import type { Reason } from './reasons.js';
import type { Phase } from './result.js';

/** What an HTTP-level failure saw, for era detection and auth discovery further up. */
export interface HttpDetail {
  status: number;
  body?: string;
  wwwAuthenticate?: string;
}

/** Thrown inside a probe to end it with a named reason; the runner turns it into a ProbeResult. */
export class ProbeFailure extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
    readonly phase?: Phase,
    options?: { cause?: unknown },
    readonly http?: HttpDetail,
  ) {
    super(message, options);
    this.name = 'ProbeFailure';
  }
}
