/** Notification channels created through the API. Channels from mcpwatch.yaml are never stored. */
import type { Kysely, Selectable } from 'kysely';
import type { ChannelsTable, Database } from './schema.js';
import type { ChannelInput, ChannelRecord, Millis } from './store.js';

function toChannel(row: Selectable<ChannelsTable>): ChannelRecord {
  return {
    id: Number(row.id),
    name: row.name,
    type: row.type,
    config: JSON.parse(row.config),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export async function createChannel(
  db: Kysely<Database>,
  input: ChannelInput,
  now: Millis,
): Promise<ChannelRecord | undefined> {
  const row = await db
    .insertInto('channels')
    .values({
      name: input.name,
      type: input.type,
      config: JSON.stringify(input.config),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && toChannel(row);
}

export async function getChannel(db: Kysely<Database>, name: string): Promise<ChannelRecord | undefined> {
  const row = await db.selectFrom('channels').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toChannel(row);
}

export async function listChannels(db: Kysely<Database>): Promise<ChannelRecord[]> {
  const rows = await db.selectFrom('channels').selectAll().orderBy('name').execute();
  return rows.map(toChannel);
}

export async function updateChannel(
  db: Kysely<Database>,
  name: string,
  patch: Omit<ChannelInput, 'name'>,
  now: Millis,
): Promise<ChannelRecord | undefined> {
  const row = await db
    .updateTable('channels')
    .set({ type: patch.type, config: JSON.stringify(patch.config), updated_at: now })
    .where('name', '=', name)
    .returningAll()
    .executeTakeFirst();
  return row && toChannel(row);
}

export async function deleteChannel(db: Kysely<Database>, name: string): Promise<boolean> {
  const result = await db.deleteFrom('channels').where('name', '=', name).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
