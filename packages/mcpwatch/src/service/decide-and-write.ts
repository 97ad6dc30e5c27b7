import type { HeartbeatState } from '../heartbeat/schedule.js';
import type { MonitorEvent, MonitorState } from '../state/index.js';
import type { CheckResult, Store, MonitorState as StoredState } from '../store/index.js';
import { decodeState, encodeState, heartbeatOf } from './state-codec.js';

export interface Decision {
  state: MonitorState;
  events: MonitorEvent[];
  /** A result to keep with the state (a check, a ping); without one only the state and events are written. */
  result?: CheckResult;
  /** A heartbeat monitor's ping state, written beside the machine's. */
  heartbeat?: HeartbeatState;
}

export interface Decided {
  state: MonitorState;
  events: MonitorEvent[];
  heartbeat: HeartbeatState;
}

/** Writers of one monitor are rare (a check, a ping, a pause); a handful of retries settles any race. */
const ATTEMPTS = 5;

/**
 * Reads a monitor's state, lets `decide` (pure, apart from loading a tool snapshot) say what comes next,
 * and writes the result, the state and the events in one transaction conditioned on the state read. When
 * another writer got there first, nothing was written: read again and decide again. `decide` returning
 * undefined means there is nothing to write.
 */
export async function decideAndWrite(
  store: Store,
  monitorId: number,
  now: Date,
  decide: (
    state: MonitorState,
    heartbeat: HeartbeatState,
  ) => Promise<Decision | undefined> | Decision | undefined,
): Promise<Decided | undefined> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const stored = await store.getState(monitorId);
    if (stored === undefined) return undefined;
    const current = decodeState(stored, now);
    const heartbeat = heartbeatOf(stored);
    const decision = await decide(current, heartbeat);
    if (decision === undefined) return undefined;
    const keptHeartbeat = decision.heartbeat ?? heartbeatOf(stored);
    const written = await write(store, monitorId, stored, decision, keptHeartbeat);
    if (written) return { state: decision.state, events: decision.events, heartbeat: keptHeartbeat };
  }
  throw new Error(
    `Monitor ${monitorId}: its state kept changing under ${ATTEMPTS} writes in a row; another process is writing it`,
  );
}

function write(
  store: Store,
  monitorId: number,
  stored: StoredState,
  decision: Decision,
  heartbeat: HeartbeatState,
): Promise<boolean> {
  const { result } = decision;
  const hasHeartbeat = decision.heartbeat !== undefined || 'heartbeat' in stored.data;
  // Whole milliseconds: the column is an integer, and PostgreSQL refuses a fraction where SQLite keeps it.
  const lastCheckAt =
    result === undefined
      ? stored.lastCheckAt
      : Math.round(
          (typeof result.startedAt === 'number' ? result.startedAt : Date.parse(result.startedAt)) +
            result.durationMs,
        );
  const next = encodeState(decision.state, lastCheckAt, hasHeartbeat ? heartbeat : undefined);
  return result === undefined
    ? store.setState(monitorId, stored.version, next, decision.events)
    : store.recordCheck(monitorId, result, stored.version, next, decision.events);
}
