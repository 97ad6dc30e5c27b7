import type { Route } from '../config/alerting-schema.js';
import { inScope, type Scoped } from './maintenance.js';

/** Pausing and resuming are someone's own action: announced only to routes that ask for them. */
const QUIET_BY_DEFAULT = new Set(['paused', 'resumed']);

/** Status events a dependent holds while a monitor it depends on is down: the parent's alert speaks for it. */
export const HELD_WHILE_PARENT_DOWN = new Set([
  'down',
  'degraded',
  'recovered',
  'heartbeat_missed',
  'flapping_started',
  'flapping_stopped',
]);

export interface RoutingInput {
  kind: string;
  priority: number;
  monitor: Scoped & { notify?: readonly string[] | undefined };
  routes: readonly Route[];
  /** In a maintenance window: alerts are held (the monitor shows maintenance, not downtime). */
  inMaintenance: boolean;
  /** A monitor this one depends on is down. */
  parentDown: boolean;
}

/**
 * The channels an event goes to: the monitor's own `notify` list and every route that matches, each
 * channel once, in the order named. Nothing during maintenance; nothing for a dependent's status while a
 * monitor it depends on is down (its parent's message lists it instead).
 */
export function channelsFor(input: RoutingInput): string[] {
  if (input.inMaintenance) return [];
  if (input.parentDown && HELD_WHILE_PARENT_DOWN.has(input.kind)) return [];
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
