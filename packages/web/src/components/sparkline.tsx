import { sparkPath } from '../lib/segments.ts';

/** Median latency per hour over the last day, as a line. */
export function Sparkline({ values }: { values: (number | null)[] | undefined }) {
  const d = values ? sparkPath(values, 80, 20) : '';
  return (
    <svg class="sparkline" viewBox="0 0 80 20" aria-hidden="true">
      {d && <path d={d} />}
    </svg>
  );
}
