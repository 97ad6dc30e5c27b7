/** Events, the incidents they open and close, and the tool lists they point at: the history that is kept. */
import type { Kysely } from 'kysely';
import { toEvent, toIncident, toMillis } from './row-mappers.js';
import type { Database } from './schema.js';
import type { EventInput, EventQuery, Incident, IncidentQuery, Millis, StoredEvent } from './store.js';

/** What an incident was opened for: a reason code when the evidence has one, else its message. */
function causeOf(evidence: object): string | null {
  const e = evidence as { cause?: unknown; reason?: unknown };
  const cause = e.cause ?? e.reason;
  if (typeof cause === 'string') return cause;
  if (cause && typeof cause === 'object') {
    const c = cause as { reason?: unknown; message?: unknown };
    if (typeof c.reason === 'string') return c.reason;
    if (typeof c.message === 'string') return c.message;
  }
  return null;
}

/** An event opens or resolves an incident by its `incident` flag, or by being an incident_* event. */
function incidentChange(event: EventInput): 'opened' | 'resolved' | undefined {
  if (event.incident) return event.incident;
  if (event.kind === 'incident_opened') return 'opened';
  if (event.kind === 'incident_resolved') return 'resolved';
  return undefined;
}

export async function writeEvents(trx: Kysely<Database>, monitorId: number, events: readonly EventInput[]) {
  for (const event of events) {
    const at = toMillis(event.at);
    const change = incidentChange(event);
    const { id } = await trx
      .insertInto('events')
      .values({
        monitor_id: monitorId,
        at,
        kind: event.kind,
        from_status: event.from ?? null,
        to_status: event.to ?? null,
        incident: change ?? null,
        evidence: JSON.stringify(event.evidence),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (event.channels?.length) {
      // The unique (event_id, channel) index refuses a second row; a channel named twice is queued once.
      await trx
        .insertInto('outbox')
        .values(
          [...new Set(event.channels)].map((channel) => ({
            event_id: id,
            channel,
            attempts: 0,
            next_attempt_at: at,
            failed: 0,
            ...(event.held !== undefined ? { done_at: at, held_reason: event.held } : {}),
          })),
        )
        .execute();
    }
    if (change === 'opened') {
      // The partial unique index allows one open incident per monitor; a second "opened" changes nothing.
      await trx
        .insertInto('incidents')
        .values({
          monitor_id: monitorId,
          opened_at: at,
          cause: causeOf(event.evidence),
        })
        .onConflict((oc) => oc.column('monitor_id').where('resolved_at', 'is', null).doNothing())
        .execute();
    } else if (change === 'resolved') {
      await trx
        .updateTable('incidents')
        .set({ resolved_at: at })
        .where('monitor_id', '=', monitorId)
        .where('resolved_at', 'is', null)
        .execute();
    }
  }
}

export async function listEvents(db: Kysely<Database>, query: EventQuery): Promise<StoredEvent[]> {
  let q = db.selectFrom('events').selectAll();
  if (query.monitorId !== undefined) q = q.where('monitor_id', '=', query.monitorId);
  if (query.from !== undefined) q = q.where('at', '>=', query.from);
  if (query.to !== undefined) q = q.where('at', '<', query.to);
  if (query.kinds?.length) q = q.where('kind', 'in', query.kinds);
  if (query.beforeId !== undefined) q = q.where('id', '<', query.beforeId);
  const rows = await q
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit ?? 100)
    .execute();
  return rows.map(toEvent);
}

export async function listIncidents(db: Kysely<Database>, query: IncidentQuery): Promise<Incident[]> {
  let q = db.selectFrom('incidents').selectAll();
  if (query.monitorId !== undefined) q = q.where('monitor_id', '=', query.monitorId);
  if (query.open === true) q = q.where('resolved_at', 'is', null);
  if (query.open === false) q = q.where('resolved_at', 'is not', null);
  const rows = await q
    .orderBy('opened_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit ?? 100)
    .execute();
  return rows.map(toIncident);
}

export async function getIncident(db: Kysely<Database>, id: number): Promise<Incident | undefined> {
  const row = await db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toIncident(row);
}

export async function acknowledgeIncident(
  db: Kysely<Database>,
  id: number,
  by: string,
  at: Millis,
): Promise<boolean> {
  const result = await db
    .updateTable('incidents')
    .set({ acknowledged_by: by, acknowledged_at: at })
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setIncidentNote(db: Kysely<Database>, id: number, note: string): Promise<boolean> {
  const result = await db.updateTable('incidents').set({ note }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function putToolSnapshot(
  db: Kysely<Database>,
  hash: string,
  tools: unknown,
  now: Millis,
): Promise<void> {
  await db
    .insertInto('tool_snapshots')
    .values({ hash, tools: JSON.stringify(tools), first_seen_at: now })
    .onConflict((oc) => oc.column('hash').doNothing())
    .execute();
}

export async function getToolSnapshot(db: Kysely<Database>, hash: string): Promise<unknown | undefined> {
  const row = await db
    .selectFrom('tool_snapshots')
    .select('tools')
    .where('hash', '=', hash)
    .executeTakeFirst();
  return row && JSON.parse(row.tools);
}
