import { type Kysely, sql } from 'kysely';
import { bucketOf, emptyHistogram, encodeHistogram } from './latency-histogram.js';
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
  'histogram',
];

/**
 * Minute and hour rows are keyed (bucket_start, monitor_id), day rows (monitor_id, bucket_start): migration 0003
 * says why. A read of a few monitors in a time-first table names their buckets instead of scanning every
 * monitor's rows in the range.
 */
export const TIME_FIRST: Record<Granularity, boolean> = { minute: true, hour: true, day: false };

/** The SQL function that adds two histogram texts: JavaScript in SQLite, SQL in PostgreSQL (migration 0003). */
export const HISTOGRAM_ADD = 'mcpwatch_histogram_add';

/**
 * The `on conflict` clause of a rollup insert: counters add, extremes keep the extreme, histograms add bucket by
 * bucket. The rollup is maintained as results arrive, never recomputed, and concurrent writers add instead of
 * overwriting.
 */
export function rollupOnConflict(table: RollupTableName, dialect: 'sqlite' | 'postgres'): string {
  const least = dialect === 'sqlite' ? 'min' : 'least';
  const greatest = dialect === 'sqlite' ? 'max' : 'greatest';
  const set = [
    ...['checks', 'ups', 'degraded', 'downs', 'duration_sum'].map(
      (c) => `${c} = ${table}.${c} + excluded.${c}`,
    ),
    `duration_min = ${least}(${table}.duration_min, excluded.duration_min)`,
    `duration_max = ${greatest}(${table}.duration_max, excluded.duration_max)`,
    `histogram = ${HISTOGRAM_ADD}(${table}.histogram, excluded.histogram)`,
  ].join(', ');
  return `on conflict (monitor_id, bucket_start) do update set ${set}`;
}

/** What a rollup needs of a result: the raw row being written is one. */
export type Observation = Pick<ResultsTable, 'monitor_id' | 'at' | 'status' | 'duration_ms'>;

/** Durations as the rollups keep them: whole microseconds. */
export function toMicros(ms: number): number {
  return Math.round(ms * 1000);
}

/** One rollup row's worth of observations, in the row's own units (microseconds, histogram text). */
export interface Delta {
  monitorId: number;
  bucketStart: Millis;
  checks: number;
  ups: number;
  degraded: number;
  downs: number;
  sumUs: number;
  minUs: number;
  maxUs: number;
  histogram: string;
}

/** The values of one rollup row, in `ROLLUP_COLUMNS` order. */
export function deltaValues(
  d: Delta,
): [number, number, number, number, number, number, number, number, number, string] {
  return [
    d.monitorId,
    d.bucketStart,
    d.checks,
    d.ups,
    d.degraded,
    d.downs,
    d.sumUs,
    d.minUs,
    d.maxUs,
    d.histogram,
  ];
}

/** Folds observations into one delta per (monitor, bucket), so a batch costs one upsert per bucket, not per row. */
export function aggregate(observations: readonly Observation[], granularity: Granularity): Delta[] {
  type Folding = Omit<Delta, 'histogram'> & { counts: number[] };
  const folding = new Map<string, Folding>();
  for (const o of observations) {
    const start = bucketStart(o.at, granularity);
    const key = `${o.monitor_id}:${start}`;
    let d = folding.get(key);
    if (!d) {
      d = {
        monitorId: o.monitor_id,
        bucketStart: start,
        checks: 0,
        ups: 0,
        degraded: 0,
        downs: 0,
        sumUs: 0,
        minUs: Number.POSITIVE_INFINITY,
        maxUs: Number.NEGATIVE_INFINITY,
        counts: emptyHistogram(),
      };
      folding.set(key, d);
    }
    d.checks++;
    if (o.status === 'up') d.ups++;
    else if (o.status === 'degraded') d.degraded++;
    else d.downs++;
    const us = toMicros(o.duration_ms);
    d.sumUs += us;
    if (us < d.minUs) d.minUs = us;
    if (us > d.maxUs) d.maxUs = us;
    const bucket = bucketOf(o.duration_ms);
    d.counts[bucket] = (d.counts[bucket] ?? 0) + 1;
  }
  return Array.from(folding.values(), ({ counts, ...d }) => ({ ...d, histogram: encodeHistogram(counts) }));
}

const ROWS_PER_STATEMENT = 1000; // 10 parameters a row stays under SQLite's 32,766 and PostgreSQL's 65,535.

/** The rollup write through Kysely: PostgreSQL's path (SQLite's is `SqliteResultWriter`). */
export async function addToRollup(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  granularity: Granularity,
  observations: readonly Observation[],
): Promise<void> {
  const table = ROLLUP_TABLE[granularity];
  const deltas = aggregate(observations, granularity);
  const columns = sql.raw(ROLLUP_COLUMNS.join(', '));
  const onConflict = sql.raw(rollupOnConflict(table, dialect));
  for (let i = 0; i < deltas.length; i += ROWS_PER_STATEMENT) {
    const rows = deltas.slice(i, i + ROWS_PER_STATEMENT).map((d) => sql`(${sql.join(deltaValues(d))})`);
    await sql`insert into ${sql.table(table)} (${columns}) values ${sql.join(rows)} ${onConflict}`.execute(
      db,
    );
  }
}
