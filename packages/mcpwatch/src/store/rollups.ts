import { type Kysely, sql } from 'kysely';
import { bucketOf, HISTOGRAM_BUCKETS, HISTOGRAM_COLUMNS } from './latency-histogram.js';
import type { Database, ResultsTable, RollupTableName } from './schema.js';
import type { Granularity, Millis } from './store.js';

export const GRANULARITIES: readonly Granularity[] = ['minute', 'hour', 'day'];

export const BUCKET_MS: Record<Granularity, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

export const ROLLUP_TABLE: Record<Granularity, RollupTableName> = {
  minute: 'rollup_minute',
  hour: 'rollup_hour',
  day: 'rollup_day',
};

export function bucketStart(at: Millis, granularity: Granularity): Millis {
  const size = BUCKET_MS[granularity];
  return Math.floor(at / size) * size;
}

/**
 * The coarsest buckets that still describe a range well: minutes up to six hours, hours up to fourteen days, days
 * beyond. A 90-day answer for one monitor sums 90 rows; a 24-hour one sums 24.
 */
export function granularityFor(spanMs: number): Granularity {
  if (spanMs <= 6 * BUCKET_MS.hour) return 'minute';
  if (spanMs <= 14 * BUCKET_MS.day) return 'hour';
  return 'day';
}

export const ROLLUP_COLUMNS: readonly string[] = [
  'monitor_id',
  'bucket_start',
  'checks',
  'ups',
  'degraded',
  'downs',
  'duration_sum',
  'duration_min',
  'duration_max',
  ...HISTOGRAM_COLUMNS,
];

/** The `do update set` list of a rollup upsert: counters add, extremes keep the extreme. */
export function rollupUpdateSet(
  table: string,
  dialect: 'sqlite' | 'postgres',
  histogramColumns: readonly string[] = HISTOGRAM_COLUMNS,
): string {
  const least = dialect === 'sqlite' ? 'min' : 'least';
  const greatest = dialect === 'sqlite' ? 'max' : 'greatest';
  return [
    ...['checks', 'ups', 'degraded', 'downs', 'duration_sum', ...histogramColumns].map(
      (c) => `${c} = ${table}.${c} + excluded.${c}`,
    ),
    `duration_min = ${least}(${table}.duration_min, excluded.duration_min)`,
    `duration_max = ${greatest}(${table}.duration_max, excluded.duration_max)`,
  ].join(', ');
}

/** What a rollup needs of a result: the raw row being written is one. */
export type Observation = Pick<ResultsTable, 'monitor_id' | 'at' | 'status' | 'duration_ms'>;

export interface Delta {
  monitorId: number;
  bucketStart: Millis;
  checks: number;
  ups: number;
  degraded: number;
  downs: number;
  sum: number;
  min: number;
  max: number;
  histogram: number[];
}

/** Folds observations into one delta per (monitor, bucket), so a batch costs one upsert per bucket, not per row. */
export function aggregate(observations: readonly Observation[], granularity: Granularity): Delta[] {
  const deltas = new Map<string, Delta>();
  for (const o of observations) {
    const start = bucketStart(o.at, granularity);
    const key = `${o.monitor_id}:${start}`;
    let d = deltas.get(key);
    if (!d) {
      d = {
        monitorId: o.monitor_id,
        bucketStart: start,
        checks: 0,
        ups: 0,
        degraded: 0,
        downs: 0,
        sum: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
        histogram: new Array<number>(HISTOGRAM_BUCKETS).fill(0),
      };
      deltas.set(key, d);
    }
    d.checks++;
    if (o.status === 'up') d.ups++;
    else if (o.status === 'degraded') d.degraded++;
    else d.downs++;
    d.sum += o.duration_ms;
    d.min = Math.min(d.min, o.duration_ms);
    d.max = Math.max(d.max, o.duration_ms);
    const bucket = bucketOf(o.duration_ms);
    d.histogram[bucket] = (d.histogram[bucket] ?? 0) + 1;
  }
  return [...deltas.values()];
}

const ROWS_PER_STATEMENT = 400; // 58 parameters a row stays under SQLite's 32,766 and PostgreSQL's 65,535.

/**
 * Adds deltas to a rollup table with `INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x`: the rollup is
 * maintained as results arrive, never recomputed, and concurrent writers add instead of overwriting.
 */
export async function addToRollup(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  granularity: Granularity,
  observations: readonly Observation[],
): Promise<void> {
  const table = ROLLUP_TABLE[granularity];
  const deltas = aggregate(observations, granularity);
  const columns = ROLLUP_COLUMNS;
  const updates = sql.raw(rollupUpdateSet(table, dialect));
  for (let i = 0; i < deltas.length; i += ROWS_PER_STATEMENT) {
    const rows = deltas
      .slice(i, i + ROWS_PER_STATEMENT)
      .map(
        (d) =>
          sql`(${sql.join([d.monitorId, d.bucketStart, d.checks, d.ups, d.degraded, d.downs, d.sum, d.min, d.max, ...d.histogram])})`,
      );
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${sql.join(rows)}
      on conflict (monitor_id, bucket_start) do update set ${updates}`.execute(db);
  }
}
