import { detectDrift } from './drift.js';
import type { Cause, MonitorEvent } from './events.js';
import {
  type CheckResult,
  DEFAULT_TRANSITION_CONFIG,
  type Input,
  type MonitorState,
  type MonitorStatus,
  type TransitionConfig,
} from './monitor-state.js';

/**
 * The whole decision for one input: the next state and what to announce. Pure: no clock, no store, no
 * randomness, so the store can run it inside the transaction that writes its output, conditioned on the
 * previous status, and a test can run it one step at a time. docs/monitor-states.md states the rules.
 */
export function transition(
  state: MonitorState,
  input: Input,
  now: Date,
  config: Partial<TransitionConfig> = {},
): { state: MonitorState; events: MonitorEvent[] } {
  const cfg = { ...DEFAULT_TRANSITION_CONFIG, ...config };
  const at = now.toISOString();
  // An input that changes nothing returns the very same state object, so the caller can skip the write.
  const unchanged = { state, events: [] };

  switch (input.kind) {
    case 'pause': {
      if (state.status === 'paused') return unchanged;
      // Flapping history belongs to the watched period; the incident belongs to the server and stays open.
      const { flapping: _, ...rest } = state;
      const next: MonitorState = {
        ...rest,
        status: 'paused',
        since: at,
        streak: zeroStreak(),
        recentChanges: [],
      };
      return {
        state: next,
        events: [{ kind: 'paused', at, from: state.status, to: 'paused', evidence: {} }],
      };
    }
    case 'resume': {
      if (state.status !== 'paused') return unchanged;
      // A verdict from before the pause is stale: start again from pending and let checks decide.
      const next: MonitorState = { ...state, status: 'pending', since: at, streak: zeroStreak() };
      return { state: next, events: [{ kind: 'resumed', at, from: 'paused', to: 'pending', evidence: {} }] };
    }
    case 'heartbeat_missed': {
      if (state.status === 'paused') return unchanged;
      const counted = { ...state, streak: countResult(state.streak, 'down') };
      if (state.status === 'down') return endFlapping(counted, now, cfg, []);
      const evidence = { expectedAt: input.expectedAt, lastPingAt: input.lastPingAt };
      // The grace period already waited: a missed deadline is decisive, with no further count.
      const event: MonitorEvent = { kind: 'heartbeat_missed', at, evidence };
      return changeStatus(
        state,
        { ...counted, status: 'down', since: at },
        event,
        { heartbeatMissed: true },
        cfg,
        now,
      );
    }
    case 'result': {
      const result = input.result;
      // A cancelled probe was stopped by us (shutdown, reload), not failed by the server.
      if (state.status === 'paused' || result.reason === 'cancelled') return unchanged;
      const drift = detectDrift(state, result, input.previousTools, at, cfg);
      const counted = { ...drift.state, streak: countResult(state.streak, result.status) };
      const target = decide(counted, result, cfg);
      if (target === state.status) return endFlapping(counted, now, cfg, drift.events);
      const cause = causeOf(result);
      const event = statusEvent(state, counted, target, cause, at);
      const moved = changeStatus(state, { ...counted, status: target, since: at }, event, cause, cfg, now);
      return { state: moved.state, events: [...drift.events, ...moved.events] };
    }
  }
}

function zeroStreak(): MonitorState['streak'] {
  return { down: 0, up: 0, answered: 0, unhealthy: 0 };
}

function countResult(streak: MonitorState['streak'], status: CheckResult['status']): MonitorState['streak'] {
  return {
    down: status === 'down' ? streak.down + 1 : 0,
    up: status === 'up' ? streak.up + 1 : 0,
    answered: status === 'down' ? 0 : streak.answered + 1,
    unhealthy: status === 'up' ? 0 : streak.unhealthy + 1,
  };
}

/** The counting rules, applied to a state whose streak already includes `result`. */
function decide(state: MonitorState, result: CheckResult, cfg: TransitionConfig): MonitorStatus {
  const { streak, status } = state;
  if (status === 'down') {
    // Leaving down lands on what the latest answer said, up or degraded.
    return streak.answered >= cfg.recoverAfter ? result.status : 'down';
  }
  if (streak.down >= cfg.consecutiveFails) return 'down';
  if (status === 'pending' && result.status === 'up') return 'up';
  if (status === 'degraded' && streak.up >= cfg.recoverAfter) return 'up';
  // A run of failures that ends in a degraded answer is degraded; a crash (all down) is not called
  // degraded on its way to down.
  if (status !== 'degraded' && result.status === 'degraded' && streak.unhealthy >= cfg.degradedAfter) {
    return 'degraded';
  }
  return status;
}

