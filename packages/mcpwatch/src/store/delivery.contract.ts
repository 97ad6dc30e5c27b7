import { Migrator, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrationProvider } from './migrations.js';
import type { StoreHarness } from './store.contract.js';
import type { EventInput, Monitor, Store } from './store.js';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

/**
 * The outbox as delivery uses it (migration 0004) and the channels created through the API, run against every
 * dialect like the main contract: order per channel, explicit retry times, permanent failures, answers kept,
 * the delivery list, and one row per event and channel.
 */
export function deliveryContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`Delivery store contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: Store;
    let seq = 0;

    beforeEach(async () => {
      harness = await makeHarness();
      store = await harness.open();
    });
    afterEach(async () => {
      await store.close().catch(() => {});
      await harness.dispose();
    });

    const monitor = (): Promise<Monitor> =>
      store.createMonitor(
        {
          key: `d${++seq}`,
          name: 'Example',
          kind: 'mcp',
          target: 'https://mcp.example.com/mcp',
          config: {},
          source: 'api',
        },
        T0,
      );

    /** Events written one transaction each, in order, as checks write them; the monitor down since the first. */
    async function events(m: Monitor, list: EventInput[]): Promise<void> {
      const state = await store.getState(m.id);
      let version = state?.version ?? 0;
      const first = list[0]?.at;
      const since = state?.status === 'down' ? state.since : typeof first === 'number' ? first : T0;
      for (const event of list) {
        const at = typeof event.at === 'number' ? event.at : Date.parse(event.at);
        expect(
          await store.setState(m.id, version++, { status: 'down', since, lastCheckAt: at, data: {} }, [
            event,
          ]),
        ).toBe(true);
      }
    }

    const down = (i: number, channels: string[]): EventInput => ({
      kind: 'down',
      at: T0 + i,
      evidence: { i },
      channels,
    });

    it('hands out one row per channel at a time, in order: a row waiting for its retry holds back only its channel', async () => {
      const m = await monitor();
      await events(m, [down(1, ['a', 'b']), down(2, ['a', 'b']), down(3, ['a'])]);
      const now = T0 + MIN;

      const first = await store.claimOutbox('w1', now, { limit: 10 });
      expect(first.map((x) => [x.channel, x.event.evidence.i])).toEqual([
        ['a', 1],
        ['b', 1],
      ]);
      // Another worker gets nothing while the heads are out: not the later rows of either channel.
      expect(await store.claimOutbox('w2', now, { limit: 10 })).toEqual([]);
      const [a1, b1] = first as [(typeof first)[0], (typeof first)[0]];

      expect(await store.completeOutbox(b1.id, 'w1', now, { status: 200, response: 'ok' })).toBe(true);
      // The provider asked for two seconds: the row is due then, not at the backoff's 30 s, and not before.
      expect(
        await store.failOutbox(a1.id, 'w1', now, 'HTTP 429: slow down', {
          nextAttemptAt: now + 2000,
          status: 429,
        }),
      ).toBe(true);
      const b2 = await store.claimOutbox('w2', now + 1999, { limit: 10 });
      expect(b2.map((x) => [x.channel, x.event.evidence.i])).toEqual([['b', 2]]);
      expect(await store.claimOutbox('w2', now + 1999, { limit: 10 })).toEqual([]);
      const again = await store.claimOutbox('w2', now + 2000, { limit: 10 });
      expect(again.map((x) => [x.id, x.attempts])).toEqual([[a1.id, 1]]);

      // Refused for good: failed at once, however many attempts were allowed, and no longer holds the channel.
      expect(
        await store.failOutbox(a1.id, 'w2', now + 2000, 'HTTP 400: bad payload', {
          permanent: true,
          status: 400,
          maxAttempts: 100,
        }),
      ).toBe(true);
      const a2 = await store.claimOutbox('w3', now + 2000, { limit: 10 });
      expect(a2.map((x) => [x.channel, x.event.evidence.i])).toEqual([['a', 2]]);

      const rows = await store.listDeliveries({ limit: 10 });
      expect(rows.map((r) => [r.channel, r.status])).toEqual([
        ['a', 'pending'],
        ['b', 'pending'],
        ['a', 'pending'],
        ['b', 'sent'],
        ['a', 'failed'],
      ]);
      expect(await store.countOutbox()).toEqual({ pending: 3, failed: 1 });
      expect(rows.find((r) => r.id === a1.id)).toEqual({
        id: a1.id,
        channel: 'a',
        status: 'failed',
        attempts: 2,
        nextAttemptAt: null,
        inFlight: false,
        sentAt: null,
        doneAt: now + 2000,
        statusCode: 400,
        response: null,
        lastError: 'HTTP 400: bad payload',
        heldReason: null,
        event: { id: a1.event.id, kind: 'down', monitorId: m.id, at: T0 + 1 },
      });
      expect(rows.find((r) => r.id === b1.id)).toMatchObject({
        status: 'sent',
        sentAt: now,
        doneAt: now,
        statusCode: 200,
        response: 'ok',
        nextAttemptAt: null,
      });
      const pendingA2 = rows.find((r) => r.id === a2[0]?.id);
      expect(pendingA2).toMatchObject({ status: 'pending', inFlight: true, nextAttemptAt: T0 + 2 });
      const last = rows.find((r) => r.channel === 'a' && r.event.at === T0 + 3);
      expect(last).toMatchObject({ status: 'pending', inFlight: false, attempts: 0 });
    });

    it('filters and pages the delivery list', async () => {
      const m = await monitor();
      const other = await monitor();
      await events(m, [down(1, ['a', 'b']), down(2, ['a'])]);
      await events(other, [down(3, ['a'])]);
      const [a1] = await store.claimOutbox('w', T0 + MIN);
      if (!a1) throw new Error('nothing was claimed');
      await store.completeOutbox(a1.id, 'w', T0 + MIN);

      const all = await store.listDeliveries({});
      expect(all.map((r) => r.id)).toEqual([...all.map((r) => r.id)].sort((x, y) => y - x));
      expect(all).toHaveLength(4);
      expect((await store.listDeliveries({ channel: 'a' })).map((r) => r.channel)).toEqual(['a', 'a', 'a']);
      expect((await store.listDeliveries({ monitorId: other.id })).map((r) => r.event.monitorId)).toEqual([
        other.id,
      ]);
      expect((await store.listDeliveries({ status: 'sent' })).map((r) => r.id)).toEqual([a1.id]);
      expect(await store.listDeliveries({ status: 'failed' })).toEqual([]);
      expect(await store.listDeliveries({ status: 'pending' })).toHaveLength(3);
      expect(await store.countOutbox()).toEqual({ pending: 3, failed: 0 });
      const page = await store.listDeliveries({ limit: 2 });
      const next = await store.listDeliveries({ limit: 2, beforeId: page.at(-1)?.id as number });
      expect([...page, ...next].map((r) => r.id)).toEqual(all.map((r) => r.id));
    });

    it('queues an event once per channel, and gives back claimed rows untried', async () => {
      const m = await monitor();
      await events(m, [down(1, ['a', 'a', 'b'])]);
      const claimed = await store.claimOutbox('w', T0 + MIN);
      expect(claimed.map((x) => x.channel)).toEqual(['a', 'b']);
      expect(await store.releaseOutbox([], 'w')).toBe(0);
      expect(await store.releaseOutbox([claimed[0]?.id as number], 'someone-else')).toBe(0);
      expect(await store.releaseOutbox([claimed[0]?.id as number], 'w')).toBe(1);
      const retaken = await store.claimOutbox('w2', T0 + MIN);
      expect(retaken.map((x) => [x.id, x.attempts])).toEqual([[claimed[0]?.id, 0]]);
      // The database itself refuses a second row for one event and channel, whoever writes it.
      const { db } = await harness.raw();
      try {
        await expect(
          sql`insert into outbox (event_id, channel, attempts, next_attempt_at, failed)
            values (${claimed[0]?.event.id}, 'a', 0, ${T0}, 0)`.execute(db),
        ).rejects.toThrow();
      } finally {
        await db.destroy();
      }
    });

    it('writes held rows done and unsent, releases the latest opening event of a spell, and lists spells still held', async () => {
      const m = await monitor();
      const other = await monitor();
      const held = (i: number, kind: string, reason: string): EventInput => ({
        kind,
        at: T0 + i,
        evidence: { i },
        channels: ['a', 'b'],
        held: reason,
      });
      await events(m, [
        held(1, 'degraded', 'window'),
        held(2, 'down', 'window'),
        held(3, 'reminder', 'window'),
      ]);
      await events(other, [held(4, 'down', 'parent')]);
      // Held rows are never handed out, and hold back nothing behind them.
      await events(other, [down(5, ['a'])]);
      expect((await store.claimOutbox('w', T0 + MIN)).map((x) => x.event.evidence.i)).toEqual([5]);
      expect(await store.listDeliveries({ status: 'held' })).toHaveLength(8);
      expect((await store.listDeliveries({ status: 'held', monitorId: m.id }))[0]).toMatchObject({
        status: 'held',
        heldReason: 'window',
        sentAt: null,
        nextAttemptAt: null,
      });

      // Both monitors are down (the helper writes that state) and their held spells began at their first held event.
      expect((await store.listHeldSpells()).sort((x, y) => x.monitorId - y.monitorId)).toEqual([
        { monitorId: m.id, since: T0 + 1, reason: 'window' },
        { monitorId: other.id, since: T0 + 4, reason: 'parent' },
      ]);

      // Released: the down (the latest opening event, not the degraded before it nor the reminder after it).
      expect(await store.releaseHeld(m.id, T0 + 1, T0 + MIN)).toBe(2);
      const released = await store.claimOutbox('w2', T0 + MIN, { limit: 10 });
      expect(released.map((x) => [x.channel, x.event.kind, x.heldReason])).toEqual([
        ['a', 'down', 'window'],
        ['b', 'down', 'window'],
      ]);
      expect(await store.releaseHeld(m.id, T0 + 1, T0 + MIN)).toBe(0);
      // A spell released is no longer listed as held, though its degraded and reminder rows stay held on record.
      expect((await store.listHeldSpells()).map((s) => s.monitorId)).toEqual([other.id]);
      expect(await store.listDeliveries({ status: 'held', monitorId: m.id })).toHaveLength(4);
      // Nothing held at or after `since` for that monitor: nothing released.
      expect(await store.releaseHeld(other.id, T0 + 5, T0 + MIN)).toBe(0);
      // Who had alerts held in a range, released since or not: the summary a parent's recovery gives.
      const third = await monitor();
      const ids = [m.id, other.id, third.id];
      expect((await store.listHeldMonitors(ids, { from: T0, to: T0 + 10 })).sort()).toEqual(
        [m.id, other.id].sort(),
      );
      expect(await store.listHeldMonitors(ids, { from: T0 + 4, to: T0 + 10 })).toEqual([other.id]);
      expect(await store.listHeldMonitors([third.id], { from: T0, to: T0 + 10 })).toEqual([]);
    });

    it('gives back every claim at once, for the single process of a SQLite file restarting', async () => {
      const m = await monitor();
      await events(m, [down(1, ['a', 'b'])]);
      const claimed = await store.claimOutbox('crashed', T0 + MIN);
      expect(claimed).toHaveLength(2);
      await store.completeOutbox(claimed[0]?.id as number, 'crashed', T0 + MIN);
      // Within the lease nobody else may take the other row; after releaseAllClaims it is due at once.
      expect(await store.claimOutbox('next', T0 + MIN + 1)).toEqual([]);
      expect(await store.releaseAllClaims()).toBe(1);
      expect((await store.claimOutbox('next', T0 + MIN + 1)).map((x) => x.id)).toEqual([claimed[1]?.id]);
    });

    it('keeps one outbox row per event and channel when upgrading a database that queued one twice', async () => {
      const old = await makeHarness();
      try {
        const { db, schema } = await old.raw();
        const migrator = new Migrator({
          db,
          provider: migrationProvider,
          ...(schema !== undefined ? { migrationTableSchema: schema } : {}),
        });
        expect((await migrator.migrateTo('0003_compact_rollups')).error).toBeUndefined();
        const monitorId = Number(
          (
            await sql<{ id: number }>`insert into monitors
              (key, name, kind, target, config, source, enabled, created_at, updated_at)
              values ('old', 'Old', 'mcp', 'https://x', '{}', 'api', 1, ${T0}, ${T0}) returning id`.execute(
              db,
            )
          ).rows[0]?.id,
        );
        const eventId = Number(
          (
            await sql<{ id: number }>`insert into events (monitor_id, at, kind, evidence)
              values (${monitorId}, ${T0}, 'down', '{}') returning id`.execute(db)
          ).rows[0]?.id,
        );
        for (const channel of ['a', 'a', 'b']) {
          await sql`insert into outbox (event_id, channel, attempts, next_attempt_at, failed)
            values (${eventId}, ${channel}, 0, ${T0}, 0)`.execute(db);
        }
        await db.destroy();
        const upgraded = await old.open();
        try {
          const rows = await upgraded.listDeliveries({});
          expect(rows.map((r) => r.channel).sort()).toEqual(['a', 'b']);
        } finally {
          await upgraded.close();
        }
      } finally {
        await old.dispose();
      }
    });

    it('creates, lists, updates and deletes API channels, keeping ${NAME} references as written', async () => {
      const config = { url: '${HOOK_URL}', headers: { 'x-team': 'ops' } };
      const hook = await store.createChannel({ name: 'ops-hook', type: 'webhook', config }, T0);
      expect(hook).toMatchObject({ name: 'ops-hook', type: 'webhook', config, createdAt: T0, updatedAt: T0 });
      expect(
        await store.createChannel({ name: 'ops-hook', type: 'webhook', config: {} }, T0),
      ).toBeUndefined();
      await store.createChannel({ name: 'a-first', type: 'webhook', config: { url: 'https://x' } }, T0);
      expect((await store.listChannels()).map((c) => c.name)).toEqual(['a-first', 'ops-hook']);
      expect(await store.getChannel('ops-hook')).toEqual(hook);
      expect(await store.getChannel('nope')).toBeUndefined();

      const updated = await store.updateChannel(
        'ops-hook',
        { type: 'webhook', config: { url: '${OTHER}' } },
        T0 + DAY,
      );
      expect(updated).toMatchObject({ config: { url: '${OTHER}' }, createdAt: T0, updatedAt: T0 + DAY });
      expect(await store.updateChannel('nope', { type: 'webhook', config: {} }, T0)).toBeUndefined();
      expect(await store.deleteChannel('ops-hook')).toBe(true);
      expect(await store.deleteChannel('ops-hook')).toBe(false);
      expect((await store.listChannels()).map((c) => c.name)).toEqual(['a-first']);
    });
  });
}
