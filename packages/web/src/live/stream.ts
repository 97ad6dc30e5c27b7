import type { LiveEvent, LiveResult, MonitorsChanged } from '../api/types.ts';
import { backoffMs } from './backoff.ts';

/** The live stream's events, by name (`GET /api/v1/stream`). */
export interface StreamEvents {
  result: LiveResult;
  event: LiveEvent;
  monitors: MonitorsChanged;
  /** Not from the service: the stream (re)connected, so anything shown may have missed events. */
  open: undefined;
}

export type StreamState = 'connecting' | 'open' | 'retrying';

type Handler<K extends keyof StreamEvents> = (data: StreamEvents[K]) => void;

const handlers: { [K in keyof StreamEvents]: Set<Handler<K>> } = {
  result: new Set(),
  event: new Set(),
  monitors: new Set(),
  open: new Set(),
};
const stateListeners = new Set<(state: StreamState) => void>();
let source: EventSource | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let attempt = 0;
let state: StreamState = 'connecting';
let users = 0;

function setState(next: StreamState): void {
  state = next;
  for (const listener of stateListeners) listener(next);
}

function dispatch<K extends keyof StreamEvents>(kind: K, data: StreamEvents[K]): void {
  for (const handler of handlers[kind]) handler(data);
}

function connect(): void {
  retryTimer = undefined;
  setState(attempt === 0 ? 'connecting' : 'retrying');
  const es = new EventSource('/api/v1/stream', { withCredentials: true });
  source = es;
  es.onopen = () => {
    attempt = 0;
    setState('open');
    dispatch('open', undefined);
  };
  // EventSource retries by itself only sometimes (never after an HTTP error); we own the backoff.
  es.onerror = () => {
    es.close();
    if (source !== es) return;
    source = undefined;
    setState('retrying');
    retryTimer = setTimeout(connect, backoffMs(attempt++));
  };
  for (const kind of ['result', 'event', 'monitors'] as const) {
    es.addEventListener(kind, (message) => {
      try {
        dispatch(kind, JSON.parse((message as MessageEvent<string>).data));
      } catch {
        // A malformed message is skipped; the next list read corrects anything it carried.
      }
    });
  }
}

function disconnect(): void {
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = undefined;
  source?.close();
  source = undefined;
  attempt = 0;
}

/** Listens to one kind of live message; the one shared connection lives while anyone listens. */
export function subscribe<K extends keyof StreamEvents>(kind: K, handler: Handler<K>): () => void {
  handlers[kind].add(handler);
  if (users++ === 0) connect();
  return () => {
    handlers[kind].delete(handler);
    if (--users === 0) disconnect();
  };
}

export function streamState(): StreamState {
  return state;
}

export function onStreamState(listener: (state: StreamState) => void): () => void {
  stateListeners.add(listener);
  return () => {
    stateListeners.delete(listener);
  };
}

/** Ends the connection (sign-out): the next subscriber opens a new one with the new session. */
export function closeStream(): void {
  disconnect();
}
