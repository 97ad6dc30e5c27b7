/** Chart series for the monitor page, built from the API's answers; x in seconds (uPlot's unit). */

export interface ResultPoint {
  at: number;
  status: string;
  durationMs: number;
  timings: Record<string, number>;
}

export interface PercentilePoint {
  bucketStart: number;
  latency: { p50Ms: number | null; p95Ms: number | null; p99Ms: number | null };
}

/** The phases the chart stacks, in the order a check goes through them. */
export const PHASE_ORDER = [
  'spawn',
  'dns',
  'connect',
  'tls',
  'request',
  'handshake',
  'tools',
  'ping',
  'resources',
  'prompts',
  'call',
  'close',
] as const;

export interface ChartData {
  x: number[];
  /** Cumulative phase tops, bottom phase first: each series is the sum of its phase and those below. */
  stacks: { phase: string; values: (number | null)[] }[];
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
}

/**
 * One x axis for both sources: each result (oldest first) stacked by phase, each bucket's percentiles;
 * where one source has no point the other's series are null (drawn as gaps or skipped).
 */
export function chartData(results: readonly ResultPoint[], buckets: readonly PercentilePoint[]): ChartData {
  const present = new Set<string>();
  for (const r of results) for (const [k, v] of Object.entries(r.timings)) if (v > 0) present.add(k);
  const phases: string[] = PHASE_ORDER.filter((p) => present.has(p));
  for (const p of present) if (!phases.includes(p)) phases.push(p);

  type Row = { x: number; result?: ResultPoint; bucket?: PercentilePoint };
  const rows: Row[] = [];
  for (const r of results) rows.push({ x: r.at / 1000, result: r });
  for (const b of buckets) rows.push({ x: b.bucketStart / 1000, bucket: b });
  rows.sort((a, b) => a.x - b.x);

  const out: ChartData = {
    x: rows.map((r) => r.x),
    stacks: phases.map((phase) => ({ phase, values: [] })),
    p50: [],
    p95: [],
    p99: [],
  };
  for (const row of rows) {
    let sum = 0;
    phases.forEach((phase, i) => {
      const stack = out.stacks[i] as ChartData['stacks'][number];
      if (!row.result) {
        stack.values.push(null);
        return;
      }
      sum += row.result.timings[phase] ?? 0;
      stack.values.push(Math.round(sum * 10) / 10);
    });
    out.p50.push(row.bucket?.latency.p50Ms ?? null);
    out.p95.push(row.bucket?.latency.p95Ms ?? null);
    out.p99.push(row.bucket?.latency.p99Ms ?? null);
  }
  return out;
}

export interface RangeChoice {
  key: string;
  label: string;
  ms: number;
  /** Raw results carry phases; past their retention (7 days) only the rollups remain. */
  raw: boolean;
  granularity: 'minute' | 'hour' | 'day';
}

const H = 3_600_000;
export const RANGES: RangeChoice[] = [
  { key: '1h', label: '1 hour', ms: H, raw: true, granularity: 'minute' },
  { key: '6h', label: '6 hours', ms: 6 * H, raw: true, granularity: 'minute' },
  { key: '24h', label: '24 hours', ms: 24 * H, raw: true, granularity: 'minute' },
  { key: '7d', label: '7 days', ms: 7 * 24 * H, raw: true, granularity: 'hour' },
  { key: '30d', label: '30 days', ms: 30 * 24 * H, raw: false, granularity: 'hour' },
  { key: '90d', label: '90 days', ms: 90 * 24 * H, raw: false, granularity: 'day' },
];
