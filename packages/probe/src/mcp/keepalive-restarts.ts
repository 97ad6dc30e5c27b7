import type { Reason } from '../reasons.js';

/**
 * A child that ended other than by close(): on its own (a crash, an OOM kill) or stopped by the monitor
 * because it hung.
 */
export interface ExitInfo {
  /** process_exited when it ended on its own; else the reason of the check that made the monitor stop it. */
  reason: Reason;
  message: string;
  pid: number | undefined;
  exitCode: number | null;
  signal: string | null;
  /** Its last stderr lines, at most 20. */
  stderrTail: string[];
  /** When it ended, on the hooks' clock (ms since the epoch). */
  at: number;
  /** The restart this end leads to: 1 after a healthy run, counting up while restarts keep failing. */
  attempt: number;
  /** The wait before that restart. */
  delayMs: number;
}

/** How a child ended, or a start failed. */
export type Ending = Omit<ExitInfo, 'attempt' | 'delayMs'>;

/** A restart about to spawn a new child, with what ended the one before (or the failed start before). */
export interface RestartInfo {
  attempt: number;
  reason: Reason;
  exitCode: number | null;
  signal: string | null;
  stderrTail: string[];
  /** When the restart began, on the hooks' clock. */
  at: number;
  /** The wait it followed. */
  delayMs: number;
}

export interface KeepaliveHooks {
  onRestart?(info: RestartInfo): void;
  onExit?(info: ExitInfo): void;
  /** The clock for backoff and event times (ms since the epoch); a test can move it by hand. */
  now?: () => number;
}

export interface BackoffOptions {
  /** The wait before the first restart in a row; each further one doubles it. Default 1 s. */
  baseMs?: number;
  /** The longest wait. Default 5 min. */
  maxMs?: number;
  /** Good checks in a row after which the child counts as healthy and the wait starts again from baseMs. Default 3. */
  healthyChecks?: number;
}

/**
 * When a kept-alive child may be restarted: 1 s, 2 s, 4 s … up to the cap while ends come in a row, from
 * the base again once a child has stayed healthy for a few checks. No I/O and no timers: the caller
 * passes the time, and a check that finds the wait not over says so instead of spawning.
 */
export class Backoff {
  /** Ends in a row with no healthy run between them; also the number of the next restart. */
  attempt = 0;
  delayMs = 0;
  restartAt = 0;
  private healthy = 0;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly healthyChecks: number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 1000;
    this.maxMs = options.maxMs ?? 300_000;
    this.healthyChecks = options.healthyChecks ?? 3;
  }

  /** A child ended, or a start failed, at `at`: plans the next restart. */
  ended(at: number): void {
    this.attempt++;
    this.healthy = 0;
    this.delayMs = Math.min(this.maxMs, this.baseMs * 2 ** (this.attempt - 1));
    this.restartAt = at + this.delayMs;
  }

  /** A check went well. */
  good(): void {
    if (++this.healthy >= this.healthyChecks) this.attempt = 0;
  }

  /** A check failed, or a new child started: the healthy run starts over. */
  interrupted(): void {
    this.healthy = 0;
  }

  /** How long until a restart is allowed, 0 when it is. */
  waitAt(now: number): number {
    return Math.max(0, this.restartAt - now);
  }
}

/** A wait as a person reads it: "250 ms", "1 s", "2.5 s", "300 s". */
export function formatDelay(ms: number): string {
  return ms < 1000 ? `${Math.ceil(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}
