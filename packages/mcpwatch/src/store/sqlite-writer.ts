import type Sqlite from 'better-sqlite3';
import { addHistograms } from './latency-histogram.js';
import {
  aggregate,
  GRANULARITIES,
  HISTOGRAM_ADD,
  ROLLUP_COLUMNS,
  ROLLUP_TABLE,
  rollupOnConflict,
} from './rollups.js';
import type { ResultsTable } from './schema.js';
import type { Granularity } from './store.js';

/** A raw result row, as the `results` table holds it less its generated id. */
export type ResultRow = Omit<ResultsTable, 'id'>;

/**
 * SQLite's page cache for this connection, in KiB (a negative `cache_size` is KiB). Each check inserts into the
 * results index at its monitor's place, so a batch for 1,000 monitors touches about 1,000 index pages; with the
 * default 2 MB most of them were read back from the operating system on every batch. Measured on the 2-core
 * machine (`bench/store.js --quick`, same session): 39,000–48,000 results/s with 2 MB, 54,000–60,000 with 64 MB.
 * It is a ceiling, filled only as the database is used.
 */
const CACHE_KIB = 65_536;

/**
 * WAL pages between automatic checkpoints (SQLite's default is 1,000, 4 MB). A batch rewrites the same index
 * leaves and day rows as the batch before it; checkpointing every 10,000 pages copies each such page back into
 * the database once per several batches instead of once per batch. Measured (`bench/store.js`, same session):
 * 56,000–60,000 results/s at 1,000 pages, 70,000–71,000 at 10,000. The WAL file is kept under 64 MB.
 */
const CHECKPOINT_PAGES = 10_000;
const WAL_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * The SQLite write path for results, on better-sqlite3's prepared statements: one insert per result and one upsert
 * per rollup row a batch touches. It runs on the connection Kysely holds, inside the transaction the store opened,
 * so atomicity is unchanged; only the cost is. Kysely's compiled statements wrote about 13,000 results/s here.
 */
export class SqliteResultWriter {
  private readonly insertResult: Sqlite.Statement;
  private readonly upserts = new Map<Granularity, Sqlite.Statement>();

  constructor(database: Sqlite.Database) {
    database.pragma(`cache_size = -${CACHE_KIB}`);
    database.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
    database.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
    // The rollup upsert adds histograms with this; PostgreSQL has it as an SQL function (migration 0003).
    // `directOnly` keeps it out of triggers and views, so the file stays readable by tools that lack it.
    database.function(HISTOGRAM_ADD, { deterministic: true, directOnly: true }, (a, b) =>
      addHistograms(String(a), String(b)),
    );
    this.insertResult = database.prepare(
      'insert into results (monitor_id, at, status, reason, duration_ms, timings, message, maintenance) values (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const granularity of GRANULARITIES) {
      const table = ROLLUP_TABLE[granularity];
      this.upserts.set(
        granularity,
        database.prepare(
          `insert into ${table} (${ROLLUP_COLUMNS.join(', ')}) values (${ROLLUP_COLUMNS.map(() => '?').join(', ')})
           ${rollupOnConflict(table, 'sqlite')}`,
        ),
      );
    }
  }

  write(rows: readonly ResultRow[]): void {
    for (const r of rows) {
      this.insertResult.run(
        r.monitor_id,
        r.at,
        r.status,
        r.reason,
        r.duration_ms,
        r.timings,
        r.message,
        r.maintenance,
      );
    }
    const deltas = aggregate(rows);
    for (const granularity of GRANULARITIES) {
      const upsert = this.upserts.get(granularity) as Sqlite.Statement;
      for (const d of deltas[granularity]) {
        upsert.run(
          d.monitorId,
          d.bucketStart,
          d.checks,
          d.ups,
          d.degraded,
          d.downs,
          d.maintenance,
          d.sumUs,
          d.minUs,
          d.maxUs,
          d.histogram,
        );
      }
    }
  }
}
