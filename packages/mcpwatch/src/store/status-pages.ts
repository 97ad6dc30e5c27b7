/** Status pages and maintenance windows created through the API, and incident updates. The file's are never stored. */
import type { Kysely, Selectable } from 'kysely';
import { toIncident } from './row-mappers.js';
import type { Database, IncidentUpdatesTable, MaintenanceWindowsTable, StatusPagesTable } from './schema.js';
import type {
  DayCounts,
  Incident,
  IncidentUpdate,
  IncidentUpdateInput,
  IncidentUpdateStatus,
  MaintenanceRecord,
  Millis,
  Range,
  StatusPageRecord,
} from './store.js';

type Db = Kysely<Database>;

function toPage(row: Selectable<StatusPagesTable>): StatusPageRecord {
  return {
    id: Number(row.id),
    slug: row.slug,
    config: JSON.parse(row.config),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toMaintenance(row: Selectable<MaintenanceWindowsTable>): MaintenanceRecord {
  return {
    id: Number(row.id),
    name: row.name,
    config: JSON.parse(row.config),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toUpdate(row: Selectable<IncidentUpdatesTable>): IncidentUpdate {
  return {
    id: Number(row.id),
    incidentId: Number(row.incident_id),
    at: Number(row.at),
    status: row.status as IncidentUpdateStatus,
    message: row.message,
    public: Number(row.public) === 1,
    author: row.author,
  };
}

export async function createStatusPage(
  db: Db,
  slug: string,
  config: Record<string, unknown>,
  now: Millis,
): Promise<StatusPageRecord | undefined> {
  const row = await db
    .insertInto('status_pages')
    .values({ slug, config: JSON.stringify(config), created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('slug').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && toPage(row);
}

export async function getStatusPage(db: Db, slug: string): Promise<StatusPageRecord | undefined> {
  const row = await db.selectFrom('status_pages').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row && toPage(row);
}

export async function listStatusPages(db: Db): Promise<StatusPageRecord[]> {
  return (await db.selectFrom('status_pages').selectAll().orderBy('slug').execute()).map(toPage);
}

export async function updateStatusPage(
  db: Db,
  slug: string,
  config: Record<string, unknown>,
  now: Millis,
): Promise<StatusPageRecord | undefined> {
  const row = await db
    .updateTable('status_pages')
    .set({ config: JSON.stringify(config), updated_at: now })
    .where('slug', '=', slug)
    .returningAll()
    .executeTakeFirst();
  return row && toPage(row);
}

export async function deleteStatusPage(db: Db, slug: string): Promise<boolean> {
  const result = await db.deleteFrom('status_pages').where('slug', '=', slug).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function createMaintenance(
  db: Db,
  name: string,
  config: Record<string, unknown>,
  now: Millis,
): Promise<MaintenanceRecord> {
  const row = await db
    .insertInto('maintenance_windows')
    .values({ name, config: JSON.stringify(config), created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toMaintenance(row);
}

export async function getMaintenance(db: Db, id: number): Promise<MaintenanceRecord | undefined> {
  const row = await db.selectFrom('maintenance_windows').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toMaintenance(row);
}

export async function listMaintenance(db: Db): Promise<MaintenanceRecord[]> {
  return (await db.selectFrom('maintenance_windows').selectAll().orderBy('id').execute()).map(toMaintenance);
}

export async function updateMaintenance(
  db: Db,
  id: number,
  name: string,
  config: Record<string, unknown>,
  now: Millis,
): Promise<MaintenanceRecord | undefined> {
  const row = await db
    .updateTable('maintenance_windows')
    .set({ name, config: JSON.stringify(config), updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toMaintenance(row);
}

export async function deleteMaintenance(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('maintenance_windows').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function addIncidentUpdate(
  db: Db,
  input: IncidentUpdateInput,
): Promise<IncidentUpdate | undefined> {
  const incident = await db
    .selectFrom('incidents')
    .select('id')
    .where('id', '=', input.incidentId)
    .executeTakeFirst();
  if (!incident) return undefined;
  const row = await db
    .insertInto('incident_updates')
    .values({
      incident_id: input.incidentId,
      at: input.at,
      status: input.status,
      message: input.message,
      public: input.public ? 1 : 0,
      author: input.author,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUpdate(row);
}

export async function listIncidentUpdates(
  db: Db,
  incidentIds: readonly number[],
  options: { publicOnly?: boolean } = {},
): Promise<IncidentUpdate[]> {
  if (incidentIds.length === 0) return [];
  let query = db
    .selectFrom('incident_updates')
    .selectAll()
    .where('incident_id', 'in', [...incidentIds])
    .orderBy('at')
    .orderBy('id');
  if (options.publicOnly) query = query.where('public', '=', 1);
  return (await query.execute()).map(toUpdate);
}

export async function listIncidentsOf(
  db: Db,
  monitorIds: readonly number[],
  since: Millis,
  limit = 100,
): Promise<Incident[]> {
  if (monitorIds.length === 0) return [];
  const rows = await db
    .selectFrom('incidents')
    .selectAll()
    .where('monitor_id', 'in', [...monitorIds])
    .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('opened_at', '>=', since)]))
    .orderBy('opened_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toIncident);
}

/**
 * The day rollups of some monitors over a range, counts only: what a status page's bars need, in one query
 * per 500 monitors, without the latency histograms a full uptime series parses.
 */
export async function dayCounts(db: Db, monitorIds: readonly number[], range: Range): Promise<DayCounts[]> {
  const found: DayCounts[] = [];
  for (let i = 0; i < monitorIds.length; i += 500) {
    const rows = await db
      .selectFrom('rollup_day')
      .select(['monitor_id', 'bucket_start', 'checks', 'ups', 'degraded', 'downs', 'maintenance'])
      .where('monitor_id', 'in', monitorIds.slice(i, i + 500))
      .where('bucket_start', '>=', range.from)
      .where('bucket_start', '<', range.to)
      .execute();
    for (const row of rows) {
      found.push({
        monitorId: Number(row.monitor_id),
        bucketStart: Number(row.bucket_start),
        checks: Number(row.checks),
        up: Number(row.ups),
        degraded: Number(row.degraded),
        down: Number(row.downs),
        maintenance: Number(row.maintenance),
      });
    }
  }
  return found;
}
