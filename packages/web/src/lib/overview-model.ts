import type { LiveResult, Monitor, MonitorStatus } from '../api/types.ts';

export const STATUSES: MonitorStatus[] = ['down', 'degraded', 'up', 'pending', 'paused'];

export interface OverviewFilter {
  /** Words that must all appear in the name, target, group or tags (case-insensitive). */
  q: string;
  status: MonitorStatus | '';
  tag: string;
  grouped: boolean;
}

/** One line of the list: a group's heading or a monitor. Both have the same height. */
export type ListItem = { type: 'group'; name: string; count: number } | { type: 'monitor'; monitor: Monitor };

export function countByStatus(monitors: readonly Monitor[]): Record<MonitorStatus, number> {
  const counts: Record<MonitorStatus, number> = { up: 0, down: 0, degraded: 0, pending: 0, paused: 0 };
  for (const m of monitors) counts[m.status] = (counts[m.status] ?? 0) + 1;
  return counts;
}

export function allTags(monitors: readonly Monitor[]): string[] {
  const tags = new Set<string>();
  for (const m of monitors) for (const t of m.tags) tags.add(t);
  return [...tags].sort();
}

function haystack(m: Monitor): string {
  return `${m.name} ${m.target} ${m.group ?? ''} ${m.tags.join(' ')} ${m.kind}`.toLowerCase();
}

/** The worst first (down, degraded, up, pending, paused), then by name. */
const RANK: Record<MonitorStatus, number> = { down: 0, degraded: 1, up: 2, pending: 3, paused: 4 };

export function compareMonitors(a: Monitor, b: Monitor): number {
  return RANK[a.status] - RANK[b.status] || a.name.localeCompare(b.name);
}

/** The list to show: filtered, sorted worst first, under group headings when grouped. */
export function listItems(monitors: readonly Monitor[], filter: OverviewFilter): ListItem[] {
  const words = filter.q.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = monitors.filter(
    (m) =>
      (!filter.status || m.status === filter.status) &&
      (!filter.tag || m.tags.includes(filter.tag)) &&
      (words.length === 0 || words.every((w) => haystack(m).includes(w))),
  );
  shown.sort(compareMonitors);
  if (!filter.grouped) return shown.map((monitor) => ({ type: 'monitor', monitor }));
  const groups = new Map<string, Monitor[]>();
  for (const m of shown) {
    const name = m.group ?? '';
    const list = groups.get(name);
    if (list) list.push(m);
    else groups.set(name, [m]);
  }
  const names = [...groups.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  const items: ListItem[] = [];
  for (const name of names) {
    const list = groups.get(name) as Monitor[];
    items.push({ type: 'group', name: name || 'No group', count: list.length });
    for (const monitor of list) items.push({ type: 'monitor', monitor });
  }
  return items;
}

/** A monitor as it stands after a live result: the state the service decided and this check. */
export function applyResult(monitor: Monitor, result: LiveResult): Monitor {
  if (monitor.lastCheck && monitor.lastCheck.at > result.at) return monitor;
  return {
    ...monitor,
    status: result.state,
    since: result.state === monitor.status ? monitor.since : result.at,
    lastCheck: {
      at: result.at,
      status: result.status,
      reason: result.reason,
      message: result.message,
      durationMs: result.durationMs,
    },
  };
}

/** Applies a batch of live results to the list, copying only when something changed. */
export function applyResults(
  monitors: readonly Monitor[],
  index: ReadonlyMap<number, number>,
  results: readonly LiveResult[],
): Monitor[] | undefined {
  let next: Monitor[] | undefined;
  for (const result of results) {
    const i = index.get(result.monitorId);
    if (i === undefined) continue;
    const current = (next ?? monitors)[i] as Monitor;
    const updated = applyResult(current, result);
    if (updated === current) continue;
    next ??= [...monitors];
    next[i] = updated;
  }
  return next;
}
