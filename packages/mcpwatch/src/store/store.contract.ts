import { type Kysely, Migrator, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bucketOf, HISTOGRAM_COLUMNS } from './latency-histogram.js';
import { migrationProvider } from './migrations.js';
import { backoffMs } from './outbox.js';
import type { CheckResult, EventInput, Monitor, NextState, Range, Role, Store, TokenScope } from './store.js';

/** One database for one test: `open` may be called again after `close` and must see the same data. */
export interface StoreHarness {
  open(): Promise<Store>;
  /**
   * The same database through Kysely alone, with no migration run, for tests of the upgrade path; `schema` is the
   * PostgreSQL schema it uses, which the migrator must be told.
   */
  raw(): Promise<{ db: Kysely<unknown>; schema?: string }>;
  dispose(): Promise<void>;
}

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** A fixed, day-aligned clock: 2026-11-01T00:00:00Z. */
const T0 = Date.UTC(2026, 10, 1);

function result(at: number, status: CheckResult['status'], durationMs: number): CheckResult {
  return {
    startedAt: at,
    status,
    durationMs,
    message: status === 'up' ? 'ok' : `it was ${status}`,
    ...(status !== 'up' && { reason: 'timeout' }),
    timings: { connect: durationMs / 4, handshake: durationMs / 2, tools: 0 },
  };
}

function state(status: NextState['status'], at: number, data: Record<string, unknown> = {}): NextState {
  return { status, since: at, lastCheckAt: at, data };
}

/** Deterministic pseudo-random numbers, so a failure reproduces. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Nearest-rank percentile, the definition the histogram approximates. */
function exactPercentile(sorted: number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}

