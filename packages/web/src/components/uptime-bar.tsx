import type { RowSummary } from '../api/types.ts';
import { formatPercent, formatUtcDay } from '../lib/format.ts';
import { segmentStatus } from '../lib/segments.ts';

const W = 4;

/** 90 day segments, oldest on the left; each says its day and uptime on hover. */
export function UptimeBar({ row, days }: { row: RowSummary | undefined; days: number[] }) {
  const count = days.length || 90;
  return (
    <svg
      class="uptime-bar"
      viewBox={`0 0 ${count * W} 20`}
      preserveAspectRatio="none"
      role="img"
      aria-label={row ? `Uptime per day over ${count} days` : 'Uptime loading'}
      data-testid="uptime-bar"
    >
      {Array.from({ length: count }, (_, i) => {
        const state = row
          ? segmentStatus(row.uptime[i] ?? null, row.down[i] ?? 0, row.degraded[i] ?? 0)
          : 'empty';
        return (
          <rect key={i} class={`seg seg-${state}`} x={i * W} y={0} width={W - 1} height={20}>
            {row && days[i] !== undefined && (
              <title>{`${formatUtcDay(days[i] as number)}: ${
                row.uptime[i] === null ? 'no checks' : formatPercent(row.uptime[i])
              }`}</title>
            )}
          </rect>
        );
      })}
    </svg>
  );
}