function causeOf(result: CheckResult): Cause {
  const cause: Cause = { status: result.status, message: result.message };
  if (result.reason !== undefined) cause.reason = result.reason;
  if (result.phase !== undefined) cause.phase = result.phase;
  return cause;
}

/** The event that announces a change from `prev.status` to `to`, or none for pending becoming up. */
function statusEvent(
  prev: MonitorState,
  counted: MonitorState,
  to: MonitorStatus,
  cause: Cause,
  at: string,
): MonitorEvent | undefined {
  const from = prev.status;
  if (to === 'down') return { kind: 'down', at, evidence: { cause, failures: counted.streak.down } };
  const checks =
    from === 'down' ? counted.streak.answered : to === 'up' ? counted.streak.up : counted.streak.unhealthy;
  if (to === 'degraded') return { kind: 'degraded', at, evidence: { cause, checks } };
  // A first good check has nothing to report, unless an incident from before a pause is still open.
  if (from === 'pending' && !prev.incidentOpen) return undefined;
  return { kind: 'recovered', at, evidence: { cause, checks, unhealthySince: prev.since } };
}

const MEASURED: readonly MonitorStatus[] = ['up', 'degraded', 'down'];

/**
 * Applies a status change and decides how it is announced: as its own event, silently while flapping, or
 * as `flapping_started` when this change is one too many. Incidents follow announced status only, so a
 * flapping monitor keeps whatever incident it had until flapping ends.
 */
function changeStatus(
  prev: MonitorState,
  next: MonitorState,
  event: MonitorEvent | undefined,
  cause: Cause | { heartbeatMissed: true },
  cfg: TransitionConfig,
  now: Date,
): { state: MonitorState; events: MonitorEvent[] } {
  const at = next.since;
  const counts = MEASURED.includes(prev.status) && MEASURED.includes(next.status);
  const windowStart = now.getTime() - cfg.flapWindowSec * 1000;
  const recent = prev.recentChanges.filter((t) => Date.parse(t) > windowStart);
  if (counts) recent.push(at);
  // Only the last few matter to the threshold; keeping no more bounds the stored state.
  next.recentChanges = recent.slice(-cfg.flapChanges);

  if (prev.flapping !== undefined) {
    next.flapping = { since: prev.flapping.since, changes: prev.flapping.changes + (counts ? 1 : 0) };
    return { state: next, events: [] };
  }
  if (counts && recent.length >= cfg.flapChanges) {
    next.flapping = { since: at, changes: 1 };
    const evidence = { cause, changes: recent.length, windowSec: cfg.flapWindowSec };
    const started: MonitorEvent = {
      kind: 'flapping_started',
      at,
      from: prev.status,
      to: next.status,
      evidence,
    };
    // While flapping the incident stays as announced: opened if this change went down, never resolved.
    return { state: next, events: [markIncident(started, next, { resolves: false })] };
  }
  if (event === undefined) return { state: next, events: [] };
  return { state: next, events: [markIncident({ ...event, from: prev.status, to: next.status }, next)] };
}

/**
 * Incidents span a down period: one opens on going down and resolves on leaving down for up or degraded.
 * Flags `event` with the incident it moves, if any, and records that in `next` (whose `incidentOpen` is
 * still the previous value). `resolves: false` lets the event open an incident but never resolve one.
 */
function markIncident(event: MonitorEvent, next: MonitorState, { resolves = true } = {}): MonitorEvent {
  if (next.status === 'down' && !next.incidentOpen) {
    next.incidentOpen = true;
    return { ...event, incident: 'opened' };
  }
  if (next.incidentOpen && resolves && (next.status === 'up' || next.status === 'degraded')) {
    next.incidentOpen = false;
    return { ...event, incident: 'resolved' };
  }
  return event;
}

/** Ends flapping after a quiet period, announcing where the monitor settled and settling its incident. */
function endFlapping(
  state: MonitorState,
  now: Date,
  cfg: TransitionConfig,
  events: MonitorEvent[],
): { state: MonitorState; events: MonitorEvent[] } {
  const flapping = state.flapping;
  if (flapping === undefined || now.getTime() - Date.parse(state.since) < cfg.flapQuietSec * 1000) {
    return { state, events };
  }
  const { flapping: _, ...rest } = state;
  const next: MonitorState = { ...rest, recentChanges: [] };
  const stopped: MonitorEvent = {
    kind: 'flapping_stopped',
    at: now.toISOString(),
    to: state.status,
    evidence: {
      flappingSince: flapping.since,
      changesWhileFlapping: flapping.changes,
      quietSec: cfg.flapQuietSec,
    },
  };
  return { state: next, events: [...events, markIncident(stopped, next)] };
}
