import type { Route } from '../config/alerting-schema.js';
import { inScope, type Scoped } from './maintenance.js';

/** Pausing and resuming are someone's own action: announced only to routes that ask for them. */
const QUIET_BY_DEFAULT = new Set(['paused', 'resumed']);

/**
 * Status events held during a maintenance window and while a monitor it depends on is down (the parent's
 * alert speaks for it). Tool-list changes, releases and certificates are told whatever the status.
 */
export const HELD_WHILE_PARENT_DOWN = new Set([
  'down',
  'degraded',
  'recovered',
  'heartbeat_missed',
  'flapping_started',
  'flapping_stopped',
  'reminder',
]);

export interface RoutingInput {
  kind: string;
  priority: number;
  monitor: Scoped & { notify?: readonly string[] | undefined };
  routes: readonly Route[];
}

/**
 * The channels an event goes to: the monitor's own `notify` list and every route that matches, each
 * channel once, in the order named. Whether they are held (maintenance, a parent down) is decided beside
 * this, by the alerting: held rows are still written, to be released if the outage outlives the hold.
 */
export function channelsFor(input: RoutingInput): string[] {
  const channels = new Set<string>();
  if (!QUIET_BY_DEFAULT.has(input.kind)) for (const c of input.monitor.notify ?? []) channels.add(c);
  // A reminder goes wherever the down it repeats went.
  const kind = input.kind === 'reminder' ? 'down' : input.kind;
  for (const route of input.routes) {
    const kinds = route.kinds;
    if (kinds ? !kinds.includes(kind) : QUIET_BY_DEFAULT.has(kind)) continue;
    if (route.minPriority !== undefined && input.priority < route.minPriority) continue;
    if (!inScope(route, input.monitor)) continue;
    for (const c of route.channels) channels.add(c);
  }
  return [...channels];
}
