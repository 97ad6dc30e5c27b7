import type { ProbeResult } from '@mcpwatch/probe';
import { type ProbeSpec, runProbe } from './run-check.js';

/** How one monitor's checks are made: a fresh probe each time, or one kept-alive stdio server. */
export interface CheckRunner {
  check(signal: AbortSignal): Promise<ProbeResult>;
  /** Frees what the runner holds (a child process); bounded, idempotent. */
  close(): Promise<void>;
}

export class ColdRunner implements CheckRunner {
  constructor(private readonly spec: ProbeSpec) {}

  check(signal: AbortSignal): Promise<ProbeResult> {
    return runProbe(this.spec, signal);
  }

  async close(): Promise<void> {}
}
