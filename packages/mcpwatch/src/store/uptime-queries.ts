import { type Kysely, type RawBuilder, sql } from 'kysely';
import { addHistogramText, emptyHistogram, summarize } from './latency-histogram.js';
import { BUCKET_MS, bucketStart, granularityFor, ROLLUP_TABLE, TIME_FIRST } from './rollups.js';
import type { Database } from './schema.js';
import type { Granularity, Range, UptimePoint, UptimeSummary } from './store.js';

type Dialect = 'sqlite' | 'postgres';

/**
 * Sums of every rollup column over the selected rows; `min`/`max` of the extremes. The histograms are
 * concatenated, not summed, in SQL: their text concatenates into the text of their sum (`encodeHistogram`), so
 * the database does one native string aggregate and JavaScript parses one string per group.
 */
function sums(dialect: Dialect): RawBuilder<unknown> {
  const concat = dialect === 'sqlite' ? "group_concat(r.histogram, '')" : "string_agg(r.histogram, '')";
  return sql.raw(
    [
      'sum(r.checks) as checks',
      'sum(r.ups) as ups',
      'sum(r.degraded) as degraded',
      'sum(r.downs) as downs',
      'sum(r.maintenance) as maintenance',
      'sum(r.duration_sum) as duration_sum',
      'min(r.duration_min) as duration_min',
      'max(r.duration_max) as duration_max',
      `${concat} as histogram`,
    ].join(', '),
  );
}

interface SumRow {
  checks?: number | string | null;
  ups?: number | string | null;
  degraded?: number | string | null;
  downs?: number | string | null;
  maintenance?: number | string | null;
  duration_sum?: number | string | null;
  duration_min?: number | string | null;
  duration_max?: number | string | null;
  histogram?: string | null;
}

const ms = (micros: number | string | null | undefined) => (micros == null ? null : Number(micros) / 1000);

function toPoint(row: SumRow): Omit<UptimePoint, 'bucketStart'> {
  const checks = Number(row.checks ?? 0);
  const up = Number(row.ups ?? 0);
  const degraded = Number(row.degraded ?? 0);
  const down = Number(row.downs ?? 0);
  const maintenance = Number(row.maintenance ?? 0);
  const judged = checks - maintenance;
  return {
    checks,
    up,
    degraded,
    down,
    maintenance,
    uptime: judged === 0 ? null : (up + degraded) / judged,
    latency: summarize(
      addHistogramText(row.histogram ?? '', emptyHistogram()),
      ms(row.duration_sum) ?? 0,
      ms(row.duration_min),
      ms(row.duration_max),
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

/**
 * In a time-first table (minutes, hours) the rows of a range lie together for every monitor, so a read of a few
 * monitors walks their buckets one by one (monitors × buckets lookups) instead of every monitor's rows in the
 * range. Past this many lookups a scan of the range is cheaper for any fleet that size could come from.
 */
const MAX_LOOKUPS = 20_000;

/** The rows of a plan for the given monitors, as a `from … where …` both dialects run. */
function rowsOf(ids: readonly number[], plan: Plan): RawBuilder<unknown> {
  const table = sql.table(ROLLUP_TABLE[plan.granularity]);
  const size = BUCKET_MS[plan.granularity];
  const inIds = ids.length === 1 ? sql`r.monitor_id = ${ids[0]}` : sql`r.monitor_id in (${sql.join(ids)})`;
  const buckets = (plan.to - plan.from) / size;
  if (TIME_FIRST[plan.granularity] && ids.length * buckets <= MAX_LOOKUPS) {
    // `cross join` keeps the buckets the outer loop in SQLite, whose planner may otherwise scan the table.
    return sql`(with recursive b(s) as (select cast(${plan.from} as bigint) union all
        select s + ${size} from b where s + ${size} < ${plan.to})
      select r.* from b cross join ${table} as r where r.bucket_start = b.s and ${inIds}) as r`;
  }
  return sql`${table} as r where ${inIds} and r.bucket_start >= ${plan.from} and r.bucket_start < ${plan.to}`;
}

async function sumsFor(db: Kysely<Database>, dialect: Dialect, monitorIds: readonly number[], plan: Plan) {
  const found = new Map<number, SumRow>();
  for (let i = 0; i < monitorIds.length; i += IDS_PER_QUERY) {
    const ids = monitorIds.slice(i, i + IDS_PER_QUERY);
    const { rows } = await sql<SumRow & { monitor_id: number }>`select r.monitor_id, ${sums(dialect)}
      from ${rowsOf(ids, plan)} group by r.monitor_id`.execute(db);
    for (const row of rows) found.set(Number(row.monitor_id), row);
  }
  return found;
}

/**
 * Sums for a window. A short window older than raw retention finds its minute rollups pruned; it is answered
 * from the hour rollups instead of as "no checks".
 */
async function answer(db: Kysely<Database>, dialect: Dialect, monitorIds: readonly number[], window: Range) {
  let plan = planRange(window);
  let found = await sumsFor(db, dialect, monitorIds, plan);
  if (found.size === 0 && plan.granularity === 'minute') {
    plan = planRange(window, 'hour');
    found = await sumsFor(db, dialect, monitorIds, plan);
  }
  return { plan, found };
}

export async function uptimeOne(
  db: Kysely<Database>,
  dialect: Dialect,
  monitorId: number,
  range: Range,
): Promise<UptimeSummary> {
  const { plan, found } = await answer(db, dialect, [monitorId], range);
  return { ...plan, ...toPoint(found.get(monitorId) ?? {}) };
}

export async function uptimeSeries(
  db: Kysely<Database>,
  dialect: Dialect,
  monitorId: number,
  range: Range,
  granularity?: Granularity,
): Promise<UptimePoint[]> {
  const plan = planRange(range, granularity);
  const { rows } = await sql<SumRow & { bucket_start: number }>`select r.bucket_start, ${sums(dialect)}
    from ${rowsOf([monitorId], plan)} group by r.bucket_start order by r.bucket_start`.execute(db);
  return rows.map((row) => ({ bucketStart: Number(row.bucket_start), ...toPoint(row) }));
}

/** One grouped query per window and per 500 monitors: 1,000 monitors over 90 days is two queries of day rows. */
export async function uptimeMany(
  db: Kysely<Database>,
  dialect: Dialect,
  monitorIds: readonly number[],
  windows: readonly Range[],
): Promise<Map<number, UptimeSummary[]>> {
  const result = new Map<number, UptimeSummary[]>();
  for (const id of monitorIds) result.set(id, []);
  for (const window of windows) {
    const { plan, found } = await answer(db, dialect, monitorIds, window);
    for (const id of monitorIds) result.get(id)?.push({ ...plan, ...toPoint(found.get(id) ?? {}) });
  }
  return result;
}
