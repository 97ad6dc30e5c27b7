import type { Logger } from 'pino';
import {
  applyPing,
  checkDeadline,
  type HeartbeatEvent,
  type HeartbeatSchedule,
  type HeartbeatState,
  type PingKind,
} from '../heartbeat/schedule.js';
import { hashToken, newToken } from '../heartbeat/token.js';
import { type MonitorState, transition } from '../state/index.js';
import type { CheckResult, Store } from '../store/index.js';
import type { TrafficReport } from '../traffic/report-schema.js';
import type { Decision } from './decide-and-write.js';
import type { MonitorSpec } from './monitor-spec.js';
import type { Monitors } from './monitors.js';
import { ServiceError } from './service-error.js';

export interface Ping {
  kind: PingKind;
  exitCode?: number;
  /** The request body, already cut to the ping body limit. */
  body?: string;
}

type HeartbeatSpec = Extract<MonitorSpec, { kind: 'heartbeat' }>;

/**
 * Push monitors: pings come in through `/hb/<token>`, and silence past a deadline is the failure. The
 * ping rules are pure (heartbeat/schedule.ts); this applies them through the monitor's state machine and
 * keeps every deadline in the store, so a restart neither resets a deadline nor fires one early.
 */
export class Heartbeats {
  constructor(
    private readonly store: Store,
    private readonly monitors: Monitors,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A new ping URL token for a heartbeat monitor. Shown once: only its hash is stored. Earlier tokens keep
   * working unless `revokeOthers` (a leaked token), so a server can move to the new one first.
   */
  async issueToken(monitorId: number, { revokeOthers = false } = {}): Promise<string> {
    this.heartbeatSpec(monitorId);
    const token = newToken();
    const runtimeState = await this.store.getState(monitorId);
    const deadline = (runtimeState?.data as { heartbeat?: HeartbeatState } | undefined)?.heartbeat?.deadline;
    await this.store.setHeartbeat({
      tokenHash: hashToken(token),
      monitorId,
      lastPingAt: null,
      deadlineAt: deadline ?? null,
    });
    if (revokeOthers) await this.store.revokeHeartbeats(monitorId, hashToken(token));
    return token;
  }

  /** Stops every ping URL of a monitor from working; returns how many there were. */
  revokeTokens(monitorId: number): Promise<number> {
    this.heartbeatSpec(monitorId);
    return this.store.revokeHeartbeats(monitorId);
  }

  /**
   * Keeps a traffic report of `mcpwatch wrap` for the heartbeat monitor the token belongs to. It says
   * nothing of liveness (the wrapper's heartbeats do): a report is what users' calls did, not a ping.
   */
  async report(token: string, report: TrafficReport): Promise<boolean> {
    const row = await this.store.getHeartbeat(hashToken(token));
    if (!row || this.monitors.find(row.monitorId)?.spec?.kind !== 'heartbeat') return false;
    await this.store.addTraffic(row.monitorId, report);
    return true;
  }

  /** Applies one ping. False for a token nobody issued (the caller answers 404 and says nothing more). */
  async ping(token: string, ping: Ping): Promise<boolean> {
    const tokenHash = hashToken(token);
    const row = await this.store.getHeartbeat(tokenHash);
    const runtime = row && this.monitors.find(row.monitorId);
    if (!row || !runtime) return false;
    const spec = runtime.spec;
    if (spec?.kind !== 'heartbeat') return false;
    const now = this.now();
    let deadline: number | undefined;
    await this.monitors.apply(runtime, (state, heartbeat) => {
      const applied = applyPing(heartbeat, ping, now, scheduleOf(spec));
      deadline = applied.state.deadline;
      return decide(state, applied.state, pingResult(applied.events, ping, heartbeat, now), spec, now);
    });
    await this.store.pingHeartbeat(tokenHash, now, deadline ?? null);
    runtime.lastPingAt = now;
    return true;
  }

  /** Fires the deadlines that have passed. Run every few seconds; safe to run from several processes. */
  async sweep(limit = 500): Promise<number> {
    const now = this.now();
    let fired = 0;
    for (const row of await this.store.heartbeatsDue(now, limit)) {
      const runtime = this.monitors.find(row.monitorId);
      const spec = runtime?.spec;
      if (!runtime || spec?.kind !== 'heartbeat' || row.deadlineAt === null) continue;
      let deadline: number | undefined;
      const events = await this.monitors.apply(runtime, (state, heartbeat) => {
        const checked = checkDeadline(heartbeat, now);
        deadline = checked.state.deadline;
        const missed = checked.events.find((e) => e.kind === 'heartbeat_missed');
        if (missed?.kind !== 'heartbeat_missed') return undefined;
        const next = transition(
          state,
          {
            kind: 'heartbeat_missed',
            expectedAt: new Date(missed.deadline).toISOString(),
            ...(missed.lastPingAt !== undefined
              ? { lastPingAt: new Date(missed.lastPingAt).toISOString() }
              : {}),
          },
          new Date(now),
          { consecutiveFails: spec.consecutiveFails, recoverAfter: spec.recoverAfter },
        );
        const last = missed.lastPingAt === undefined ? 'never pinged' : `last ping ${iso(missed.lastPingAt)}`;
        const result: CheckResult = {
          status: 'down',
          message: `No ping by ${iso(missed.deadline)} (${last})`,
          durationMs: 0,
          timings: {},
          startedAt: now,
        };
        return { ...next, result, heartbeat: checked.state };
      });
      if (events.length > 0) {
        fired++;
        this.log.info(
          { monitor: spec.name, events: events.map((e) => e.kind) },
          `${spec.name}: heartbeat missed`,
        );
      }
      // Another token of the same monitor may have moved the deadline: this row follows the monitor's.
      await this.store.advanceHeartbeat(row.tokenHash, row.deadlineAt, deadline ?? null);
    }
    return fired;
  }

  private heartbeatSpec(monitorId: number): HeartbeatSpec {
    const spec = this.monitors.runtime(monitorId).spec;
    if (spec?.kind !== 'heartbeat') {
      throw new ServiceError(
        'invalid',
        `Monitor ${monitorId} is not a heartbeat monitor: only those have ping URLs`,
      );
    }
    return spec;
  }
}

export function scheduleOf(spec: HeartbeatSpec): HeartbeatSchedule {
  if (spec.mode === 'activity')
    return { mode: 'activity', windowSec: spec.windowSec, graceSec: spec.graceSec };
  if (spec.schedule !== undefined) {
    return {
      mode: 'cron',
      schedule: spec.schedule,
      graceSec: spec.graceSec,
      ...(spec.timezone !== undefined ? { timezone: spec.timezone } : {}),
    };
  }
  return { mode: 'period', periodSec: spec.periodSec ?? 60, graceSec: spec.graceSec };
}

/**
 * What a ping means for uptime: a success or start is an answer (up), a failure is down; a log line or
 * a /stop is neither. A ping ending a run started with /start measures the run.
 */
function pingResult(
  events: readonly HeartbeatEvent[],
  ping: Ping,
  before: HeartbeatState,
  now: number,
): CheckResult | undefined {
  const failed = events.find((e) => e.kind === 'heartbeat_failed');
  const kind = ping.exitCode === undefined ? ping.kind : ping.exitCode === 0 ? 'success' : 'fail';
  if (kind === 'log' || kind === 'stop') return undefined;
  const durationMs = kind !== 'start' && before.startedAt !== undefined ? now - before.startedAt : 0;
  const body = ping.body?.trim() || undefined;
  if (failed || kind === 'fail') {
    const code = ping.exitCode === undefined ? '' : ` with exit code ${ping.exitCode}`;
    return {
      status: 'down',
      message: `The server reported a failure${code}${body ? `: ${body}` : ''}`,
      durationMs,
      timings: {},
      startedAt: now,
    };
  }
  return { status: 'up', message: body ?? `ping (${kind})`, durationMs, timings: {}, startedAt: now };
}

function decide(
  state: MonitorState,
  heartbeat: HeartbeatState,
  result: CheckResult | undefined,
  spec: HeartbeatSpec,
  now: number,
): Decision {
  if (result === undefined) return { state, events: [], heartbeat };
  // The server itself saying it failed is decisive, as a missed deadline is: no further count.
  const consecutiveFails = result.status === 'down' ? 1 : spec.consecutiveFails;
  const next = transition(
    state,
    { kind: 'result', result: { status: result.status, message: result.message } },
    new Date(now),
    { consecutiveFails, recoverAfter: spec.recoverAfter },
  );
  return { ...next, result, heartbeat };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
