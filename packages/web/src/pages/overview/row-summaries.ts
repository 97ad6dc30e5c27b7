import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { RowSummaries, RowSummary } from '../../api/types.ts';

const BATCH = 200;
/** A row's bar and sparkline are read again after this long, while on screen. */
const FRESH_MS = 60_000;

export interface SummaryCache {
  days: number[];
  rows: Map<number, RowSummary>;
}

/**
 * The uptime bars and sparklines of the rows on screen, read in batches as they scroll into view and
 * again when a minute old. `version` changes when new rows arrive.
 */
export function useRowSummaries(visibleIds: readonly number[]): SummaryCache {
  const cache = useRef<{ days: number[]; rows: Map<number, RowSummary>; at: Map<number, number> }>({
    days: [],
    rows: new Map(),
    at: new Map(),
  });
  const inFlight = useRef(new Set<number>());
  const [, setVersion] = useState(0);
  const [tick, setTick] = useState(0);
  const key = visibleIds.join(',');
  useEffect(() => {
    const refresh = setInterval(() => setTick((t) => t + 1), FRESH_MS);
    return () => clearInterval(refresh);
  }, []);
  useEffect(() => {
    const timer = setTimeout(() => {
      const now = Date.now();
      const ids = key ? key.split(',').map(Number) : [];
      const wanted = ids.filter(
        (id) => !inFlight.current.has(id) && now - (cache.current.at.get(id) ?? 0) > FRESH_MS,
      );
      for (let i = 0; i < wanted.length; i += BATCH) {
        const batch = wanted.slice(i, i + BATCH);
        for (const id of batch) inFlight.current.add(id);
        api<RowSummaries>(`/dashboard/rows?ids=${batch.join(',')}`)
          .then((answer) => {
            const at = Date.now();
            cache.current.days = answer.days;
            for (const [id, row] of Object.entries(answer.rows)) {
              cache.current.rows.set(Number(id), row);
              cache.current.at.set(Number(id), at);
            }
            setVersion((v) => v + 1);
          })
          .catch(() => {
            // The bars stay grey; the next scroll or refresh asks again.
          })
          .finally(() => {
            for (const id of batch) inFlight.current.delete(id);
          });
      }
    }, 50);
    return () => clearTimeout(timer);
  }, [key, tick]);
  return cache.current;
}
