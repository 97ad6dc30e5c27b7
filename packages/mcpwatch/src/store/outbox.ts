import type { Kysely } from 'kysely';
import { toEvent } from './row-mappers.js';
import type { Database } from './schema.js';
import type {
  ClaimOptions,
  DeliveryAnswer,
  DeliveryQuery,
  DeliveryRecord,
  DeliveryStatus,
  FailOptions,
  HeldSpell,
  Millis,
  OutboxItem,
  Range,
} from './store.js';

/** Errors and answers are kept for people to read, not as archives: a provider's error page is cut here. */
const TEXT_LIMIT = 2000;

/** 30 s, 1 min, 2 min … capped at one hour: a provider that is down is retried without being hammered. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/**
 * Claims due rows with one conditional UPDATE (healthchecks' `process_one_flip`): the outer WHERE repeats the
 * "unclaimed" test, so when two workers pick the same row the second one's re-check fails and it skips the row.
 * PostgreSQL adds `for update skip locked` so workers take different rows instead of waiting on each other.
 *
 * A row is handed out only when it is the first undelivered row of its channel (no earlier one pending, backing
 * off, or held by a worker): one row per channel at a time, in id order, which is the order events were written. A row that
 * failed for good no longer holds its channel back. In PostgreSQL a concurrent claim sees the earlier row either
 * still undelivered (and skips the later one) or locked by the first claim (and skips it): neither can take a
 * later row while an earlier one is out.
 */
export async function claimOutbox(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  worker: string,
  now: Millis,
  options: ClaimOptions = {},
): Promise<OutboxItem[]> {
  const staleBefore = now - (options.leaseMs ?? 300_000);
  let due = db
    .selectFrom('outbox')
    .select('id')
    .where('done_at', 'is', null)
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_at', 'is', null), eb('claimed_at', '<', staleBefore)]))
    // The head of each channel's undelivered queue. Asked as "the least undelivered id per channel", which the
    // partial index on undelivered rows answers without reading delivered ones; the earlier form ("no earlier
    // undelivered row exists") walked every delivered row of a channel for each pending one, and SQLite, not
    // knowing the table's shape, chose the full index: 364 ms a claim with 10,000 delivered rows.
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox as head')
        .select((h) => h.fn.min('head.id').as('id'))
        .where('head.done_at', 'is', null)
        .groupBy('head.channel'),
    )
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(options.limit ?? 50);
  if (dialect === 'postgres') due = due.forUpdate().skipLocked();
  const claimed = await db
    .updateTable('outbox')
    .set({ claimed_by: worker, claimed_at: now })
    .where('id', 'in', due)
    .where('done_at', 'is', null)
    .where((eb) => eb.or([eb('claimed_at', 'is', null), eb('claimed_at', '<', staleBefore)]))
    .returning(['id', 'event_id', 'channel', 'attempts', 'held_reason'])
    .execute();
  if (claimed.length === 0) return [];
  const events = await db
    .selectFrom('events')
    .selectAll()
    .where(
      'id',
      'in',
      claimed.map((c) => c.event_id),
    )
    .execute();
  const byId = new Map(events.map((e) => [Number(e.id), toEvent(e)]));
  return claimed
    .map((c) => {
      const event = byId.get(Number(c.event_id));
      return (
        event && {
          id: Number(c.id),
          channel: c.channel,
          attempts: Number(c.attempts),
          claimedBy: worker,
          heldReason: c.held_reason,
          event,
        }
      );
    })
    .filter((item): item is OutboxItem => item !== undefined)
    .sort((a, b) => a.id - b.id);
}

