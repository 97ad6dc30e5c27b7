import { type Kysely, sql } from 'kysely';
import type { TrafficReport } from '../traffic/report-schema.js';
import { AuthQueries } from './auth-queries.js';
import * as channels from './channels.js';
import * as heartbeats from './heartbeats.js';
import * as history from './history.js';
import {
  claimOutbox,
  completeOutbox,
  countOutbox,
  failOutbox,
  listDeliveries,
  listHeldMonitors,
  listHeldSpells,
  releaseAllClaims,
  releaseHeld,
  releaseOutbox,
} from './outbox.js';
import { prune } from './retention.js';
import { addToRollups } from './rollups.js';
import { toMillis, toMonitor, toResult, toState } from './row-mappers.js';
import type { Database } from './schema.js';
import type { ResultRow, SqliteResultWriter } from './sqlite-writer.js';
import * as statusPages from './status-pages.js';
import type {
  ChannelInput,
  ChannelRecord,
  CheckResult,
  ClaimOptions,
  DayCounts,
  DeliveryAnswer,
  DeliveryQuery,
  DeliveryRecord,
  EventInput,
  EventQuery,
  FailOptions,
  Granularity,
  Heartbeat,
  HeldSpell,
  Incident,
  IncidentQuery,
  IncidentUpdate,
  IncidentUpdateInput,
  MaintenanceRecord,
  Millis,
  Monitor,
  MonitorInput,
  MonitorPatch,
  MonitorState,
  NextState,
  OutboxItem,
  PruneReport,
  Range,
  RetentionOptions,
  StatusPageRecord,
  Store,
  StoredEvent,
  StoredResult,
  TrafficRow,
  UptimePoint,
  UptimeSummary,
} from './store.js';
import { StoreError } from './store-error.js';
import { addTraffic, listTraffic } from './traffic.js';
import { uptimeMany, uptimeOne, uptimeSeries } from './uptime-queries.js';

function keyTaken(key: string): StoreError {
  return new StoreError(
    'monitor_key_taken',
    `A monitor with key "${key}" already exists: choose another key, or update that monitor instead.`,
  );
}

/** Thrown inside a transaction to undo it when the conditional state update finds another writer won. */
class LostRace extends Error {}

const RESULT_ROWS_PER_STATEMENT = 2000; // 7 parameters a row, under PostgreSQL's 65,535.

/** Only non-zero phases, rounded to 0.1 ms: timings are the bulk of a raw row otherwise. */
function compactTimings(timings: Record<string, number | undefined>): string | null {
  // Written out rather than built and stringified: this runs once per result on the batched write path.
  let text = '';
  for (const phase in timings) {
    const ms = timings[phase];
    if (ms === undefined || ms === 0) continue;
    text += `${text === '' ? '{' : ','}${JSON.stringify(phase)}:${JSON.stringify(Math.round(ms * 10) / 10)}`;
  }
  return text === '' ? null : `${text}}`;
}

/**
 * The one Store implementation: every query is written once for both dialects. Where they differ (SQLite's
 * `begin immediate`, PostgreSQL's `skip locked`, `min`/`least`) the dialect name picks the form.
 */
/** How long a stopped process's liveness row is kept. */
const LIVENESS_KEEP_MS = 7 * 86_400_000;

export class SqlStore extends AuthQueries implements Store {
  constructor(
    protected readonly db: Kysely<Database>,
    readonly dialect: 'sqlite' | 'postgres',
    /** SQLite only: the fast path for results; it shares Kysely's connection, and so its transactions. */
    private readonly sqliteWriter?: SqliteResultWriter,
  ) {
    super();
  }

