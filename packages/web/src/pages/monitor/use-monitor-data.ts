import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../../api/client.ts';
import { read } from '../../api/prefetch.ts';
import type { Incident, Monitor, StoredEvent, ToolInfo, UptimeWindow } from '../../api/types.ts';
import { applyResult } from '../../lib/overview-model.ts';
import { subscribe } from '../../live/stream.ts';

export interface MonitorData {
  monitor: Monitor;
  config: Record<string, unknown>;
  windows: Record<string, UptimeWindow | null>;
  events: StoredEvent[];
  incidents: Incident[];
  tools: ToolInfo[] | null;
}

/** The chart reads its range again at most this often while results stream in. */
const CHART_REFRESH_MS = 30_000;

/**
 * Everything the monitor page shows, read in parallel, then kept current: a live result updates the
 * status at once; a live event reads the events, incidents and tools again.
 */
export function useMonitorData(id: number) {
  const [data, setData] = useState<MonitorData>();
  const [error, setError] = useState<string>();
  const [refreshKey, setRefreshKey] = useState(0);
  useEffect(() => {
    let live = true;
    let lastRefresh = Date.now();
    const history = () =>
      Promise.all([
        read<{ events: StoredEvent[] }>(`/events?monitorId=${id}&limit=200`),
        read<{ incidents: Incident[] }>(`/incidents?monitorId=${id}&limit=50`),
        read<{ tools: ToolInfo[] | null }>(`/monitors/${id}/tools`),
        read<{ windows: Record<string, UptimeWindow | null> }>(`/monitors/${id}/uptime`),
      ]);
    setData(undefined);
    setError(undefined);
    Promise.all([
      read<{ monitor: Monitor; config: Record<string, unknown> }>(`/monitors/${id}`),
      history(),
    ]).then(
      ([m, [e, i, t, u]]) => {
        if (!live) return;
        setData({
          monitor: m.monitor,
          config: m.config,
          windows: u.windows,
          events: e.events,
          incidents: i.incidents,
          tools: t.tools,
        });
      },
      (e) => live && setError(errorText(e)),
    );
    const offResult = subscribe('result', (result) => {
      if (result.monitorId !== id) return;
      setData((d) => (d ? { ...d, monitor: applyResult(d.monitor, result) } : d));
      if (Date.now() - lastRefresh > CHART_REFRESH_MS) {
        lastRefresh = Date.now();
        setRefreshKey((k) => k + 1);
      }
    });
    const offEvent = subscribe('event', (event) => {
      if (event.monitorId !== id) return;
      history().then(([e, i, t, u]) => {
        if (live)
          setData((d) =>
            d ? { ...d, events: e.events, incidents: i.incidents, tools: t.tools, windows: u.windows } : d,
          );
      });
    });
    return () => {
      live = false;
      offResult();
      offEvent();
    };
  }, [id]);
  const update = (monitor: Monitor) => setData((d) => (d ? { ...d, monitor } : d));
  /** The page of events before the oldest shown; false when there are no more. */
  const loadOlder = async (): Promise<boolean> => {
    const oldest = data?.events.reduce((min, e) => Math.min(min, e.id), Number.POSITIVE_INFINITY);
    if (!oldest || !Number.isFinite(oldest)) return false;
    const { events } = await api<{ events: StoredEvent[] }>(
      `/events?monitorId=${id}&limit=200&beforeId=${oldest}`,
    );
    setData((d) => (d ? { ...d, events: [...d.events, ...events] } : d));
    return events.length === 200;
  };
  return { data, error, refreshKey, update, loadOlder, refresh: () => setRefreshKey((k) => k + 1) };
}
