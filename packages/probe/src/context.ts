import { ProbeFailure } from './failure.js';
import type { Reason } from './reasons.js';
import type { Check, Phase, TlsInfo } from './result.js';

export interface Budget {
  /** Deadline for the whole probe. */
  timeoutMs: number;
  /** Upper bound for one phase; defaults to what is left of the deadline. */
  phaseTimeoutMs?: number;
  /** Byte limit for any one body, SSE stream or stdio line. */
  maxBytes: number;
}

/**
 * What one probe run carries through its steps: the deadline (the caller's signal plus the probe timeout),
 * the timings of each phase and the checks evaluated so far.
 */
export class ProbeContext {
  readonly timings: Partial<Record<Phase, number>> = {};
  readonly checks: Check[] = [];
  readonly signal: AbortSignal;
  readonly started = performance.now();
  /** The first TLS handshake's certificate, recorded before its verdict so a failed probe reports it. */
  tls: TlsInfo | undefined;
  /** The phase running now, so a failure thrown from deep inside can be attributed to it. */
  current: Phase | undefined;

  private readonly controller = new AbortController();
  private readonly deadline: NodeJS.Timeout;
  private readonly onOuterAbort = () => this.controller.abort(this.outer?.reason);

  constructor(
    readonly budget: Budget,
    private readonly outer?: AbortSignal,
  ) {
    // A plain timer, cleared by dispose(), rather than AbortSignal.timeout: a monitor runs a probe every
    // few seconds, and a deadline left to fire long after its probe ended is work for nothing.
    this.signal = this.controller.signal;
    this.deadline = setTimeout(
      () => this.controller.abort(new DOMException('The probe deadline passed', 'TimeoutError')),
      budget.timeoutMs,
    );
    if (outer?.aborted) this.onOuterAbort();
    else outer?.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  /** Ends the deadline and lets go of the caller's signal; the runner calls it once the probe is over. */
  dispose(): void {
    clearTimeout(this.deadline);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
  }

  /** The caller gave up (a shutdown, a Ctrl-C): that says nothing about the server, so it is not a timeout. */
  cancelled(phase: Phase | undefined): ProbeFailure | undefined {
    if (!this.outer?.aborted) return undefined;
    return new ProbeFailure('cancelled', 'The probe was cancelled before it finished', phase);
  }

  elapsed(): number {
    return performance.now() - this.started;
  }

  /** A signal for one phase: the probe deadline, or the phase bound when that comes first. */
  phaseSignal(): AbortSignal {
    const { phaseTimeoutMs } = this.budget;
    if (phaseTimeoutMs === undefined || phaseTimeoutMs >= this.budget.timeoutMs - this.elapsed()) {
      return this.signal;
    }
    return AbortSignal.any([this.signal, AbortSignal.timeout(phaseTimeoutMs)]);
  }

  /** Runs one phase, adds its duration to the timings and names the phase in any failure or timeout. */
  async phase<T>(name: Phase, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const before = this.current;
    this.current = name;
    const t0 = performance.now();
    const signal = this.phaseSignal();
    try {
      return await raceAbort(fn(signal), signal);
    } catch (error) {
      throw this.cancelled(name) ?? toFailure(error, name, signal);
    } finally {
      this.timings[name] = round((this.timings[name] ?? 0) + performance.now() - t0);
      this.current = before;
    }
  }

  /** Records the time a phase took when it was measured elsewhere (inside a connector, say). */
  record(name: Phase, ms: number): void {
    this.timings[name] = round((this.timings[name] ?? 0) + ms);
  }

  /** Records a check. A soft check names the reason it degrades the probe with; a hard one is thrown. */
  check(name: string, ok: boolean, detail: string, softReason?: Reason): boolean {
    this.checks.push(softReason ? { name, ok, detail, soft: softReason } : { name, ok, detail });
    return ok;
  }
}

export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * Settles with the first of the work and the abort. Work that ignores its signal (a library call, a
 * stream that never ends) cannot hold a probe past its deadline.
 */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export function toFailure(error: unknown, phase: Phase, signal?: AbortSignal): ProbeFailure {
  if (error instanceof ProbeFailure) {
    return error.phase
      ? error
      : new ProbeFailure(error.reason, error.message, phase, { cause: error.cause }, error.http);
  }
  if (signal?.aborted || isAbort(error)) {
    const reason = phase === 'connect' ? 'connect_timeout' : 'timeout';
    const what = phase === 'connect' ? 'TCP connect' : `the ${phase} phase`;
    return new ProbeFailure(reason, `No answer in time during ${what}`, phase, { cause: error });
  }
  const code = (error as { code?: string } | undefined)?.code;
  switch (code) {
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return new ProbeFailure(
        'connect_reset',
        `The connection was closed by the server during ${phase}`,
        phase,
        {
          cause: error,
        },
      );
    case 'ECONNREFUSED':
      return new ProbeFailure('connect_refused', 'Connection refused', phase, { cause: error });
    default:
      return new ProbeFailure('invalid_response', `${phase} failed: ${errorText(error)}`, phase, {
        cause: error,
      });
  }
}

function isAbort(error: unknown): boolean {
  const e = error as { name?: string; code?: string } | undefined;
  return e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.code === 'UND_ERR_ABORTED';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
