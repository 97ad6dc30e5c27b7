/** What the fault tests break around the service and read behind its back: its disk and its database. */
import { spawnSync } from 'node:child_process';
import Sqlite from 'better-sqlite3';

/**
 * Every row of every table, read without writing: what "the database was left as it was" compares.
 * Byte equality of the file would not do: opening a WAL database may checkpoint it, same rows, new bytes.
 */
export function dumpDatabase(file: string): Record<string, unknown[]> {
  const db = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table' order by name").all() as {
      name: string;
    }[];
    return Object.fromEntries(
      // Ordered by every column: rollup tables have no rowid to order by.
      tables.map(({ name }) => {
        const rows = db.prepare(`select * from "${name}"`).all();
        return [name, rows.map((r) => JSON.stringify(r)).sort()];
      }),
    );
  } finally {
    db.close();
  }
}

/** The deadline the store keeps for a heartbeat monitor's ping URL (the latest token's, if several). */
export function heartbeatDeadline(file: string, monitorId: number): number | null | undefined {
  const db = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare('select deadline_at from heartbeats where monitor_id = ? order by rowid desc limit 1')
      .get(monitorId) as { deadline_at: number | null } | undefined;
    return row?.deadline_at;
  } finally {
    db.close();
  }
}

export interface TmpfsMount {
  unmount(): void;
}

/**
 * A small tmpfs over `dir`, to fill up or to make read-only. Needs root (and the right to mount); without
 * it the answer is the reason, for the test to print as it skips.
 */
export function mountTmpfs(
  dir: string,
  options: { sizeKb: number; readOnly?: boolean },
): TmpfsMount | string {
  if (process.platform !== 'linux') return 'a tmpfs mount needs Linux';
  if (process.getuid?.() !== 0) return 'a tmpfs mount needs root';
  const flags = [`size=${options.sizeKb}k`, ...(options.readOnly ? ['ro'] : [])].join(',');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', flags, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.error || mounted.status !== 0) {
    return `mount -t tmpfs failed: ${(mounted.error?.message ?? mounted.stderr).trim()}`;
  }
  let done = false;
  return {
    unmount() {
      if (done) return;
      done = true;
      // Lazy, so a file a killed child still held open cannot keep the mount alive.
      spawnSync('umount', ['-l', dir]);
    },
  };
}
