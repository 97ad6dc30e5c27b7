import { Cron } from 'croner';

/**
 * How a heartbeat monitor expects to be pinged:
 * - `period`: at least once every `periodSec`, with `graceSec` of slack (healthchecks.io's simple checks);
 * - `cron`: on a schedule, each run allowed `graceSec` after its time (healthchecks.io's cron checks);
 * - `activity`: only while the server is in use — silence while nobody uses a stdio server inside an IDE is
 *   normal; once it is active (it pinged, or said /start) it must keep pinging within `windowSec` until
 *   it says /stop.
 */
export type HeartbeatSchedule =
  | { mode: 'period'; periodSec: number; graceSec: number }
  | { mode: 'cron'; schedule: string; timezone?: string; graceSec: number }
  | { mode: 'activity'; windowSec: number; graceSec: number };

/** The state a heartbeat keeps in the store; everything else is derived from it and `now`. */
export interface HeartbeatState {
  status: 'new' | 'up' | 'down' | 'idle';
  lastPingAt?: number;
  /** Set between /start and the ping that ends the run. */
  startedAt?: number;
  /** When silence becomes a miss; absent when silence is normal (new, idle, already down). */
  deadline?: number;
}

export type PingKind = 'success' | 'start' | 'fail' | 'stop' | 'log';

export type HeartbeatEvent =
  | { kind: 'heartbeat_up'; at: number }
  | { kind: 'heartbeat_failed'; at: number; exitCode?: number; message?: string }
  | { kind: 'heartbeat_missed'; at: number; deadline: number; lastPingAt?: number };

const SEC = 1000;

/** When the next ping is due after one at `at`, or undefined when silence is fine from then on. */
export function nextDeadline(schedule: HeartbeatSchedule, at: number): number {
  switch (schedule.mode) {
    case 'period':
      return at + (schedule.periodSec + schedule.graceSec) * SEC;
    case 'activity':
      return at + (schedule.windowSec + schedule.graceSec) * SEC;
    case 'cron': {
      const cron = new Cron(schedule.schedule, { timezone: schedule.timezone, paused: true });
      const next = cron.nextRun(new Date(at));
      if (!next) throw new Error(`The schedule "${schedule.schedule}" has no future run`);
      return next.getTime() + schedule.graceSec * SEC;
    }
  }
}

/**
 * Applies one ping. `exitCode` comes from the `/<exit-code>` form: 0 is success, anything else a failure.
 * Pure: the caller stores the state and the deadline in one write, so a restart neither resets nor
 * fires a deadline early.
 */
export function applyPing(
  state: HeartbeatState,
  ping: { kind: PingKind; exitCode?: number; message?: string },
  now: number,
  schedule: HeartbeatSchedule,
): { state: HeartbeatState; events: HeartbeatEvent[] } {
  const kind = ping.exitCode === undefined ? ping.kind : ping.exitCode === 0 ? 'success' : 'fail';
  const events: HeartbeatEvent[] = [];
  const next: HeartbeatState = { ...state, lastPingAt: now };
  switch (kind) {
    case 'log':
      // A log line is kept with the heartbeat but changes nothing.
      return { state: { ...state }, events };
    case 'start':
      next.startedAt = now;
      // A started run must end within the grace (period, cron) or keep pinging within its window (activity).
      next.deadline =
        now +
        (schedule.mode === 'activity' ? schedule.windowSec + schedule.graceSec : schedule.graceSec) * SEC;
      // The first sign of life (or life after /stop) counts as up; a down heartbeat waits for a success.
      if (state.status === 'new' || state.status === 'idle') {
        next.status = 'up';
        events.push({ kind: 'heartbeat_up', at: now });
      }
      break;
    case 'success':
      next.startedAt = undefined;
      next.deadline = nextDeadline(schedule, now);
      if (state.status !== 'up') events.push({ kind: 'heartbeat_up', at: now });
      next.status = 'up';
      break;
    case 'fail':
      next.startedAt = undefined;
      next.deadline = nextDeadline(schedule, now);
      next.status = 'down';
      if (state.status !== 'down') {
        events.push({
          kind: 'heartbeat_failed',
          at: now,
          ...(ping.exitCode !== undefined ? { exitCode: ping.exitCode } : {}),
          ...(ping.message ? { message: ping.message } : {}),
        });
      }
      break;
    case 'stop':
      // A clean shutdown: in activity mode silence is normal again; elsewhere it ends the current run.
      next.startedAt = undefined;
      if (schedule.mode === 'activity') {
        next.status = 'idle';
        next.deadline = undefined;
      } else {
        next.deadline = nextDeadline(schedule, now);
      }
      break;
  }
  return { state: next, events };
}

/** Marks a heartbeat down when its deadline has passed; called for rows the store says are due. */
export function checkDeadline(
  state: HeartbeatState,
  now: number,
): { state: HeartbeatState; events: HeartbeatEvent[] } {
  if (state.deadline === undefined || now <= state.deadline || state.status === 'down') {
    return { state, events: [] };
  }
  const event: HeartbeatEvent = {
    kind: 'heartbeat_missed',
    at: now,
    deadline: state.deadline,
    ...(state.lastPingAt !== undefined ? { lastPingAt: state.lastPingAt } : {}),
  };
  return { state: { ...state, status: 'down', deadline: undefined, startedAt: undefined }, events: [event] };
}
