import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';
import type { Millis, PruneReport, RetentionOptions } from './store.js';

const DAY_MS = 86_400_000;
const CHUNK = 5000;

/**
 * Deletes in chunks of 5,000 rows, each its own statement, so a week of backlog never holds the write lock long
 * enough to stall the checks being recorded meanwhile. Events, incidents and day rollups are kept.
 */
export async function prune(
  db: Kysely<Database>,
  now: Millis,
  options: RetentionOptions = {},
): Promise<PruneReport> {
  const rawCutoff = now - (options.rawDays ?? 7) * DAY_MS;
  const hourCutoff = now - (options.hourDays ?? 90) * DAY_MS;
  const outboxCutoff = now - (options.outboxDays ?? options.rawDays ?? 7) * DAY_MS;
  return {
    results: await pruneResults(db, rawCutoff),
    minuteRollups: await pruneRollup(db, 'rollup_minute', rawCutoff),
    hourRollups: await pruneRollup(db, 'rollup_hour', hourCutoff),
    traffic: await untilEmpty(
      () =>
        sql`delete from traffic where id in (select id from traffic where to_at < ${rawCutoff} limit ${CHUNK})`,
      db,
    ),
    outbox: await untilEmpty(
      () =>
        sql`delete from outbox where id in (select id from outbox where done_at is not null and done_at < ${outboxCutoff} limit ${CHUNK})`,
      db,
    ),
  };
}

/** Monitor by monitor, on the (monitor_id, at) index the reads need anyway: no index on time alone to maintain. */
async function pruneResults(db: Kysely<Database>, cutoff: Millis): Promise<number> {
  const monitors = await db.selectFrom('monitors').select('id').execute();
  let total = 0;
  for (const { id } of monitors) {
    total += await untilEmpty(
      () =>
        sql`delete from results where id in
          (select id from results where monitor_id = ${id} and at < ${cutoff} limit ${CHUNK})`,
      db,
    );
  }
  return total;
}

function pruneRollup(db: Kysely<Database>, table: 'rollup_minute' | 'rollup_hour', cutoff: Millis) {
  return untilEmpty(
    () => sql`delete from ${sql.table(table)} where (monitor_id, bucket_start) in
      (select monitor_id, bucket_start from ${sql.table(table)} where bucket_start < ${cutoff} limit ${CHUNK})`,
    db,
  );
}

async function untilEmpty(statement: () => ReturnType<typeof sql>, db: Kysely<Database>): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await statement().execute(db);
    const deleted = Number(result.numAffectedRows ?? 0);
    total += deleted;
    if (deleted < CHUNK) return total;
  }
}
