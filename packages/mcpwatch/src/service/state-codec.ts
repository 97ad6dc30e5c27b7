import type { HeartbeatState } from '../heartbeat/schedule.js';
import { initialState, type MonitorState } from '../state/index.js';
import type { NextState, MonitorState as StoredState } from '../store/index.js';

/**
 * The state machine speaks ISO times and keeps its counters in one object; the store keeps status and
 * times in columns (for its conditional update and its queries) and the rest as JSON. These functions are
 * the whole translation, so neither side learns the other's shape. A heartbeat monitor also keeps its
 * ping state (last ping, run started, deadline) beside the machine's, under `heartbeat`.
 */
export function decodeState(stored: StoredState | undefined, now: Date): MonitorState {
  if (stored === undefined) return initialState(now);
  const { heartbeat: _, ...data } = stored.data as Partial<MonitorState> & { heartbeat?: unknown };
  return {
    ...initialState(new Date(stored.since)),
    ...data,
    status: stored.status,
    since: new Date(stored.since).toISOString(),
  };
}

export function heartbeatOf(stored: StoredState | undefined): HeartbeatState {
  const saved = (stored?.data as { heartbeat?: HeartbeatState } | undefined)?.heartbeat;
  return saved ?? { status: 'new' };
}

export function encodeState(
  state: MonitorState,
  lastCheckAt: number | null,
  heartbeat?: HeartbeatState,
): NextState {
  const { status, since, ...data } = state;
  return {
    status,
    since: Date.parse(since),
    lastCheckAt,
    data: heartbeat === undefined ? data : { ...data, heartbeat },
  };
}
