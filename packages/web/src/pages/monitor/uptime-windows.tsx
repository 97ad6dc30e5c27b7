import type { UptimeWindow } from '../../api/types.ts';
import { formatMs, formatPercent } from '../../lib/format.ts';

/** Uptime and latency percentiles over 24 h, 7 d, 30 d and 90 d. */
export function UptimeWindows({ windows }: { windows: Record<string, UptimeWindow | null> | undefined }) {
  return (
    <section class="card" aria-labelledby="uptime-title">
      <h2 id="uptime-title">Uptime</h2>
      <dl class="windows" data-testid="uptime-windows">
        {Object.entries(windows ?? {}).map(([name, w]) => (
          <div key={name} class="window" data-window={name}>
            <dt>{name}</dt>
            <dd class="big">{formatPercent(w?.uptime)}</dd>
            <dd class="muted small">
              {w ? `${w.checks} checks · ${w.down} down` : 'no checks'}
              <br />
              p50 {formatMs(w?.latency.p50Ms)} · p95 {formatMs(w?.latency.p95Ms)} · p99{' '}
              {formatMs(w?.latency.p99Ms)}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
