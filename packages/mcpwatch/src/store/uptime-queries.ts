import { type Kysely, sql } from 'kysely';
import { HISTOGRAM_COLUMNS, summarize } from './latency-histogram.js';
import { BUCKET_MS, bucketStart, granularityFor, ROLLUP_TABLE } from './rollups.js';
import type { Database } from './schema.js';
import type { Granularity, Range, UptimePoint, UptimeSummary } from './store.js';

/** Sums of every rollup column over the selected rows; `min`/`max` of the extremes. */
const SUMS = sql.raw(
  [
    'sum(checks) as checks',
    'sum(ups) as ups',
    'sum(degraded) as degraded',
    'sum(downs) as downs',
    'sum(duration_sum) as duration_sum',
    'min(duration_min) as duration_min',
    'max(duration_max) as duration_max',
    ...HISTOGRAM_COLUMNS.map((c) => `sum(${c}) as ${c}`),
  ].join(', '),
);

type SumRow = Record<string, number | null>;

function toPoint(row: SumRow): Omit<UptimePoint, 'bucketStart'> {
  const checks = Number(row.checks ?? 0);
  const up = Number(row.ups ?? 0);
  const degraded = Number(row.degraded ?? 0);
  const down = Number(row.downs ?? 0);
  const histogram = HISTOGRAM_COLUMNS.map((c) => Number(row[c] ?? 0));
  return {
    checks,
    up,
    degraded,
    down,
    uptime: checks === 0 ? null : (up + degraded) / checks,
    latency: summarize(
      histogram,
      Number(row.duration_sum ?? 0),
      row.duration_min ?? null,
      row.duration_max ?? null,
    ),
  };
}

type Plan = Range & { granularity: Granularity };

/** The range widened to whole buckets of the granularity the span calls for. */
export function planRange(range: Range, granularity?: Granularity): Plan {
  const g = granularity ?? granularityFor(range.to - range.from);
  const size = BUCKET_MS[g];
  return { granularity: g, from: bucketStart(range.from, g), to: Math.ceil(range.to / size) * size };
}

const IDS_PER_QUERY = 500;

async function sumsFor(db: Kysely<Database>, monitorIds: readonly number[], plan: Plan) {
  const found = new Map<number, SumRow>();
  for (let i = 0; i < monitorIds.length; i += IDS_PER_QUERY) {
    const ids = monitorIds.slice(i, i + IDS_PER_QUERY);
    const { rows } =
      await sql<SumRow>`select monitor_id, ${SUMS} from ${sql.table(ROLLUP_TABLE[plan.granularity])}
      where monitor_id in (${sql.join(ids)}) and bucket_start >= ${plan.from} and bucket_start < ${plan.to}
      group by monitor_id`.execute(db);
    for (const row of rows) found.set(Number(row.monitor_id), row);
  }
  return found;
}

/**
 * Sums for a window. A short window older than raw retention finds its minute rollups pruned; it is answered
 * from the hour rollups instead of as "no checks".
 */
async function answer(db: Kysely<Database>, monitorIds: readonly number[], window: Range) {
  let plan = planRange(window);
  let found = await sumsFor(db, monitorIds, plan);
  if (found.size === 0 && plan.granularity === 'minute') {
    plan = planRange(window, 'hour');
    found = await sumsFor(db, monitorIds, plan);
  }
  return { plan, found };
}

export async function uptimeOne(
  db: Kysely<Database>,
  monitorId: number,
  range: Range,
): Promise<UptimeSummary> {
  const { plan, found } = await answer(db, [monitorId], range);
  return { ...plan, ...toPoint(found.get(monitorId) ?? {}) };
}

export async function uptimeSeries(
  db: Kysely<Database>,
  monitorId: number,
  range: Range,
  granularity?: Granularity,
): Promise<UptimePoint[]> {
  const plan = planRange(range, granularity);
  const { rows } =
    await sql<SumRow>`select bucket_start, ${SUMS} from ${sql.table(ROLLUP_TABLE[plan.granularity])}
    where monitor_id = ${monitorId} and bucket_start >= ${plan.from} and bucket_start < ${plan.to}
    group by bucket_start order by bucket_start`.execute(db);
  return rows.map((row) => ({ bucketStart: Number(row.bucket_start), ...toPoint(row) }));
}

/** One grouped query per window and per 500 monitors: 1,000 monitors over 90 days is two queries of day rows. */
export async function uptimeMany(
  db: Kysely<Database>,
  monitorIds: readonly number[],
  windows: readonly Range[],
): Promise<Map<number, UptimeSummary[]>> {
  const result = new Map<number, UptimeSummary[]>();
  for (const id of monitorIds) result.set(id, []);
  for (const window of windows) {
    const { plan, found } = await answer(db, monitorIds, window);
    for (const id of monitorIds) result.get(id)?.push({ ...plan, ...toPoint(found.get(id) ?? {}) });
  }
  return result;
}
