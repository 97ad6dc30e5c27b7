/** Heartbeat deadlines live here, so a restart neither resets nor fires them early. */
import type { Kysely } from 'kysely';
import { toHeartbeat } from './row-mappers.js';
import type { Database } from './schema.js';
import type { Heartbeat, Millis } from './store.js';

export async function setHeartbeat(db: Kysely<Database>, heartbeat: Heartbeat): Promise<void> {
  const values = {
    token_hash: heartbeat.tokenHash,
    monitor_id: heartbeat.monitorId,
    last_ping_at: heartbeat.lastPingAt,
    deadline_at: heartbeat.deadlineAt,
  };
  await db
    .insertInto('heartbeats')
    .values(values)
    .onConflict((oc) => oc.column('token_hash').doUpdateSet(values))
    .execute();
}

export async function getHeartbeat(db: Kysely<Database>, tokenHash: string): Promise<Heartbeat | undefined> {
  const row = await db
    .selectFrom('heartbeats')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && toHeartbeat(row);
}

export async function pingHeartbeat(
  db: Kysely<Database>,
  tokenHash: string,
  at: Millis,
  deadlineAt: Millis | null,
): Promise<Heartbeat | undefined> {
  const row = await db
    .updateTable('heartbeats')
    .set({ last_ping_at: at, deadline_at: deadlineAt })
    .where('token_hash', '=', tokenHash)
    .returningAll()
    .executeTakeFirst();
  return row && toHeartbeat(row);
}

export async function heartbeatsDue(
  db: Kysely<Database>,
  before: Millis,
  limit = 1000,
): Promise<Heartbeat[]> {
  const rows = await db
    .selectFrom('heartbeats')
    .selectAll()
    .where('deadline_at', 'is not', null)
    .where('deadline_at', '<', before)
    .orderBy('deadline_at')
    .limit(limit)
    .execute();
  return rows.map(toHeartbeat);
}

export async function advanceHeartbeat(
  db: Kysely<Database>,
  tokenHash: string,
  expected: Millis,
  next: Millis | null,
): Promise<boolean> {
  const result = await db
    .updateTable('heartbeats')
    .set({ deadline_at: next })
    .where('token_hash', '=', tokenHash)
    .where('deadline_at', '=', expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function revokeHeartbeats(
  db: Kysely<Database>,
  monitorId: number,
  except?: string,
): Promise<number> {
  let query = db.deleteFrom('heartbeats').where('monitor_id', '=', monitorId);
  if (except !== undefined) query = query.where('token_hash', '!=', except);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
