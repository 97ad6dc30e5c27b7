import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../../api/client.ts';
import { read } from '../../api/prefetch.ts';
import type { LiveResult, Monitor } from '../../api/types.ts';
import { applyResults } from '../../lib/overview-model.ts';
import { subscribe } from '../../live/stream.ts';

/** Live results arrive by the hundred per second with a large fleet; the list is redrawn at most this often. */
const FLUSH_MS = 250;

export interface MonitorList {
  monitors: Monitor[] | undefined;
  error: string | undefined;
}

/**
 * Every monitor with its state, read once and then kept current from the live stream: results update rows
 * in place; added or removed monitors, or a reconnect (events may have been missed), read the list again.
 */
export function useMonitors(): MonitorList {
  const [monitors, setMonitors] = useState<Monitor[]>();
  const [error, setError] = useState<string>();
  const current = useRef<{ list: Monitor[]; index: Map<number, number>; readAt: number }>(undefined);
  useEffect(() => {
    let live = true;
    let pending: LiveResult[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let reloadTimer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const { monitors: list } = await read<{ monitors: Monitor[] }>('/monitors');
        if (!live) return;
        current.current = { list, index: new Map(list.map((m, i) => [m.id, i])), readAt: Date.now() };
        setMonitors(list);
        setError(undefined);
        if (pending.length) flushTimer ??= setTimeout(flush, 0);
      } catch (e) {
        if (live) setError(errorText(e));
      }
    };
    const flush = () => {
      flushTimer = undefined;
      const state = current.current;
      if (!state || !live) return;
      const batch = pending;
      pending = [];
      const next = applyResults(state.list, state.index, batch);
      if (next) {
        state.list = next;
        setMonitors(next);
      }
    };
    const reload = () => {
      if (reloadTimer) clearTimeout(reloadTimer);
      reloadTimer = setTimeout(load, 300);
    };
    const offResult = subscribe('result', (result) => {
      pending.push(result);
      flushTimer ??= setTimeout(flush, FLUSH_MS);
    });
    const offMonitors = subscribe('monitors', reload);
    const offOpen = subscribe('open', () => {
      // The stream's first open comes right after the first read: nothing was missed then.
      if (current.current && Date.now() - current.current.readAt > 5000) reload();
    });
    load();
    return () => {
      live = false;
      offResult();
      offMonitors();
      offOpen();
      if (flushTimer) clearTimeout(flushTimer);
      if (reloadTimer) clearTimeout(reloadTimer);
    };
  }, []);
  return { monitors, error };
}
