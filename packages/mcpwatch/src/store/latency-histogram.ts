/**
 * Fixed log-scale latency buckets, kept in every rollup row as a short sparse text (see `encodeHistogram`).
 *
 * Fixed bounds make histograms of any two buckets addable, so a percentile over any range is a sum of
 * rows followed by one walk over the counts. Bucket i holds durations in (bound(i-1), bound(i)] with
 * bound(i) = 2^(i/3) ms: three buckets per doubling keep a percentile within 26% of the true value from 1 ms
 * to 65 s. The last bucket also takes everything slower.
 */
export const HISTOGRAM_BUCKETS = 49;
const STEPS_PER_DOUBLING = 3;

/** The rollups' one-column-per-bucket layout of migrations 0001 to 0002, which 0003 converts. */
export const HISTOGRAM_COLUMNS: readonly string[] = Array.from(
  { length: HISTOGRAM_BUCKETS },
  (_, i) => `h${String(i).padStart(2, '0')}`,
);

/** Bucket i's letter: A–Z for 0–25, a–w for 26–48. Letters sort (in C collation) in bucket order. */
export function bucketLetter(i: number): string {
  return String.fromCharCode(i < 26 ? 65 + i : 97 + i - 26);
}

/**
 * A histogram as text: each non-empty bucket's letter followed by its count in decimal, in bucket order, e.g.
 * `T3U12` for 3 checks in bucket 19 and 12 in bucket 20. A rollup row usually holds one to three buckets, so
 * this is 2–8 bytes where 49 integer columns took about 55, and histograms concatenate: the text of several
 * rows joined with no separator (SQLite's `group_concat`, PostgreSQL's `string_agg`) parses as their sum.
 */
export function encodeHistogram(counts: readonly number[]): string {
  let text = '';
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] ?? 0;
    if (count > 0) text += bucketLetter(i) + count;
  }
  return text;
}

/** Adds the counts a histogram text (or a concatenation of several) holds into `into`. */
export function addHistogramText(text: string, into: number[]): number[] {
  let bucket = -1;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      count = count * 10 + (c - 48);
      continue;
    }
    if (bucket >= 0) into[bucket] = (into[bucket] ?? 0) + count;
    bucket = c <= 90 ? c - 65 : c - 97 + 26;
    count = 0;
  }
  if (bucket >= 0) into[bucket] = (into[bucket] ?? 0) + count;
  return into;
}

export function emptyHistogram(): number[] {
  return new Array<number>(HISTOGRAM_BUCKETS).fill(0);
}

/** The sum of two histogram texts, as text: what a rollup upsert stores when a bucket's row already exists. */
export function addHistograms(a: string, b: string): string {
  return encodeHistogram(addHistogramText(b, addHistogramText(a, emptyHistogram())));
}

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
