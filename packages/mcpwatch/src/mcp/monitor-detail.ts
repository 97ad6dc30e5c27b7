import type { ToolInfo } from '@mcpwatch/probe';
import type { MonitorView } from '../service/monitor-view.js';
import type { Store } from '../store/index.js';
import { type MonitorDetail, type MonitorFilter, UPTIME_WINDOWS } from './watch-api.js';

const DAY = 86_400_000;
const SPANS = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY } as const;

/** Whether a monitor passes `list_monitors`' filters: each one that is set must match. */
export function matchesFilter(m: MonitorView, filter: MonitorFilter): boolean {
  const q = filter.q?.toLowerCase();
  return (
    (filter.status === undefined || m.status === filter.status) &&
    (filter.group === undefined || m.group === filter.group) &&
    (filter.tag === undefined || m.tags.includes(filter.tag)) &&
    (q === undefined || m.name.toLowerCase().includes(q) || m.target.toLowerCase().includes(q))
  );
}

/**
 * One monitor in full, read from the store: its newest result, uptime windows, recent events, current tool
 * list and open incident. The in-process and the store-only WatchApi both answer `get_monitor` with this; the
 * REST one assembles the same shape from the API's answers.
 */
export async function monitorDetail(
  store: Store,
  monitor: MonitorView,
  options: { recentEvents?: number } = {},
): Promise<MonitorDetail> {
  const now = Date.now();
  const [results, summaries, events, state, incidents] = await Promise.all([
    store.listResults(monitor.id, { from: 0, to: now + 1 }, 1),
    store.uptimeFor(
      [monitor.id],
      UPTIME_WINDOWS.map((w) => ({ from: now - SPANS[w], to: now })),
    ),
    options.recentEvents === 0
      ? Promise.resolve([])
      : store.listEvents({ monitorId: monitor.id, limit: options.recentEvents ?? 10 }),
    store.getState(monitor.id),
    store.listIncidents({ monitorId: monitor.id, open: true, limit: 1 }),
  ]);
  const hash = (state?.data.toolsHash as string | undefined) ?? null;
  const list = hash ? (((await store.getToolSnapshot(hash)) as ToolInfo[] | undefined) ?? null) : null;
  const windows = summaries.get(monitor.id) ?? [];
  return {
    monitor,
    lastResult: results[0] ?? null,
    uptime: Object.fromEntries(
      UPTIME_WINDOWS.map((w, i) => [w, windows[i] ?? null]),
    ) as MonitorDetail['uptime'],
    recentEvents: events,
    tools: { hash, list },
    openIncident: incidents[0] ?? null,
  };
}