  /**
   * SQLite transactions start with `begin immediate`: taking the write lock up front means a second process waits
   * on the busy timeout instead of failing when it upgrades a read lock.
   */
  protected async tx<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    if (this.dialect === 'postgres') return this.db.transaction().execute(fn);
    return this.db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        const value = await fn(conn);
        await sql`commit`.execute(conn);
        return value;
      } catch (error) {
        // The original error is the one worth reporting; a rollback after a failed commit may itself fail.
        await sql`rollback`.execute(conn).catch(() => {});
        throw error;
      }
    });
  }

  async createMonitor(input: MonitorInput, now: Millis): Promise<Monitor> {
    // One statement both checks the key and claims it, so two callers racing for a key cannot both pass a check.
    return this.tx(async (trx) => {
      const row = await trx
        .insertInto('monitors')
        .values({
          key: input.key,
          name: input.name,
          kind: input.kind,
          target: input.target,
          config: JSON.stringify(input.config),
          source: input.source,
          enabled: input.enabled === false ? 0 : 1,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row) throw keyTaken(input.key);
      await trx
        .insertInto('monitor_state')
        .values({
          monitor_id: row.id,
          status: 'pending',
          data: '{}',
          since: now,
          last_check_at: null,
          version: 0,
        })
        .execute();
      return toMonitor(row);
    });
  }

  async getMonitor(id: number): Promise<Monitor | undefined> {
    const row = await this.db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toMonitor(row);
  }

  async getMonitorByKey(key: string): Promise<Monitor | undefined> {
    const row = await this.db.selectFrom('monitors').selectAll().where('key', '=', key).executeTakeFirst();
    return row && toMonitor(row);
  }

  async listMonitors(): Promise<Monitor[]> {
    const rows = await this.db.selectFrom('monitors').selectAll().orderBy('id').execute();
    return rows.map(toMonitor);
  }

  async updateMonitor(id: number, patch: MonitorPatch, now: Millis): Promise<Monitor | undefined> {
    const row = await this.db
      .updateTable('monitors')
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.kind !== undefined && { kind: patch.kind }),
        ...(patch.target !== undefined && { target: patch.target }),
        ...(patch.config !== undefined && { config: JSON.stringify(patch.config) }),
        ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toMonitor(row);
  }

  async deleteMonitor(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('monitors').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async getState(monitorId: number): Promise<MonitorState | undefined> {
    const row = await this.db
      .selectFrom('monitor_state')
      .selectAll()
      .where('monitor_id', '=', monitorId)
      .executeTakeFirst();
    return row && toState(row);
  }

  /** The conditional update at the heart of every state write (healthchecks' "update … where status = old"). */
  private async writeState(trx: Kysely<Database>, monitorId: number, expected: number, next: NextState) {
    const updated = await trx
      .updateTable('monitor_state')
      .set({
        status: next.status,
        since: next.since,
        last_check_at: next.lastCheckAt,
        data: JSON.stringify(next.data),
        version: expected + 1,
      })
      .where('monitor_id', '=', monitorId)
      .where('version', '=', expected)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new LostRace();
  }

  private async writeResults(
    trx: Kysely<Database>,
    batch: ReadonlyArray<{ monitorId: number; result: CheckResult }>,
  ) {
    const rows = batch.map(
      ({ monitorId, result }): ResultRow => ({
        monitor_id: monitorId,
        at: toMillis(result.startedAt),
        status: result.status,
        reason: result.reason ?? null,
        duration_ms: result.durationMs,
        timings: compactTimings(result.timings),
        message: result.status === 'up' ? null : result.message,
        maintenance: result.maintenance ? 1 : 0,
      }),
    );
    if (this.sqliteWriter) {
      this.sqliteWriter.write(rows);
      return;
    }
    for (let i = 0; i < rows.length; i += RESULT_ROWS_PER_STATEMENT) {
      await trx
        .insertInto('results')
        .values(rows.slice(i, i + RESULT_ROWS_PER_STATEMENT))
        .execute();
    }
    await addToRollups(trx, this.dialect, rows);
  }

  /**
   * A state write and what goes with it, in one transaction. State first: a losing writer stops before touching
   * anything else, and holds the row lock that orders writers of one monitor in PostgreSQL. False, with nothing
   * written, when another writer changed the state first.
   */
  private async writeIfCurrent(
    monitorId: number,
    expectedVersion: number,
    next: NextState,
    rest: (trx: Kysely<Database>) => Promise<void>,
  ): Promise<boolean> {
    try {
      await this.tx(async (trx) => {
        await this.writeState(trx, monitorId, expectedVersion, next);
        await rest(trx);
      });
      return true;
    } catch (error) {
      if (error instanceof LostRace) return false;
      throw error;
    }
  }

  setState(
    monitorId: number,
    expectedVersion: number,
    next: NextState,
    events: EventInput[] = [],
  ): Promise<boolean> {
    return this.writeIfCurrent(monitorId, expectedVersion, next, (trx) =>
      history.writeEvents(trx, monitorId, events),
    );
  }

  recordCheck(
    monitorId: number,
    result: CheckResult,
    expectedVersion: number,
    next: NextState,
    events: EventInput[] = [],
  ): Promise<boolean> {
    return this.writeIfCurrent(monitorId, expectedVersion, next, async (trx) => {
      await this.writeResults(trx, [{ monitorId, result }]);
      await history.writeEvents(trx, monitorId, events);
    });
  }

  async recordResults(batch: ReadonlyArray<{ monitorId: number; result: CheckResult }>): Promise<void> {
    if (batch.length === 0) return;
    await this.tx((trx) => this.writeResults(trx, batch));
  }

  async listResults(monitorId: number, range: Range, limit = 1000): Promise<StoredResult[]> {
    const rows = await this.db
      .selectFrom('results')
      .selectAll()
      .where('monitor_id', '=', monitorId)
      .where('at', '>=', range.from)
      .where('at', '<', range.to)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toResult);
  }

  uptime(monitorId: number, range: Range): Promise<UptimeSummary> {
    return uptimeOne(this.db, this.dialect, monitorId, range);
  }

  uptimeSeries(monitorId: number, range: Range, granularity?: Granularity): Promise<UptimePoint[]> {
    return uptimeSeries(this.db, this.dialect, monitorId, range, granularity);
  }

  uptimeFor(monitorIds: readonly number[], windows: readonly Range[]): Promise<Map<number, UptimeSummary[]>> {
    return uptimeMany(this.db, this.dialect, monitorIds, windows);
  }

  listEvents(query: EventQuery): Promise<StoredEvent[]> {
    return history.listEvents(this.db, query);
  }

  listIncidents(query: IncidentQuery): Promise<Incident[]> {
    return history.listIncidents(this.db, query);
  }

  getIncident(id: number): Promise<Incident | undefined> {
    return history.getIncident(this.db, id);
  }

  acknowledgeIncident(id: number, by: string, at: Millis): Promise<boolean> {
    return history.acknowledgeIncident(this.db, id, by, at);
  }

  setIncidentNote(id: number, note: string): Promise<boolean> {
    return history.setIncidentNote(this.db, id, note);
  }

  putToolSnapshot(hash: string, tools: unknown, now: Millis): Promise<void> {
    return history.putToolSnapshot(this.db, hash, tools, now);
  }

  getToolSnapshot(hash: string): Promise<unknown | undefined> {
    return history.getToolSnapshot(this.db, hash);
  }

  setHeartbeat(heartbeat: Heartbeat): Promise<void> {
    return heartbeats.setHeartbeat(this.db, heartbeat);
  }

  getHeartbeat(tokenHash: string): Promise<Heartbeat | undefined> {
    return heartbeats.getHeartbeat(this.db, tokenHash);
  }

  pingHeartbeat(tokenHash: string, at: Millis, deadlineAt: Millis | null): Promise<Heartbeat | undefined> {
    return heartbeats.pingHeartbeat(this.db, tokenHash, at, deadlineAt);
  }

  heartbeatsDue(before: Millis, limit?: number): Promise<Heartbeat[]> {
    return heartbeats.heartbeatsDue(this.db, before, limit);
  }

  revokeHeartbeats(monitorId: number, except?: string): Promise<number> {
    return heartbeats.revokeHeartbeats(this.db, monitorId, except);
  }

  advanceHeartbeat(tokenHash: string, expected: Millis, next: Millis | null): Promise<boolean> {
    return heartbeats.advanceHeartbeat(this.db, tokenHash, expected, next);
  }

  claimOutbox(worker: string, now: Millis, options?: ClaimOptions): Promise<OutboxItem[]> {
    return claimOutbox(this.db, this.dialect, worker, now, options);
  }

  completeOutbox(id: number, worker: string, now: Millis, answer?: DeliveryAnswer): Promise<boolean> {
    return completeOutbox(this.db, id, worker, now, answer);
  }

  failOutbox(
    id: number,
    worker: string,
    now: Millis,
    error: string,
    options?: FailOptions,
  ): Promise<boolean> {
    return failOutbox(this.db, id, worker, now, error, options);
  }

  releaseOutbox(ids: readonly number[], worker: string): Promise<number> {
    return releaseOutbox(this.db, ids, worker);
  }

  listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]> {
    return listDeliveries(this.db, query);
  }

  countOutbox(): Promise<{ pending: number; failed: number }> {
    return countOutbox(this.db);
  }

  releaseHeld(monitorId: number, since: Millis, now: Millis): Promise<number> {
    return releaseHeld(this.db, monitorId, since, now);
  }

  listHeldMonitors(monitorIds: readonly number[], range: Range): Promise<number[]> {
    return listHeldMonitors(this.db, monitorIds, range);
  }

  listHeldSpells(): Promise<HeldSpell[]> {
    return listHeldSpells(this.db);
  }

  releaseAllClaims(): Promise<number> {
    return releaseAllClaims(this.db);
  }

  createChannel(input: ChannelInput, now: Millis): Promise<ChannelRecord | undefined> {
    return channels.createChannel(this.db, input, now);
  }

  getChannel(name: string): Promise<ChannelRecord | undefined> {
    return channels.getChannel(this.db, name);
  }

  listChannels(): Promise<ChannelRecord[]> {
    return channels.listChannels(this.db);
  }

  updateChannel(
    name: string,
    patch: Omit<ChannelInput, 'name'>,
    now: Millis,
  ): Promise<ChannelRecord | undefined> {
    return channels.updateChannel(this.db, name, patch, now);
  }

  deleteChannel(name: string): Promise<boolean> {
    return channels.deleteChannel(this.db, name);
  }

  createStatusPage(
    slug: string,
    config: Record<string, unknown>,
    now: Millis,
  ): Promise<StatusPageRecord | undefined> {
    return statusPages.createStatusPage(this.db, slug, config, now);
  }

  getStatusPage(slug: string): Promise<StatusPageRecord | undefined> {
    return statusPages.getStatusPage(this.db, slug);
  }

  listStatusPages(): Promise<StatusPageRecord[]> {
    return statusPages.listStatusPages(this.db);
  }

  updateStatusPage(
    slug: string,
    config: Record<string, unknown>,
    now: Millis,
  ): Promise<StatusPageRecord | undefined> {
    return statusPages.updateStatusPage(this.db, slug, config, now);
  }

  deleteStatusPage(slug: string): Promise<boolean> {
    return statusPages.deleteStatusPage(this.db, slug);
  }

  createMaintenance(name: string, config: Record<string, unknown>, now: Millis): Promise<MaintenanceRecord> {
    return statusPages.createMaintenance(this.db, name, config, now);
  }

  getMaintenance(id: number): Promise<MaintenanceRecord | undefined> {
    return statusPages.getMaintenance(this.db, id);
  }

  listMaintenance(): Promise<MaintenanceRecord[]> {
    return statusPages.listMaintenance(this.db);
  }

  updateMaintenance(
    id: number,
    name: string,
    config: Record<string, unknown>,
    now: Millis,
  ): Promise<MaintenanceRecord | undefined> {
    return statusPages.updateMaintenance(this.db, id, name, config, now);
  }

  deleteMaintenance(id: number): Promise<boolean> {
    return statusPages.deleteMaintenance(this.db, id);
  }

  addIncidentUpdate(input: IncidentUpdateInput): Promise<IncidentUpdate | undefined> {
    return statusPages.addIncidentUpdate(this.db, input);
  }

  listIncidentUpdates(
    incidentIds: readonly number[],
    options?: { publicOnly?: boolean },
  ): Promise<IncidentUpdate[]> {
    return statusPages.listIncidentUpdates(this.db, incidentIds, options);
  }

  listIncidentsOf(monitorIds: readonly number[], since: Millis, limit?: number): Promise<Incident[]> {
    return statusPages.listIncidentsOf(this.db, monitorIds, since, limit);
  }

  dayCounts(monitorIds: readonly number[], range: Range): Promise<DayCounts[]> {
    return statusPages.dayCounts(this.db, monitorIds, range);
  }

  prune(now: Millis, options?: RetentionOptions): Promise<PruneReport> {
    return prune(this.db, now, options);
  }

  addTraffic(monitorId: number, report: TrafficReport): Promise<void> {
    return addTraffic(this.db, monitorId, report);
  }

  listTraffic(monitorId: number, range: Range, limit?: number): Promise<TrafficRow[]> {
    return listTraffic(this.db, monitorId, range, limit);
  }

  markAlive(instance: string, now: Millis): Promise<Millis | null> {
    return this.db.transaction().execute(async (tx) => {
      const before = await tx
        .selectFrom('liveness')
        .select('at')
        .where('instance', '=', instance)
        .executeTakeFirst();
      // Each process start adds a row: those of processes gone a week are dropped here, not by retention.
      await tx
        .deleteFrom('liveness')
        .where('at', '<', now - LIVENESS_KEEP_MS)
        .execute();
      await tx
        .insertInto('liveness')
        .values({ instance, at: now })
        .onConflict((oc) => oc.column('instance').doUpdateSet({ at: now }))
        .execute();
      return before ? toMillis(before.at) : null;
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
