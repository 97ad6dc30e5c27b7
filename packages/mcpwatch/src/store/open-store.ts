import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import { CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';
import { SqliteResultWriter } from './sqlite-writer.js';
import type { Store } from './store.js';
import { redactUrl, StoreError } from './store-error.js';

export const DEFAULT_DATABASE_URL = 'sqlite:./data/mcpwatch.db';

export interface OpenStoreOptions {
  /** PostgreSQL only: the schema to create (if missing) and use, e.g. one per test run. */
  schema?: string;
  /** SQLite only: how long a writer waits for another process's lock before failing. */
  busyTimeoutMs?: number;
}

export type StoreLocation = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

/** `postgres://…` or `postgresql://…`; `sqlite:<path>`; `:memory:`; anything else is a file path. */
export function parseStoreUrl(url: string): StoreLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', url };
  if (url === ':memory:') return { dialect: 'sqlite', path: url };
  const sqlitePath = url.startsWith('sqlite:') ? url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') : url;
  if (sqlitePath === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(sqlitePath)) {
    throw new StoreError(
      'store_url_invalid',
      `Unsupported database URL "${redactUrl(url)}": use sqlite:./data/mcpwatch.db, a file path, or postgres://user@host:5432/db.`,
    );
  }
  return { dialect: 'sqlite', path: sqlitePath };
}

/** Opens a store and brings its schema to the latest migration. */
export async function openStore(
  url: string = DEFAULT_DATABASE_URL,
  options: OpenStoreOptions = {},
): Promise<Store> {
  const location = parseStoreUrl(url);
  if (location.dialect === 'postgres') {
    const db = await openPostgres(location.url, options);
    await migrate(db, options.schema);
    return new SqlStore(db, 'postgres');
  }
  const { db, database } = openSqlite(location.path, options);
  await migrate(db);
  // Statements are prepared against the migrated schema, so the writer is made after migrating.
  return new SqlStore(db, 'sqlite', new SqliteResultWriter(database));
}

function openSqlite(
  path: string,
  options: OpenStoreOptions,
): { db: Kysely<Database>; database: Sqlite.Database } {
  let database: Sqlite.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    database = new Sqlite(path);
    // WAL lets readers run beside the writer; NORMAL syncs at checkpoints, which WAL keeps crash-safe (a power cut
    // may lose the last commits, never corrupt the file); the busy timeout makes a second process wait, not fail.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    database.pragma('foreign_keys = ON');
  } catch (error) {
    // A file that opens but fails its first pragma (not a database, read-only) is closed, not left open.
    database?.close();
    throw new StoreError(
      'store_open_failed',
      `Cannot open the SQLite database at ${path}: ${(error as Error).message}. Check that the path names a SQLite database or a new file, in a writable directory on a disk with room.`,
      { cause: error },
    );
  }
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), database };
}

// int8 (counts, epoch milliseconds, sums of integers) and numeric (sums of bigints) arrive as text by default;
// every such value here fits a double exactly.
const toNumber = (value: string) => Number(value);
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return toNumber;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

async function openPostgres(url: string, options: OpenStoreOptions): Promise<Kysely<Database>> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/i.test(schema)) {
    throw new StoreError(
      'store_url_invalid',
      `Schema name "${schema}" must be letters, digits and underscores.`,
    );
  }
  // Every wait is bounded: a new connection, or a free one from the pool, within 5 s; a row or table lock (another
  // process stuck mid-transaction) within 30 s, after which the statement fails with "canceling statement due to
  // lock timeout" instead of holding one of the ten connections for good.
  const pool = new pg.Pool({
    connectionString: url,
    types: pgTypes,
    connectionTimeoutMillis: 5000,
    lock_timeout: 30_000,
    max: 10,
  });
  // An idle client that loses its server emits here; without a listener the process would crash.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    try {
      if (schema) await client.query(`create schema if not exists "${schema}"`);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    throw new StoreError(
      'store_unreachable',
      `Cannot reach PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}. Check that the server is running and accepts this user, or use sqlite:./data/mcpwatch.db.`,
      { cause: error },
    );
  }
  return new Kysely<Database>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: schema
        ? async (connection) => {
            await connection.executeQuery(CompiledQuery.raw(`set search_path to "${schema}"`));
          }
        : undefined,
    }),
  });
}

/**
 * With a schema, the migrator is told it: it looks for its own tables in every schema it can see, so another
 * schema's migration table (another test run, another installation) would otherwise pass for this one's.
 */
async function migrate(db: Kysely<Database>, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(schema !== undefined ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StoreError(
      'store_migration_failed',
      `Database migration ${failed} failed: ${(error as Error).message}. The database was left at the last good migration; fix the cause and start again.`,
      { cause: error },
    );
  }
}