export function storeContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
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

    const monitor = (over: Partial<Parameters<Store['createMonitor']>[0]> = {}): Promise<Monitor> =>
      store.createMonitor(
        {
          key: `m${++seq}`,
          name: 'Example',
          kind: 'mcp',
          target: 'https://mcp.example.com/mcp',
          config: { intervalSec: 60, consecutiveFails: 3 },
          source: 'api',
          ...over,
        },
        T0,
      );

    it('migrates an empty database and reopens it without migrating again', async () => {
      expect(await store.listMonitors()).toEqual([]);
      await store.close();
      store = await harness.open();
      expect(await store.listMonitors()).toEqual([]);
    });

    it('creates, reads, updates and deletes monitors; a new monitor starts pending at version 0', async () => {
      const m = await monitor({ key: 'files', source: 'file', enabled: false });
      expect(m).toMatchObject({ key: 'files', source: 'file', enabled: false, createdAt: T0, updatedAt: T0 });
      expect(m.config).toEqual({ intervalSec: 60, consecutiveFails: 3 });
      expect(await store.getMonitor(m.id)).toEqual(m);
      expect(await store.getMonitorByKey('files')).toEqual(m);
      expect(await store.getState(m.id)).toEqual({
        status: 'pending',
        since: T0,
        lastCheckAt: null,
        data: {},
        version: 0,
      });

      const updated = await store.updateMonitor(
        m.id,
        { name: 'Renamed', enabled: true, config: { a: 1 } },
        T0 + 5,
      );
      expect(updated).toMatchObject({ name: 'Renamed', enabled: true, config: { a: 1 }, updatedAt: T0 + 5 });
      expect(await store.updateMonitor(9999, { name: 'x' }, T0)).toBeUndefined();

      await expect(monitor({ key: 'files' })).rejects.toMatchObject({ code: 'monitor_key_taken' });
      const other = await monitor();
      expect((await store.listMonitors()).map((x) => x.id)).toEqual([m.id, other.id]);

      await store.recordCheck(m.id, result(T0, 'up', 10), 0, state('up', T0));
      expect(await store.deleteMonitor(m.id)).toBe(true);
      expect(await store.deleteMonitor(m.id)).toBe(false);
      expect(await store.getMonitor(m.id)).toBeUndefined();
      expect(await store.getState(m.id)).toBeUndefined();
      expect(await store.listResults(m.id, { from: 0, to: T0 + DAY })).toEqual([]);
    });

    it('records a check with its rollups, state, events, outbox rows and incident in one write', async () => {
      const m = await monitor();
      const at = T0 + 90 * MIN + 5_000;
      const events: EventInput[] = [
        { kind: 'down', at, evidence: { reason: 'timeout' }, channels: ['slack', 'email'] },
        { kind: 'incident_opened', at, evidence: { cause: 'timeout' } },
      ];
      const ok = await store.recordCheck(
        m.id,
        result(at, 'down', 5000),
        0,
        state('down', at, { fails: 3 }),
        events,
      );
      expect(ok).toBe(true);

      const [raw] = await store.listResults(m.id, { from: T0, to: T0 + DAY });
      expect(raw).toMatchObject({ monitorId: m.id, at, status: 'down', reason: 'timeout', durationMs: 5000 });
      expect(raw?.timings).toEqual({ connect: 1250, handshake: 2500 });
      expect(await store.getState(m.id)).toEqual({ ...state('down', at, { fails: 3 }), version: 1 });
      for (const range of [
        { from: T0 + 90 * MIN, to: T0 + 91 * MIN },
        { from: T0, to: T0 + 12 * HOUR },
        { from: T0, to: T0 + 30 * DAY },
      ]) {
        const u = await store.uptime(m.id, range);
        expect(u).toMatchObject({ checks: 1, up: 0, degraded: 0, down: 1, uptime: 0 });
        expect(u.latency).toMatchObject({ count: 1, minMs: 5000, maxMs: 5000, p99Ms: 5000 });
      }
      const stored = await store.listEvents({ monitorId: m.id });
      expect(stored.map((e) => e.kind).sort()).toEqual(['down', 'incident_opened']);
      const incidents = await store.listIncidents({ monitorId: m.id, open: true });
      expect(incidents).toHaveLength(1);
      expect(incidents[0]).toMatchObject({ openedAt: at, cause: 'timeout', resolvedAt: null });
      const claimed = await store.claimOutbox('w1', at);
      expect(claimed.map((c) => c.channel).sort()).toEqual(['email', 'slack']);
      expect(claimed[0]?.event).toMatchObject({
        kind: 'down',
        evidence: { reason: 'timeout' },
        monitorId: m.id,
      });
    });

    it('rolls back everything when any insert of a check fails', async () => {
      const m = await monitor();
      const at = T0 + HOUR;
      const bad = [
        { kind: 'down', at, evidence: {}, channels: ['slack'] },
        { kind: null as unknown as string, at, evidence: {} },
      ];
      await expect(
        store.recordCheck(m.id, result(at, 'down', 100), 0, state('down', at), bad),
      ).rejects.toThrow();
      expect(await store.listResults(m.id, { from: 0, to: T0 + DAY })).toEqual([]);
      expect((await store.uptime(m.id, { from: T0, to: T0 + DAY })).checks).toBe(0);
      expect((await store.uptime(m.id, { from: T0 + HOUR, to: T0 + HOUR + MIN })).checks).toBe(0);
      expect(await store.getState(m.id)).toMatchObject({ status: 'pending', version: 0 });
      expect(await store.listEvents({ monitorId: m.id })).toEqual([]);
      expect(await store.claimOutbox('w', at + DAY)).toEqual([]);
    });

    it('lets one of two writers holding the same state version win, and the loser writes nothing', async () => {
      const m = await monitor();
      const at = T0 + HOUR;
      const outcomes = await Promise.all([
        store.recordCheck(m.id, result(at, 'up', 10), 0, state('up', at, { writer: 'a' }), [
          { kind: 'recovered', at, evidence: { writer: 'a' } },
        ]),
        store.recordCheck(m.id, result(at + 1, 'down', 20), 0, state('down', at + 1, { writer: 'b' }), [
          { kind: 'down', at: at + 1, evidence: { writer: 'b' } },
        ]),
      ]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const winner = outcomes[0] ? 'a' : 'b';
      const s = await store.getState(m.id);
      expect(s).toMatchObject({ version: 1, data: { writer: winner } });
      expect(await store.listResults(m.id, { from: 0, to: T0 + DAY })).toHaveLength(1);
      expect((await store.uptime(m.id, { from: T0, to: T0 + DAY })).checks).toBe(1);
      const events = await store.listEvents({ monitorId: m.id });
      expect(events.map((e) => e.evidence.writer)).toEqual([winner]);

      expect(await store.setState(m.id, 0, state('paused', at + 2))).toBe(false);
      expect(
        await store.setState(m.id, 1, state('paused', at + 2), [
          { kind: 'paused', at: at + 2, evidence: {} },
        ]),
      ).toBe(true);
      expect(await store.getState(m.id)).toMatchObject({ status: 'paused', version: 2 });
    });

    it('keeps rollups whose counts, uptime and percentiles match a brute-force pass over the raw results', async () => {
      const a = await monitor();
      const b = await monitor();
      const random = prng(42);
      type Raw = { monitorId: number; at: number; status: CheckResult['status']; durationMs: number };
      const raws: Raw[] = [];
      for (const m of [a, b]) {
        // Three days at one check every 97 s with some jitter: buckets of every size fill unevenly.
        for (let at = T0 + 13_000; at < T0 + 3 * DAY; at += 97_000) {
          const r = random();
          const status = r < 0.05 ? 'down' : r < 0.1 ? 'degraded' : 'up';
          const durationMs =
            Math.round((20 + 400 * random() ** 3 + (status === 'down' ? 3000 : 0)) * 10) / 10;
          raws.push({ monitorId: m.id, at: at + Math.floor(random() * 1000), status, durationMs });
        }
      }
      // Most arrive in batches, some through recordCheck: both paths feed the same rollups.
      const viaCheck = raws.filter((_, i) => i % 50 === 0);
      const viaBatch = raws.filter((_, i) => i % 50 !== 0);
      for (let i = 0; i < viaBatch.length; i += 1000) {
        await store.recordResults(
          viaBatch
            .slice(i, i + 1000)
            .map((r) => ({ monitorId: r.monitorId, result: result(r.at, r.status, r.durationMs) })),
        );
      }
      const versions = new Map<number, number>();
      for (const r of viaCheck) {
        const v = versions.get(r.monitorId) ?? 0;
        expect(
          await store.recordCheck(
            r.monitorId,
            result(r.at, r.status, r.durationMs),
            v,
            state(r.status, r.at),
          ),
        ).toBe(true);
        versions.set(r.monitorId, v + 1);
      }

      const windows = [
        { from: T0 + 2 * HOUR, to: T0 + 2 * HOUR + 45 * MIN }, // minutes
        { from: T0 + 5 * HOUR, to: T0 + 29 * HOUR }, // hours
        { from: T0, to: T0 + 3 * DAY }, // hours, whole range
        { from: T0 - DAY, to: T0 + 20 * DAY }, // days
      ];
      for (const m of [a, b]) {
        for (const w of windows) {
          const inside = raws.filter((r) => r.monitorId === m.id && r.at >= w.from && r.at < w.to);
          const u = await store.uptime(m.id, w);
          expect({ from: u.from, to: u.to }).toEqual(w);
          expect(u.checks).toBe(inside.length);
          expect(u.up).toBe(inside.filter((r) => r.status === 'up').length);
          expect(u.degraded).toBe(inside.filter((r) => r.status === 'degraded').length);
          expect(u.down).toBe(inside.filter((r) => r.status === 'down').length);
          expect(u.uptime).toBeCloseTo((u.up + u.degraded) / inside.length, 12);
          const sorted = inside.map((r) => r.durationMs).sort((x, y) => x - y);
          expect(u.latency.minMs).toBe(sorted[0]);
          expect(u.latency.maxMs).toBe(sorted.at(-1));
          expect(u.latency.meanMs).toBeCloseTo(sorted.reduce((s, x) => s + x, 0) / sorted.length, 6);
          for (const [q, got] of [
            [0.5, u.latency.p50Ms],
            [0.95, u.latency.p95Ms],
            [0.99, u.latency.p99Ms],
          ] as const) {
            const exact = exactPercentile(sorted, q);
            // Three buckets per doubling: the reported value sits within a bucket's width of the truth.
            expect(Math.abs((got as number) - exact) / exact).toBeLessThanOrEqual(2 ** (1 / 3) - 1);
          }
        }
      }

      const series = await store.uptimeSeries(a.id, { from: T0, to: T0 + DAY }, 'hour');
      expect(series).toHaveLength(24);
      expect(series.reduce((s, p) => s + p.checks, 0)).toBe(
        raws.filter((r) => r.monitorId === a.id && r.at < T0 + DAY).length,
      );
      // Minute rows of a few monitors are read bucket by bucket, of a long range by a scan: the same points.
      const fewBuckets = await store.uptimeSeries(a.id, { from: T0, to: T0 + 3 * DAY }, 'minute');
      const scanned = await store.uptimeSeries(a.id, { from: T0 - 30 * DAY, to: T0 + 3 * DAY }, 'minute');
      expect(scanned).toEqual(fewBuckets);
      expect(fewBuckets.reduce((s, p) => s + p.checks, 0)).toBe(
        raws.filter((r) => r.monitorId === a.id).length,
      );

      const empty = await monitor();
      const many = await store.uptimeFor([a.id, b.id, empty.id], windows);
      expect(many.get(empty.id)?.map((u) => u.checks)).toEqual([0, 0, 0, 0]);
      expect(many.get(empty.id)?.[0]?.uptime).toBeNull();
      for (const m of [a, b]) {
        for (const [i, w] of windows.entries()) {
          expect(many.get(m.id)?.[i]).toEqual(await store.uptime(m.id, w));
        }
      }
    });

    it('opens one incident per outage however often it is announced, and resolves, acknowledges and notes it', async () => {
      const m = await monitor();
      let v = 0;
      for (const [i, kind] of ['incident_opened', 'incident_opened', 'incident_resolved'].entries()) {
        const at = T0 + i * MIN;
        expect(
          await store.setState(m.id, v++, state('down', at), [{ kind, at, evidence: { reason: 'timeout' } }]),
        ).toBe(true);
      }
      // The state machine's form: a flag on the status event, ISO times, a structured cause.
      const down = new Date(T0 + 10 * MIN).toISOString();
      const cause = { status: 'down', reason: 'connect_refused', message: 'refused' };
      expect(
        await store.setState(m.id, v++, state('down', T0 + 10 * MIN), [
          {
            kind: 'down',
            at: down,
            from: 'up',
            to: 'down',
            incident: 'opened',
            evidence: { cause, failures: 3 },
          },
        ]),
      ).toBe(true);
      const [flagged] = await store.listEvents({ monitorId: m.id, limit: 1 });
      expect(flagged).toMatchObject({ at: T0 + 10 * MIN, from: 'up', to: 'down', incident: 'opened' });
      expect(await store.listIncidents({ monitorId: m.id, open: true })).toMatchObject([
        { openedAt: T0 + 10 * MIN, cause: 'connect_refused' },
      ]);
      expect(
        await store.setState(m.id, v++, state('up', T0 + 20 * MIN), [
          { kind: 'recovered', at: T0 + 20 * MIN, incident: 'resolved', evidence: {} },
        ]),
      ).toBe(true);
      expect(await store.listIncidents({ monitorId: m.id, open: true })).toEqual([]);

      const incident = (await store.listIncidents({ monitorId: m.id })).at(-1);
      expect(await store.listIncidents({ monitorId: m.id })).toHaveLength(2);
      expect(incident).toMatchObject({ openedAt: T0, resolvedAt: T0 + 2 * MIN, cause: 'timeout' });
      const id = incident?.id as number;
      expect(await store.acknowledgeIncident(id, 'ada', T0 + 3 * MIN)).toBe(true);
      expect(await store.acknowledgeIncident(id, 'bob', T0 + 4 * MIN)).toBe(false);
      expect(await store.setIncidentNote(id, 'upstream DNS')).toBe(true);
      expect(await store.getIncident(id)).toMatchObject({
        acknowledgedBy: 'ada',
        acknowledgedAt: T0 + 3 * MIN,
        note: 'upstream DNS',
      });
      expect(await store.listIncidents({ open: true })).toEqual([]);

      const kinds = await store.listEvents({ monitorId: m.id, kinds: ['incident_resolved'] });
      expect(kinds.map((e) => e.kind)).toEqual(['incident_resolved']);
      const page1 = await store.listEvents({ monitorId: m.id, limit: 3 });
      const page2 = await store.listEvents({ monitorId: m.id, limit: 3, beforeId: page1.at(-1)?.id });
      expect([...page1, ...page2].map((e) => e.at)).toEqual([
        T0 + 20 * MIN,
        T0 + 10 * MIN,
        T0 + 2 * MIN,
        T0 + MIN,
        T0,
      ]);
      expect(await store.listEvents({ from: T0 + MIN, to: T0 + 2 * MIN })).toHaveLength(1);
    });

    it('stores each tool list once per hash', async () => {
      const tools = [{ name: 'search', description: 'Search things', inputSchema: { type: 'object' } }];
      await store.putToolSnapshot('abc', tools, T0);
      await store.putToolSnapshot('abc', [{ name: 'other' }], T0 + 1);
      expect(await store.getToolSnapshot('abc')).toEqual(tools);
      expect(await store.getToolSnapshot('missing')).toBeUndefined();
    });

    it('never lets two workers claim the same outbox row, retries with backoff and takes back expired claims', async () => {
      const m = await monitor();
      // One channel each: a channel's rows are handed out one at a time, in order (delivery.contract.ts).
      const events: EventInput[] = Array.from({ length: 30 }, (_, i) => ({
        kind: 'down',
        at: T0 + i,
        evidence: { i },
        channels: [`webhook-${i}`],
      }));
      await store.setState(m.id, 0, state('down', T0), events);
      const now = T0 + MIN;
      const [one, two] = await Promise.all([
        store.claimOutbox('worker-1', now, { limit: 20 }),
        store.claimOutbox('worker-2', now, { limit: 20 }),
      ]);
      const ids1 = one?.map((x) => x.id) ?? [];
      const ids2 = two?.map((x) => x.id) ?? [];
      expect(ids1.filter((id) => ids2.includes(id))).toEqual([]);
      const rest = await store.claimOutbox('worker-3', now, { limit: 100 });
      expect(ids1.length + ids2.length + rest.length).toBe(30);

      const item = one?.[0] ?? two?.[0];
      if (!item) throw new Error('no row was claimed');
      const owner = item.claimedBy;
      expect(await store.completeOutbox(item.id, 'someone-else', now)).toBe(false);
      expect(await store.failOutbox(item.id, owner, now, 'HTTP 503')).toBe(true);
      expect(await store.failOutbox(item.id, owner, now, 'HTTP 503')).toBe(false);
      expect(await store.claimOutbox('worker-1', now + backoffMs(1) - 1)).toEqual([]);
      const retried = await store.claimOutbox('worker-1', now + backoffMs(1));
      expect(retried.map((x) => [x.id, x.attempts])).toEqual([[item.id, 1]]);
      expect(await store.completeOutbox(item.id, 'worker-1', now + backoffMs(1))).toBe(true);
      expect(await store.completeOutbox(item.id, 'worker-1', now + backoffMs(1))).toBe(false);

      // A worker that crashed holding rows loses them once the lease runs out.
      const later = now + 10 * MIN;
      const taken = await store.claimOutbox('worker-4', later, { leaseMs: 5 * MIN, limit: 100 });
      expect(taken).toHaveLength(29);
      expect(await store.completeOutbox(rest[0]?.id as number, 'worker-3', later)).toBe(false);

      // A row that keeps failing is given up on after maxAttempts and never claimed again.
      const last = taken[0];
      if (!last) throw new Error('no row was claimed');
      expect(await store.failOutbox(last.id, 'worker-4', later, 'gone', { maxAttempts: 1 })).toBe(true);
      const afterwards = await store.claimOutbox('worker-5', later + DAY, { limit: 100 });
      expect(afterwards.map((x) => x.id)).not.toContain(last.id);
    });

    it('finds heartbeats past their deadline and moves a deadline only once per observed value', async () => {
      const m = await monitor({ kind: 'heartbeat' });
      await store.setHeartbeat({
        tokenHash: 'h1',
        monitorId: m.id,
        lastPingAt: null,
        deadlineAt: T0 + 10 * MIN,
      });
      await store.setHeartbeat({
        tokenHash: 'h2',
        monitorId: m.id,
        lastPingAt: T0,
        deadlineAt: T0 + 5 * MIN,
      });
      await store.setHeartbeat({ tokenHash: 'h3', monitorId: m.id, lastPingAt: T0, deadlineAt: null });
      expect((await store.heartbeatsDue(T0 + 6 * MIN)).map((h) => h.tokenHash)).toEqual(['h2']);
      expect((await store.heartbeatsDue(T0 + 11 * MIN)).map((h) => h.tokenHash)).toEqual(['h2', 'h1']);

      expect(await store.pingHeartbeat('h2', T0 + 4 * MIN, T0 + 20 * MIN)).toEqual({
        tokenHash: 'h2',
        monitorId: m.id,
        lastPingAt: T0 + 4 * MIN,
        deadlineAt: T0 + 20 * MIN,
      });
      expect(await store.pingHeartbeat('unknown', T0, T0)).toBeUndefined();
      expect((await store.heartbeatsDue(T0 + 11 * MIN)).map((h) => h.tokenHash)).toEqual(['h1']);

      const race = await Promise.all([
        store.advanceHeartbeat('h1', T0 + 10 * MIN, T0 + 70 * MIN),
        store.advanceHeartbeat('h1', T0 + 10 * MIN, T0 + 70 * MIN),
      ]);
      expect(race.filter(Boolean)).toHaveLength(1);
      expect(await store.getHeartbeat('h1')).toMatchObject({ deadlineAt: T0 + 70 * MIN });

      // Revoking keeps the one named and leaves other monitors' tokens alone.
      const other = await monitor({ kind: 'heartbeat' });
      await store.setHeartbeat({ tokenHash: 'o1', monitorId: other.id, lastPingAt: null, deadlineAt: null });
      expect(await store.revokeHeartbeats(m.id, 'h2')).toBe(2);
      expect(await store.getHeartbeat('h1')).toBeUndefined();
      expect(await store.getHeartbeat('h2')).toMatchObject({ monitorId: m.id });
      expect(await store.revokeHeartbeats(m.id)).toBe(1);
      expect(await store.getHeartbeat('o1')).toMatchObject({ monitorId: other.id });
    });

    it('upgrades rollups written by the 0001 layout to the same uptime, latency and percentiles, and keeps adding to them', async () => {
      // A second database, taken only to 0002_auth, written the way that release wrote (one column per bucket).
      const old = await makeHarness();
      try {
        const { db, schema } = await old.raw();
        const migrator = new Migrator({
          db,
          provider: migrationProvider,
          ...(schema !== undefined ? { migrationTableSchema: schema } : {}),
        });
        const migrated = await migrator.migrateTo('0002_auth');
        expect(migrated.error).toBeUndefined();
        const random = prng(7);
        const raws: { at: number; status: CheckResult['status']; durationMs: number }[] = [];
        for (let at = T0 + 7_000; at < T0 + 2 * DAY; at += 173_000) {
          const r = random();
          const status = r < 0.05 ? 'down' : r < 0.1 ? 'degraded' : 'up';
          // Tenths of a millisecond, as 0001 kept them in doubles; the extremes reach the first and last buckets.
          const durationMs =
            r < 0.01 ? 0.4 : r > 0.995 ? 90_000 : Math.round((5 + 900 * random() ** 3) * 10) / 10;
          raws.push({ at, status, durationMs });
        }
        const inserted = await sql<{ id: number }>`insert into monitors
            (key, name, kind, target, config, source, enabled, created_at, updated_at)
          values ('old', 'Old', 'mcp', 'https://mcp.example.com/mcp', '{}', 'api', 1, ${T0}, ${T0}) returning id`.execute(
          db,
        );
        const oldId = Number(inserted.rows[0]?.id);
        for (const [table, size] of [
          ['rollup_minute', MIN],
          ['rollup_hour', HOUR],
          ['rollup_day', DAY],
        ] as const) {
          const rows = new Map<number, number[]>();
          for (const r of raws) {
            const start = Math.floor(r.at / size) * size;
            const row = rows.get(start) ?? [
              0,
              0,
              0,
              0,
              0,
              Infinity,
              -Infinity,
              ...HISTOGRAM_COLUMNS.map(() => 0),
            ];
            row[0] = (row[0] as number) + 1;
            const at = { up: 1, degraded: 2, down: 3 }[r.status];
            row[at] = (row[at] as number) + 1;
            row[4] = (row[4] as number) + r.durationMs;
            row[5] = Math.min(row[5] as number, r.durationMs);
            row[6] = Math.max(row[6] as number, r.durationMs);
            const bucket = 7 + bucketOf(r.durationMs);
            row[bucket] = (row[bucket] as number) + 1;
            rows.set(start, row);
          }
          const columns = [
            'checks',
            'ups',
            'degraded',
            'downs',
            'duration_sum',
            'duration_min',
            'duration_max',
          ];
          for (const [start, row] of rows) {
            await sql`insert into ${sql.table(table)} (monitor_id, bucket_start, ${sql.raw([...columns, ...HISTOGRAM_COLUMNS].join(', '))})
              values (${oldId}, ${start}, ${sql.join(row)})`.execute(db);
          }
        }
        await db.destroy();

        const upgraded = await old.open();
        try {
          // The reference: the same results written by this release into the store of this test.
          const m = await monitor();
          await store.recordResults(
            raws.map((r) => ({ monitorId: m.id, result: result(r.at, r.status, r.durationMs) })),
          );
          const windows = [
            { from: T0 + 3 * HOUR, to: T0 + 5 * HOUR }, // minutes
            { from: T0 + HOUR, to: T0 + 40 * HOUR }, // hours
            { from: T0 - DAY, to: T0 + 30 * DAY }, // days
          ];
          const compare = async () => {
            for (const w of windows) {
              const got = await upgraded.uptime(oldId, w);
              expect(got).toEqual(await store.uptime(m.id, w));
              const inside = raws.filter((r) => r.at >= w.from && r.at < w.to);
              expect(got.checks).toBe(inside.length);
              const sorted = inside.map((r) => r.durationMs).sort((x, y) => x - y);
              expect(got.latency.minMs).toBe(sorted[0]);
              expect(got.latency.maxMs).toBe(sorted.at(-1));
              const exact = exactPercentile(sorted, 0.95);
              expect(Math.abs((got.latency.p95Ms as number) - exact) / exact).toBeLessThanOrEqual(
                2 ** (1 / 3) - 1,
              );
            }
            const series = { from: T0, to: T0 + DAY };
            expect(await upgraded.uptimeSeries(oldId, series, 'hour')).toEqual(
              await store.uptimeSeries(m.id, series, 'hour'),
            );
          };
          await compare();
          expect((await upgraded.uptime(oldId, windows[2] as Range)).latency.count).toBe(raws.length);

          // New results fold into the converted rows: the upsert adds to their histograms.
          const more = [
            { at: T0 + 3 * HOUR + 30_000, status: 'up', durationMs: 0.2 },
            { at: T0 + 20 * HOUR + 1, status: 'down', durationMs: 120_000 },
            { at: T0 + 20 * HOUR + 2, status: 'up', durationMs: 33.3 },
          ] as const;
          raws.push(...more);
          for (const [s, id] of [
            [upgraded, oldId],
            [store, m.id],
          ] as const) {
            await s.recordResults(
              more.map((r) => ({ monitorId: id, result: result(r.at, r.status, r.durationMs) })),
            );
          }
          await compare();
        } finally {
          await upgraded.close();
        }
      } finally {
        await old.dispose();
      }
    });

    it('prunes raw results and minute rollups past retention in chunks, keeping hour and day rollups', async () => {
      const m = await monitor();
      const now = T0 + 30 * DAY;
      const old = Array.from({ length: 12_000 }, (_, i) => ({
        monitorId: m.id,
        result: result(now - 10 * DAY + i * 10_000, 'up', 10 + (i % 7)),
      }));
      const recent = Array.from({ length: 100 }, (_, i) => ({
        monitorId: m.id,
        result: result(now - DAY + i * MIN, i % 10 === 0 ? 'down' : 'up', 50),
      }));
      await store.recordResults(old);
      await store.recordResults(recent);
      await store.claimOutbox('w', now); // nothing to claim; prune must cope with an empty outbox
      const traffic = (from: number) => ({
        version: 1 as const,
        server: 's',
        from,
        to: from + MIN,
        requests: 1,
        errors: 0,
        tools: [
          { name: 'search', calls: 1, errors: 0, durationMsSum: 5, durationMsMax: 5, durationMsP50: 5 },
        ],
      });
      await store.addTraffic(m.id, traffic(now - 10 * DAY));
      await store.addTraffic(m.id, traffic(now - DAY));

      const before = await store.uptime(m.id, { from: now - 20 * DAY, to: now });
      const report = await store.prune(now, { rawDays: 7 });
      expect(report.results).toBe(12_000);
      expect(report.minuteRollups).toBeGreaterThan(0);
      expect(report.hourRollups).toBe(0);
      expect(report.traffic).toBe(1);
      expect((await store.listTraffic(m.id, { from: 0, to: now })).map((r) => r.from)).toEqual([now - DAY]);
      expect(await store.listResults(m.id, { from: 0, to: now }, 10_000)).toHaveLength(100);
      expect(await store.uptimeSeries(m.id, { from: now - 10 * DAY, to: now - 9 * DAY }, 'minute')).toEqual(
        [],
      );
      // A short window past raw retention is answered from hours, not as "no checks".
      const hourAgo = { from: now - 10 * DAY + HOUR, to: now - 10 * DAY + 2 * HOUR };
      expect(await store.uptime(m.id, hourAgo)).toMatchObject({ granularity: 'hour', checks: 360 });
      expect((await store.uptimeFor([m.id], [hourAgo])).get(m.id)?.[0]).toMatchObject({ checks: 360 });
      expect(await store.uptime(m.id, { from: now - 20 * DAY, to: now })).toEqual(before);
      expect(before.checks).toBe(12_100);
      expect(await store.prune(now, { rawDays: 7 })).toEqual({
        results: 0,
        minuteRollups: 0,
        hourRollups: 0,
        traffic: 0,
        outbox: 0,
      });
    });

    const user = async (name: string, role: Role = 'viewer') => {
      const created = await store.createUser({ name, passwordHash: `hash-of-${name}`, role }, T0);
      if (!created) throw new Error(`user ${name} exists`);
      return created;
    };

    it('creates users with unique names, finds them by id and name, and changes their role and password', async () => {
      const ada = await user('ada', 'admin');
      expect(ada).toEqual({ id: ada.id, name: 'ada', role: 'admin', createdAt: T0, updatedAt: T0 });
      expect(ada).not.toHaveProperty('passwordHash');
      expect(await store.createUser({ name: 'ada', passwordHash: 'x', role: 'viewer' }, T0)).toBeUndefined();
      const bob = await user('bob', 'editor');
      expect(await store.getUser(bob.id)).toEqual(bob);
      expect(await store.getUser(9999)).toBeUndefined();
      expect(await store.getUserByName('bob')).toEqual({ ...bob, passwordHash: 'hash-of-bob' });
      expect(await store.getUserByName('nobody')).toBeUndefined();
      expect((await store.listUsers()).map((u) => u.name)).toEqual(['ada', 'bob']);
      expect(await store.countUsers()).toBe(2);
      expect(await store.countUsers('admin')).toBe(1);

      expect(await store.updateUser(bob.id, { role: 'viewer', passwordHash: 'new' }, T0 + 5)).toEqual({
        ...bob,
        role: 'viewer',
        updatedAt: T0 + 5,
      });
      expect((await store.getUserByName('bob'))?.passwordHash).toBe('new');
      expect(await store.updateUser(9999, { passwordHash: 'x' }, T0)).toBe('not_found');
      expect(await store.updateUser(9999, { role: 'viewer' }, T0)).toBe('not_found');
      await expect(
        store.createUser({ name: 'eve', passwordHash: 'x', role: 'root' as Role }, T0),
      ).rejects.toThrow();
    });

    it('never lets the last admin be demoted or deleted, even by two admins demoting each other at once', async () => {
      const ada = await user('ada', 'admin');
      const bob = await user('bob', 'admin');
      const outcomes = await Promise.all([
        store.updateUser(ada.id, { role: 'viewer' }, T0 + 1),
        store.updateUser(bob.id, { role: 'editor' }, T0 + 1),
      ]);
      expect(outcomes.filter((o) => o === 'last_admin')).toHaveLength(1);
      expect(await store.countUsers('admin')).toBe(1);
      const [admin] = (await store.listUsers()).filter((u) => u.role === 'admin');
      if (!admin) throw new Error('no admin left');
      expect(await store.deleteUser(admin.id)).toBe('last_admin');
      expect(await store.updateUser(admin.id, { role: 'viewer' }, T0 + 2)).toBe('last_admin');
      expect(await store.updateUser(admin.id, { passwordHash: 'p' }, T0 + 2)).toMatchObject({
        role: 'admin',
      });
      expect(await store.deleteUser(9999)).toBe('not_found');

      const other = admin.id === ada.id ? bob : ada;
      expect(await store.deleteUser(other.id)).toBe(true);
      expect(await store.deleteUser(other.id)).toBe('not_found');

      const [c, d] = [await user('carol', 'admin'), await user('dan', 'admin')];
      const deletions = await Promise.all([
        store.deleteUser(c.id),
        store.deleteUser(d.id),
        store.deleteUser(admin.id),
      ]);
      expect(deletions.filter((o) => o === true)).toHaveLength(2);
      expect(await store.countUsers('admin')).toBe(1);
    });

    it('finds a session by its hash until it expires, slides it, and ends it alone, by user, or when expired', async () => {
      const ada = await user('ada');
      const bob = await user('bob');
      const session = (idHash: string, userId: number, expiresAt: number) =>
        store.createSession({ idHash, userId, createdAt: T0, expiresAt, lastSeenAt: T0 });
      await session('s1', ada.id, T0 + HOUR);
      await session('s2', ada.id, T0 + DAY);
      await session('s3', bob.id, T0 + 2 * HOUR);
      await expect(session('s1', bob.id, T0 + HOUR)).rejects.toThrow();

      expect(await store.getSession('s1', T0 + MIN)).toEqual({
        session: { idHash: 's1', userId: ada.id, createdAt: T0, expiresAt: T0 + HOUR, lastSeenAt: T0 },
        user: ada,
      });
      expect(await store.getSession('s1', T0 + HOUR)).toBeUndefined();
      expect(await store.getSession('missing', T0)).toBeUndefined();

      expect(await store.touchSession('s1', T0 + 30 * MIN, T0 + 2 * HOUR)).toBe(true);
      expect(await store.getSession('s1', T0 + HOUR)).toMatchObject({
        session: { lastSeenAt: T0 + 30 * MIN, expiresAt: T0 + 2 * HOUR },
      });
      expect(await store.touchSession('missing', T0, T0)).toBe(false);

      // The session reflects the user as they are now: a demotion applies to open sessions at once.
      await store.updateUser(ada.id, { role: 'editor' }, T0 + 1);
      expect((await store.getSession('s2', T0))?.user.role).toBe('editor');

      expect(await store.deleteExpiredSessions(T0 + 2 * HOUR)).toBe(2);
      expect(await store.getSession('s2', T0 + 2 * HOUR)).toBeDefined();
      await session('s4', ada.id, T0 + DAY);
      expect(await store.deleteUserSessions(ada.id, 's4')).toBe(1);
      expect(await store.getSession('s4', T0)).toBeDefined();
      expect(await store.deleteSession('s4')).toBe(true);
      expect(await store.deleteSession('s4')).toBe(false);

      await session('s5', bob.id, T0 + DAY);
      expect(await store.deleteUser(bob.id)).toBe(true);
      expect(await store.getSession('s5', T0)).toBeUndefined();
    });

    it("finds API tokens by hash until they expire, lists them per user, and deletes only the owner's", async () => {
      const ada = await user('ada', 'admin');
      const bob = await user('bob');
      const forever = await store.createApiToken(
        { name: 'ci', tokenHash: 'th1', userId: ada.id, scope: 'write', expiresAt: null },
        T0,
      );
      expect(forever).toEqual({
        id: forever.id,
        name: 'ci',
        userId: ada.id,
        scope: 'write',
        createdAt: T0,
        lastUsedAt: null,
        expiresAt: null,
      });
      expect(forever).not.toHaveProperty('tokenHash');
      const brief = await store.createApiToken(
        { name: 'grafana', tokenHash: 'th2', userId: bob.id, scope: 'read', expiresAt: T0 + DAY },
        T0,
      );
      await expect(
        store.createApiToken(
          { name: 'dup', tokenHash: 'th1', userId: bob.id, scope: 'read', expiresAt: null },
          T0,
        ),
      ).rejects.toThrow();
      await expect(
        store.createApiToken(
          { name: 'bad', tokenHash: 'th3', userId: bob.id, scope: 'admin' as TokenScope, expiresAt: null },
          T0,
        ),
      ).rejects.toThrow();

      expect(await store.getApiTokenByHash('th1', T0 + 400 * DAY)).toEqual({ token: forever, user: ada });
      expect(await store.getApiTokenByHash('th2', T0 + DAY - 1)).toEqual({ token: brief, user: bob });
      expect(await store.getApiTokenByHash('th2', T0 + DAY)).toBeUndefined();
      expect(await store.getApiTokenByHash('nope', T0)).toBeUndefined();

      expect(await store.touchApiToken(forever.id, T0 + HOUR)).toBe(true);
      expect(await store.touchApiToken(9999, T0)).toBe(false);
      expect((await store.listApiTokens()).map((t) => [t.name, t.lastUsedAt])).toEqual([
        ['ci', T0 + HOUR],
        ['grafana', null],
      ]);
      expect((await store.listApiTokens(bob.id)).map((t) => t.name)).toEqual(['grafana']);

      expect(await store.deleteApiToken(forever.id, bob.id)).toBe(false);
      expect(await store.deleteApiToken(forever.id, ada.id)).toBe(true);
      expect(await store.deleteApiToken(forever.id)).toBe(false);
      expect(await store.deleteApiToken(brief.id)).toBe(true);

      await store.createApiToken(
        { name: 'x', tokenHash: 'th4', userId: bob.id, scope: 'read', expiresAt: null },
        T0,
      );
      await store.deleteUser(bob.id);
      expect(await store.listApiTokens()).toEqual([]);
    });

    it("keeps each instance's latest sign of life, across a close and reopen", async () => {
      expect(await store.markAlive('host:1:a', T0)).toBeNull();
      expect(await store.markAlive('host:1:a', T0 + MIN)).toBe(T0);
      expect(await store.markAlive('host:2:b', T0 + MIN)).toBeNull();
      await store.close();
      store = await harness.open();
      expect(await store.markAlive('host:1:a', T0 + HOUR)).toBe(T0 + MIN);
      // A process gone a week leaves no row behind.
      expect(await store.markAlive('host:1:a', T0 + 8 * DAY)).toBe(T0 + HOUR);
      expect(await store.markAlive('host:2:b', T0 + 8 * DAY)).toBeNull();
    });

    it('loses nothing across a close and reopen', async () => {
      const m = await monitor();
      await store.recordCheck(m.id, result(T0, 'down', 30), 0, state('down', T0), [
        { kind: 'incident_opened', at: T0, evidence: { reason: 'timeout' }, channels: ['slack'] },
      ]);
      await store.recordResults([{ monitorId: m.id, result: result(T0 + MIN, 'up', 40) }]);
      await store.setHeartbeat({ tokenHash: 'tok', monitorId: m.id, lastPingAt: T0, deadlineAt: T0 + HOUR });
      const ada = await user('ada', 'admin');
      await store.createSession({
        idHash: 'sh',
        userId: ada.id,
        createdAt: T0,
        expiresAt: T0 + DAY,
        lastSeenAt: T0,
      });
      await store.close();

      store = await harness.open();
      expect(await store.getMonitor(m.id)).toEqual(m);
      expect(await store.getState(m.id)).toMatchObject({ status: 'down', version: 1 });
      expect(await store.listResults(m.id, { from: 0, to: T0 + DAY })).toHaveLength(2);
      expect((await store.uptime(m.id, { from: T0, to: T0 + HOUR })).checks).toBe(2);
      expect(await store.listIncidents({ open: true })).toHaveLength(1);
      expect(await store.getHeartbeat('tok')).toMatchObject({ deadlineAt: T0 + HOUR });
      expect(await store.claimOutbox('w', T0 + MIN)).toHaveLength(1);
      expect(await store.getSession('sh', T0)).toMatchObject({ user: ada });
    });
  });
}
