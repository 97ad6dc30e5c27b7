/**
 * Fixed log-scale latency buckets, stored as one integer column per bucket in every rollup row.
 *
 * Fixed bounds make histograms of any two buckets addable, so a percentile over any range is a sum of
 * rows followed by one walk over the counts; the store can upsert them with plain arithmetic. Bucket i
 * holds durations in (bound(i-1), bound(i)] with bound(i) = 2^(i/3) ms: three buckets per doubling keep a
 * percentile within 26% of the true value from 1 ms to 65 s. The last bucket also takes everything slower.
 */
export const HISTOGRAM_BUCKETS = 49;
const STEPS_PER_DOUBLING = 3;

export const HISTOGRAM_COLUMNS: readonly string[] = Array.from(
  { length: HISTOGRAM_BUCKETS },
  (_, i) => `h${String(i).padStart(2, '0')}`,
);

/** The largest duration bucket i holds, in milliseconds. */
export function bucketUpperBound(i: number): number {
  return 2 ** (i / STEPS_PER_DOUBLING);
}

export function bucketOf(durationMs: number): number {
  if (!(durationMs > 1)) return 0;
  const i = Math.ceil(Math.log2(durationMs) * STEPS_PER_DOUBLING - 1e-9);
  return Math.min(i, HISTOGRAM_BUCKETS - 1);
}

export interface LatencySummary {
  count: number;
  minMs: number | null;
  maxMs: number | null;
  meanMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/**
 * The q-quantile of a histogram, reported as the geometric middle of the bucket that holds it, clamped to the
 * observed minimum and maximum (so a range with one distinct duration reports it exactly).
 */
export function quantile(counts: readonly number[], q: number, minMs: number, maxMs: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i] ?? 0;
    if (seen >= rank) {
      const upper = bucketUpperBound(i);
      const lower = i === 0 ? 0 : bucketUpperBound(i - 1);
      const middle = i === 0 ? upper / 2 : Math.sqrt(lower * upper);
      return Math.min(maxMs, Math.max(minMs, middle));
    }
  }
  return maxMs;
}

export function summarize(
  counts: readonly number[],
  sumMs: number,
  minMs: number | null,
  maxMs: number | null,
): LatencySummary {
  const count = counts.reduce((a, b) => a + b, 0);
  if (count === 0 || minMs === null || maxMs === null) {
    return { count: 0, minMs: null, maxMs: null, meanMs: null, p50Ms: null, p95Ms: null, p99Ms: null };
  }
  return {
    count,
    minMs,
    maxMs,
    meanMs: sumMs / count,
    p50Ms: quantile(counts, 0.5, minMs, maxMs),
    p95Ms: quantile(counts, 0.95, minMs, maxMs),
    p99Ms: quantile(counts, 0.99, minMs, maxMs),
  };
}
