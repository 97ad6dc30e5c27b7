import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Store } from '../store/store.js';

/** The parts that must work for mcpwatch to be doing its job; /ready names the ones that do not. */
export type ReadinessPart = 'store' | 'scheduler' | 'heartbeats' | 'config';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<ReadinessPart, boolean>;
  /** What is wrong with each failing part, in a sentence that says where to look. */
  problems: Partial<Record<ReadinessPart, string>>;
}

export interface ReadinessDeps {
  store: Store;
  /** How far behind its schedule the scheduler is (Scheduler.behindMs). */
  behindMs: () => number;
  stopping: () => boolean;
  /** When heartbeat deadlines were last checked (0: not yet) and how often they should be. */
  lastSweepAt: () => number;
  sweepMs: number;
  startedAt: number;
  configError: () => string | null;
  now: () => number;
}

/** Checks due this long ago and still not started mean the scheduler is stuck or far over capacity. */
export const SCHEDULER_BEHIND_MS = 60_000;
/** A store that takes longer than this to take one tiny write is not one checks can be recorded in. */
const STORE_WRITE_TIMEOUT_MS = 2_000;
/** An orchestrator probing every second, or many at once, share one evaluation (and one write). */
const REUSE_MS = 1_000;

/**
 * The readiness of one mcpwatch process: the store takes a write (its own liveness row, so a full disk or a
 * read-only database shows), the scheduler is not stuck behind its slots, heartbeat deadlines are being
 * checked, and the config file loaded. Concurrent and back-to-back calls share one evaluation.
 */
export class Readiness {
  private readonly instance = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private last: { at: number; report: Promise<ReadinessReport> } | undefined;

  constructor(private readonly deps: ReadinessDeps) {}

  check(): Promise<ReadinessReport> {
    const now = this.deps.now();
    if (this.last && now - this.last.at < REUSE_MS) return this.last.report;
    const report = this.evaluate(now);
    this.last = { at: now, report };
    return report;
  }

  private async evaluate(now: number): Promise<ReadinessReport> {
    const d = this.deps;
    const problems: Partial<Record<ReadinessPart, string>> = {};
    const storeProblem = await this.storeProblem(now);
    if (storeProblem) problems.store = storeProblem;
    const behind = d.behindMs();
    if (d.stopping()) problems.scheduler = 'mcpwatch is shutting down';
    else if (behind >= SCHEDULER_BEHIND_MS)
      problems.scheduler = `checks are ${Math.round(behind / 1000)} s behind their schedule: see mcpwatch_checks_waiting and raise the concurrency or lengthen intervals`;
    const swept = d.lastSweepAt();
    const sinceSweep = now - (swept === 0 ? d.startedAt : swept);
    if (sinceSweep >= 3 * d.sweepMs)
      problems.heartbeats = `heartbeat deadlines were last checked ${Math.round(sinceSweep / 1000)} s ago (every ${d.sweepMs / 1000} s expected): see the log for the error`;
    const configError = d.configError();
    if (configError !== null) problems.config = configError;
    const parts: ReadinessPart[] = ['store', 'scheduler', 'heartbeats', 'config'];
    const checks = Object.fromEntries(parts.map((p) => [p, problems[p] === undefined])) as Record<
      ReadinessPart,
      boolean
    >;
    return { ready: parts.every((p) => checks[p]), checks, problems };
  }

  private async storeProblem(now: number): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.deps.store.markAlive(this.instance, now),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${STORE_WRITE_TIMEOUT_MS / 1000} s`)),
            STORE_WRITE_TIMEOUT_MS,
          );
        }),
      ]);
      return undefined;
    } catch (error) {
      return `the ${this.deps.store.dialect === 'sqlite' ? 'SQLite file' : 'PostgreSQL database'} did not take a write (${(error as Error).message}): check disk space, permissions and the connection`;
    } finally {
      clearTimeout(timer);
    }
  }
}
