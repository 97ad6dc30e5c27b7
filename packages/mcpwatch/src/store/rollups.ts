import { type Kysely, sql } from 'kysely';
import { bucketLetter, bucketOf, emptyHistogram, encodeHistogram } from './latency-histogram.js';
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
  'maintenance',
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
    ...['checks', 'ups', 'degraded', 'downs', 'maintenance', 'duration_sum'].map(
      (c) => `${c} = ${table}.${c} + excluded.${c}`,
    ),
    `duration_min = ${least}(${table}.duration_min, excluded.duration_min)`,
    `duration_max = ${greatest}(${table}.duration_max, excluded.duration_max)`,
    `histogram = ${HISTOGRAM_ADD}(${table}.histogram, excluded.histogram)`,
  ].join(', ');
  return `on conflict (monitor_id, bucket_start) do update set ${set}`;
}

/** What a rollup needs of a result: the raw row being written is one. */
export type Observation = Pick<ResultsTable, 'monitor_id' | 'at' | 'status' | 'duration_ms' | 'maintenance'>;

/** Durations as the rollups keep them: whole microseconds. */
export function toMicros(ms: number): number {
  return Math.round(ms * 1000);
}

/**
 * One rollup row's worth of observations, in the row's own units (microseconds, histogram text). Most rows a
 * batch touches hold one check, or several of one latency bucket, so the histogram stays a single (bucket,
 * count) pair until a second bucket appears.
 */
export class Delta {
  checks = 0;
  ups = 0;
  degraded = 0;
  downs = 0;
  maintenance = 0;
  sumUs = 0;
  minUs = Number.POSITIVE_INFINITY;
  maxUs = Number.NEGATIVE_INFINITY;
  private bucket = -1;
  private count = 0;
  private counts: number[] | undefined;

  constructor(
    readonly monitorId: number,
    readonly bucketStart: Millis,
  ) {}

  /** A check in a maintenance window is counted as such, whatever it found: planned work is not downtime. */
  add(status: string, us: number, bucket: number, maintenance: boolean): void {
    this.checks++;
    if (maintenance) this.maintenance++;
    else if (status === 'up') this.ups++;
    else if (status === 'degraded') this.degraded++;
    else this.downs++;
    this.sumUs += us;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
    if (this.counts) this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    else if (this.bucket === bucket || this.bucket < 0) {
      this.bucket = bucket;
      this.count++;
    } else {
      this.counts = emptyHistogram();
      this.counts[this.bucket] = this.count;
      this.counts[bucket] = 1;
    }
  }

  get histogram(): string {
    if (this.counts) return encodeHistogram(this.counts);
    return this.bucket < 0 ? '' : bucketLetter(this.bucket) + this.count;
  }

  /** The row's values, in `ROLLUP_COLUMNS` order. */
  values(): [number, number, number, number, number, number, number, number, number, number, string] {
    return [
      this.monitorId,
      this.bucketStart,
      this.checks,
      this.ups,
      this.degraded,
      this.downs,
      this.maintenance,
      this.sumUs,
      this.minUs,
      this.maxUs,
      this.histogram,
    ];
  }
}

/**
 * Folds observations into one delta per (monitor, bucket) for each granularity, so a batch costs one upsert per
 * rollup row it touches, not three per result. Deltas come out bucket by bucket, in time order: the order of a
 * time-first table's key.
 */
export function aggregate(observations: readonly Observation[]): Record<Granularity, Delta[]> {
  const byBucket = GRANULARITIES.map(() => new Map<Millis, Map<number, Delta>>());
  for (const o of observations) {
    const us = toMicros(o.duration_ms);
    const bucket = bucketOf(o.duration_ms);
    for (let g = 0; g < GRANULARITIES.length; g++) {
      const start = bucketStart(o.at, GRANULARITIES[g] as Granularity);
      const buckets = byBucket[g] as Map<Millis, Map<number, Delta>>;
      let monitors = buckets.get(start);
      if (!monitors) {
        monitors = new Map();
        buckets.set(start, monitors);
      }
      let d = monitors.get(o.monitor_id);
      if (!d) {
        d = new Delta(o.monitor_id, start);
        monitors.set(o.monitor_id, d);
      }
      d.add(o.status, us, bucket, o.maintenance === 1);
    }
  }
  const sorted = (buckets: Map<Millis, Map<number, Delta>>) =>
    [...buckets.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, monitors]) => [...monitors.values()]);
  return {
    minute: sorted(byBucket[0] as Map<Millis, Map<number, Delta>>),
    hour: sorted(byBucket[1] as Map<Millis, Map<number, Delta>>),
    day: sorted(byBucket[2] as Map<Millis, Map<number, Delta>>),
  };
}

const ROWS_PER_STATEMENT = 1000; // 11 parameters a row stays under SQLite's 32,766 and PostgreSQL's 65,535.

/** The rollup write through Kysely: PostgreSQL's path (SQLite's is `SqliteResultWriter`). */
export async function addToRollups(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  observations: readonly Observation[],
): Promise<void> {
  const deltas = aggregate(observations);
  const columns = sql.raw(ROLLUP_COLUMNS.join(', '));
  for (const granularity of GRANULARITIES) {
    const table = ROLLUP_TABLE[granularity];
    const onConflict = sql.raw(rollupOnConflict(table, dialect));
    const all = deltas[granularity];
    for (let i = 0; i < all.length; i += ROWS_PER_STATEMENT) {
      const rows = all.slice(i, i + ROWS_PER_STATEMENT).map((d) => sql`(${sql.join(d.values())})`);
      await sql`insert into ${sql.table(table)} (${columns}) values ${sql.join(rows)} ${onConflict}`.execute(
        db,
      );
    }
  }
}
