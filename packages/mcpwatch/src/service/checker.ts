import { randomUUID } from 'node:crypto';
import { DEFAULT_TIMEOUT_MS, type ProbeResult, type ToolInfo } from '@mcpwatch/probe';
import type { Logger } from 'pino';
import { type MonitorEvent, transition } from '../state/index.js';
import type { Store } from '../store/index.js';
import type { CheckRunner } from './check-runner.js';
import type { decideAndWrite } from './decide-and-write.js';
import type { LiveBus } from './live-bus.js';
import { transitionConfigOf } from './monitor-spec.js';
import type { Runtime } from './monitor-view.js';
import type { RunnerHooks } from './monitors.js';
import type { ProbeSpec } from './run-check.js';

export interface CheckerDeps {
  store: Store;
  bus: LiveBus;
  log: Logger;
  now: () => number;
  runnerFor: (spec: ProbeSpec, hooks: RunnerHooks) => CheckRunner;
  /** Writes a decision for a monitor (state, events, result) and keeps its view current. */
  apply(runtime: Runtime, decide: Parameters<typeof decideAndWrite>[3]): Promise<MonitorEvent[]>;
  /** The maintenance window the monitor is in at `at`, if any: such a check is kept but is not downtime. */
  maintenanceOf(runtime: Runtime, at: number): string | undefined;
  /** Whether the monitor still exists with this definition: a check outlived by an edit is not recorded. */
  isCurrent(runtime: Runtime, spec: ProbeSpec): boolean;
}

/**
 * One check of one monitor, from the probe to the stored result, state and events: never two at once for a
 * monitor (a "check now" during a scheduled check shares it), each with a correlation id on its log lines.
 */
export class Checker {
  /**
   * Tool lists already in the store, by hash: many monitors of one server (or one fleet) share a list,
   * which is written once rather than on each monitor's first check.
   */
  private readonly storedSnapshots = new Set<string>();

  constructor(private readonly deps: CheckerDeps) {}

  check(runtime: Runtime, spec: ProbeSpec, signal: AbortSignal): Promise<ProbeResult> {
    if (runtime.inFlight) return runtime.inFlight;
    const run = this.runCheck(runtime, spec, signal).finally(() => {
      runtime.inFlight = undefined;
    });
    runtime.inFlight = run;
    return run;
  }

  private async runCheck(runtime: Runtime, spec: ProbeSpec, signal: AbortSignal): Promise<ProbeResult> {
    const log = this.deps.log.child({ monitor: spec.name, check: randomUUID().slice(0, 8) });
    runtime.runner ??= this.deps.runnerFor(spec, {
      event: (kind, evidence) => void this.recordRunnerEvent(runtime, kind, evidence),
    });
    const result = await runtime.runner.check(signal);
    // A monitor removed or redefined while its check ran: the answer is about a definition that is gone.
    if (!this.deps.isCurrent(runtime, spec)) return result;
    try {
      await this.record(runtime, spec, result, log);
    } catch (error) {
      log.error({ err: error }, `The check's result could not be stored: ${(error as Error).message}`);
      return result;
    }
    log.debug(
      { status: result.status, reason: result.reason, ms: Math.round(result.durationMs) },
      'check finished',
    );
    return result;
  }

  private async record(runtime: Runtime, spec: ProbeSpec, result: ProbeResult, log: Logger): Promise<void> {
    const hash = result.mcp?.toolsHash;
    if (hash !== undefined && !this.storedSnapshots.has(hash) && result.mcp?.tools !== undefined) {
      // Kept under its hash before the state names it, so the diff is always there to read.
      await this.deps.store.putToolSnapshot(hash, result.mcp.tools, this.deps.now());
      if (this.storedSnapshots.size >= SNAPSHOTS_REMEMBERED) this.storedSnapshots.clear();
      this.storedSnapshots.add(hash);
    }
    const config = transitionConfigOf(spec);
    const maintenance = this.deps.maintenanceOf(runtime, Date.parse(result.startedAt)) !== undefined;
    const events = await this.deps.apply(runtime, async (state) => {
      const previousTools =
        hash !== undefined && state.toolsHash !== undefined && state.toolsHash !== hash
          ? ((await this.deps.store.getToolSnapshot(state.toolsHash)) as ToolInfo[] | undefined)
          : undefined;
      const next = transition(
        state,
        { kind: 'result', result, previousTools },
        new Date(this.deps.now()),
        config,
      );
      return { ...next, result: { ...result, maintenance } };
    });
    runtime.last = {
      at: Date.parse(result.startedAt),
      status: result.status,
      reason: result.reason ?? null,
      message: result.message,
      durationMs: result.durationMs,
      timings: result.timings,
      ...(result.mcp
        ? {
            protocol: {
              version: result.mcp.protocolVersion ?? null,
              era: result.mcp.era ?? null,
              transport: result.mcp.transport,
            },
          }
        : {}),
      ...(result.mcp?.tools
        ? { tools: { count: result.mcp.tools.length, hash: result.mcp.toolsHash ?? null } }
        : {}),
      ...(result.tls ? { tls: result.tls } : {}),
      ...(result.mcp?.stderr?.length ? { stderr: result.mcp.stderr } : {}),
    };
    this.deps.bus.emit('result', {
      monitorId: runtime.monitor.id,
      name: runtime.monitor.name,
      at: runtime.last.at,
      status: result.status,
      reason: result.reason ?? null,
      message: result.message,
      durationMs: result.durationMs,
      maintenance,
      state: runtime.status,
    });
    // On the check's logger, so an event's line carries the same correlation id as the check's own lines.
    for (const event of events) {
      log.info({ event: event.kind, evidence: event.evidence }, eventLine(spec.name, event));
    }
  }

  private async recordRunnerEvent(
    runtime: Runtime,
    kind: 'process_restarted',
    evidence: Record<string, unknown>,
  ): Promise<void> {
    const at = new Date(this.deps.now()).toISOString();
    try {
      await this.deps.apply(runtime, (state) => ({
        state,
        events: [{ kind, at, evidence } as MonitorEvent],
      }));
    } catch (error) {
      this.deps.log.error(
        { err: error, monitor: runtime.monitor.name },
        'A restart event could not be stored',
      );
    }
  }
}

/** Bounds the set of stored tool-list hashes; forgetting one only costs one idempotent write. */
const SNAPSHOTS_REMEMBERED = 10_000;

/**
 * A check's own timeout bounds it; this outer bound (timeout plus slack for start-up and shutdown of a
 * stdio child) is only there so that no check, whatever a probe does, can hold its slot for ever.
 */
export function checkBudgetMs(spec: ProbeSpec): number {
  const timeoutMs = (spec as { timeoutMs?: number }).timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return timeoutMs + 15_000;
}

function eventLine(name: string, event: MonitorEvent): string {
  const cause = (event.evidence as { cause?: { message?: string } }).cause?.message;
  return `${name}: ${event.kind}${event.from && event.to ? ` (${event.from} -> ${event.to})` : ''}${cause ? `: ${cause}` : ''}`;
}
