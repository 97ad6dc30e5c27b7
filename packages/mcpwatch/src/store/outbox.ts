import type { Kysely } from 'kysely';
import { toEvent } from './row-mappers.js';
import type { Database } from './schema.js';
import type { ClaimOptions, FailOptions, Millis, OutboxItem } from './store.js';

/** 30 s, 1 min, 2 min … capped at one hour: a provider that is down is retried without being hammered. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/**
 * Claims due rows with one conditional UPDATE (healthchecks' `process_one_flip`): the outer WHERE repeats the
 * "unclaimed" test, so when two workers pick the same row the second one's re-check fails and it skips the row.
 * PostgreSQL adds `for update skip locked` so workers take different rows instead of waiting on each other.
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
    .returning(['id', 'event_id', 'channel', 'attempts'])
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
): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ done_at: now, claimed_by: null, claimed_at: null })
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
  const givenUp = attempts >= (options.maxAttempts ?? 10);
  const result = await db
    .updateTable('outbox')
    .set({
      attempts,
      next_attempt_at: now + backoffMs(attempts),
      claimed_by: null,
      claimed_at: null,
      last_error: error.slice(0, 1000),
      failed: givenUp ? 1 : 0,
      done_at: givenUp ? now : null,
    })
    .where('id', '=', id)
    .where('claimed_by', '=', worker)
    .where('attempts', '=', attempts - 1)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
