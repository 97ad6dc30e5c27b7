import { Cron } from 'croner';
import type { Maintenance } from '../config/alerting-schema.js';

export interface Scoped {
  name: string;
  group: string | null;
  tags: readonly string[];
}

/** Whether a window (or route) names this monitor: every scope given must match; none given is everyone. */
export function inScope(
  scope: { monitors?: string[] | undefined; groups?: string[] | undefined; tags?: string[] | undefined },
  monitor: Scoped,
): boolean {
  if (scope.monitors && !scope.monitors.includes(monitor.name)) return false;
  if (scope.groups && (monitor.group === null || !scope.groups.includes(monitor.group))) return false;
  if (scope.tags && !scope.tags.some((t) => monitor.tags.includes(t))) return false;
  return true;
}

/**
 * The maintenance window covering `monitor` at `at`, if any: a one-off window from start to end, or a
 * recurring one that started at its schedule's latest run before `at` and lasts durationMin.
 */
export function maintenanceAt(
  windows: readonly Maintenance[],
  monitor: Scoped,
  at: number,
): Maintenance | undefined {
  return windows.find((w) => inScope(w, monitor) && covers(w, at));
}

function covers(window: Maintenance, at: number): boolean {
  if (window.start !== undefined && window.end !== undefined) {
    return Date.parse(window.start) <= at && at < Date.parse(window.end);
  }
  if (window.schedule === undefined || window.durationMin === undefined) return false;
  // The run at `at` itself counts as started: look back from just after it.
  const [started] = cronOf(window, window.schedule).previousRuns(1, new Date(at + 1));
  return started !== undefined && at < started.getTime() + window.durationMin * 60_000;
}

/** Parsed once per window: routing asks on every event, and a monitor list on every monitor. */
const crons = new WeakMap<Maintenance, Cron>();

function cronOf(window: Maintenance, schedule: string): Cron {
  let cron = crons.get(window);
  if (!cron) {
    cron = new Cron(schedule, { timezone: window.timezone, paused: true });
    crons.set(window, cron);
  }
  return cron;
}