/** Only the worker holding the claim may settle a row; a worker whose lease expired learns it lost the row. */
export async function completeOutbox(
  db: Kysely<Database>,
  id: number,
  worker: string,
  now: Millis,
  answer: DeliveryAnswer = {},
): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({
      done_at: now,
      sent_at: now,
      claimed_by: null,
      claimed_at: null,
      failed: 0,
      status_code: answer.status ?? null,
      response: answer.response?.slice(0, TEXT_LIMIT) ?? null,
    })
    .where('id', '=', id)
    .where('claimed_by', '=', worker)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function failOutbox(
  db: Kysely<Database>,
  id: number,
  worker: string,
  now: Millis,
  error: string,
  options: FailOptions = {},
): Promise<boolean> {
  const row = await db
    .selectFrom('outbox')
    .select('attempts')
    .where('id', '=', id)
    .where('claimed_by', '=', worker)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  if (!row) return false;
  const attempts = Number(row.attempts) + 1;
  const givenUp = options.permanent === true || attempts >= (options.maxAttempts ?? 10);
  const result = await db
    .updateTable('outbox')
    .set({
      attempts,
      next_attempt_at: options.nextAttemptAt ?? now + backoffMs(attempts),
      claimed_by: null,
      claimed_at: null,
      status_code: options.status ?? null,
      last_error: error.slice(0, TEXT_LIMIT),
      failed: givenUp ? 1 : 0,
      done_at: givenUp ? now : null,
    })
    .where('id', '=', id)
    .where('claimed_by', '=', worker)
    .where('attempts', '=', attempts - 1)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Untried rows go back as they were: no attempt is counted, and they are due again at once. */
export async function releaseOutbox(
  db: Kysely<Database>,
  ids: readonly number[],
  worker: string,
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('outbox')
    .set({ claimed_by: null, claimed_at: null })
    .where('id', 'in', ids)
    .where('claimed_by', '=', worker)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Rows waiting to be sent (by the `outbox_due` index) and rows failed for good. */
export async function countOutbox(db: Kysely<Database>): Promise<{ pending: number; failed: number }> {
  const [pending, failed] = await Promise.all([
    db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('done_at', 'is', null)
      .executeTakeFirst(),
    db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('done_at', 'is not', null)
      .where('failed', '=', 1)
      .executeTakeFirst(),
  ]);
  return { pending: Number(pending?.n ?? 0), failed: Number(failed?.n ?? 0) };
}

/** Newest first, with the event each row announces. The status is derived from `done_at` and `failed`. */
export async function listDeliveries(db: Kysely<Database>, query: DeliveryQuery): Promise<DeliveryRecord[]> {
  let q = db
    .selectFrom('outbox')
    .innerJoin('events', 'events.id', 'outbox.event_id')
    .select([
      'outbox.id',
      'outbox.channel',
      'outbox.attempts',
      'outbox.next_attempt_at',
      'outbox.claimed_by',
      'outbox.done_at',
      'outbox.failed',
      'outbox.sent_at',
      'outbox.status_code',
      'outbox.response',
      'outbox.last_error',
      'outbox.held_reason',
      'events.id as event_id',
      'events.kind',
      'events.monitor_id',
      'events.at',
    ]);
  if (query.status === 'pending') q = q.where('outbox.done_at', 'is', null);
  if (query.status === 'sent') q = q.where('outbox.sent_at', 'is not', null);
  if (query.status === 'held') {
    q = q
      .where('outbox.done_at', 'is not', null)
      .where('outbox.sent_at', 'is', null)
      .where('outbox.failed', '=', 0);
  }
  if (query.status === 'failed') q = q.where('outbox.done_at', 'is not', null).where('outbox.failed', '=', 1);
  if (query.channel !== undefined) q = q.where('outbox.channel', '=', query.channel);
  if (query.monitorId !== undefined) q = q.where('events.monitor_id', '=', query.monitorId);
  if (query.beforeId !== undefined) q = q.where('outbox.id', '<', query.beforeId);
  const rows = await q
    .orderBy('outbox.id', 'desc')
    .limit(query.limit ?? 100)
    .execute();
  return rows.map((row) => {
    const done = row.done_at !== null;
    const status: DeliveryStatus = !done
      ? 'pending'
      : Number(row.failed) === 1
        ? 'failed'
        : row.sent_at === null
          ? 'held'
          : 'sent';
    return {
      id: Number(row.id),
      channel: row.channel,
      status,
      attempts: Number(row.attempts),
      nextAttemptAt: done ? null : Number(row.next_attempt_at),
      inFlight: !done && row.claimed_by !== null,
      sentAt: row.sent_at === null ? null : Number(row.sent_at),
      doneAt: done ? Number(row.done_at) : null,
      statusCode: row.status_code === null ? null : Number(row.status_code),
      response: row.response,
      lastError: row.last_error,
      heldReason: row.held_reason,
      event: {
        id: Number(row.event_id),
        kind: row.kind,
        monitorId: Number(row.monitor_id),
        at: Number(row.at),
      },
    };
  });
}

/** The event kinds that begin an unhealthy spell: what a release announces. */
export const OPENING_KINDS = ['down', 'degraded', 'heartbeat_missed', 'flapping_started'] as const;

export async function releaseHeld(
  db: Kysely<Database>,
  monitorId: number,
  since: Millis,
  now: Millis,
): Promise<number> {
  // Only the latest opening event that was held: a spell that went degraded, then down, is announced once,
  // as down, and a second release finds that one already out.
  const latest = await db
    .selectFrom('outbox')
    .innerJoin('events', 'events.id', 'outbox.event_id')
    .where('outbox.held_reason', 'is not', null)
    .select('events.id')
    .where('events.monitor_id', '=', monitorId)
    .where('events.at', '>=', since)
    .where('events.kind', 'in', OPENING_KINDS)
    .orderBy('events.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) return 0;
  const result = await db
    .updateTable('outbox')
    .set({ done_at: null, next_attempt_at: now })
    .where('event_id', '=', latest.id)
    .where('held_reason', 'is not', null)
    .where('done_at', 'is not', null)
    .where('sent_at', 'is', null)
    .where('failed', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** In chunks: a gateway may have thousands of dependents, past SQLite's parameter limit. */
const IDS_PER_QUERY = 5000;

export async function listHeldMonitors(
  db: Kysely<Database>,
  monitorIds: readonly number[],
  range: Range,
): Promise<number[]> {
  const held: number[] = [];
  for (let i = 0; i < monitorIds.length; i += IDS_PER_QUERY) {
    const rows = await db
      .selectFrom('outbox')
      .innerJoin('events', 'events.id', 'outbox.event_id')
      .where('outbox.held_reason', 'is not', null)
      .where('events.monitor_id', 'in', monitorIds.slice(i, i + IDS_PER_QUERY))
      .where('events.at', '>=', range.from)
      .where('events.at', '<=', range.to)
      .select('events.monitor_id')
      .distinct()
      .execute();
    held.push(...rows.map((r) => Number(r.monitor_id)));
  }
  return held;
}

/**
 * A spell is still held when the latest opening event it held was never released. Held rows are few (outages
 * during maintenance or behind a parent), so they are read and grouped here rather than in SQL.
 */
export async function listHeldSpells(db: Kysely<Database>): Promise<HeldSpell[]> {
  const rows = await db
    .selectFrom('outbox')
    .innerJoin('events', 'events.id', 'outbox.event_id')
    .innerJoin('monitor_state', 'monitor_state.monitor_id', 'events.monitor_id')
    .where('outbox.held_reason', 'is not', null)
    .where('monitor_state.status', 'in', ['down', 'degraded'])
    .whereRef('events.at', '>=', 'monitor_state.since')
    .where('events.kind', 'in', OPENING_KINDS)
    .select([
      'events.monitor_id',
      'events.id',
      'events.at',
      'outbox.held_reason',
      'outbox.done_at',
      'outbox.sent_at',
    ])
    .orderBy('events.id')
    .execute();
  const spells = new Map<number, HeldSpell & { latest: number; stillHeld: boolean }>();
  for (const row of rows) {
    const monitorId = Number(row.monitor_id);
    const held = row.done_at !== null && row.sent_at === null;
    const spell = spells.get(monitorId);
    if (!spell) {
      spells.set(monitorId, {
        monitorId,
        since: Number(row.at),
        reason: String(row.held_reason),
        latest: Number(row.id),
        stillHeld: held,
      });
    } else if (Number(row.id) !== spell.latest) {
      spell.latest = Number(row.id);
      spell.reason = String(row.held_reason);
      spell.stillHeld = held;
    } else {
      spell.stillHeld &&= held;
    }
  }
  return [...spells.values()]
    .filter((s) => s.stillHeld)
    .map(({ monitorId, since, reason }) => ({ monitorId, since, reason }));
}

export async function releaseAllClaims(db: Kysely<Database>): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ claimed_by: null, claimed_at: null })
    .where('done_at', 'is', null)
    .where('claimed_by', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
