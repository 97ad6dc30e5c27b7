// `node bench/store.js` (after `npm run build`): the store's two figures from issue 3 on SQLite — results written
// per second in batches, and the 90-day uptime and latency of 1,000 monitors read from the day rollups.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { openStore } from '../packages/mcpwatch/dist/store/index.js';

const MONITORS = 1000;
const BATCH = 5000;
const BATCHES = process.argv.includes('--quick') ? 20 : 100;
const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 1);

const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-bench-store-'));
const store = await openStore(`sqlite:${join(dir, 'bench.db')}`);
try {
  const ids = [];
  for (let i = 0; i < MONITORS; i++) {
    const m = await store.createMonitor(
      { key: `m${i}`, name: `m${i}`, kind: 'mcp', target: 'http://127.0.0.1/mcp', config: {}, source: 'api' },
      now,
    );
    ids.push(m.id);
  }
  const result = (at, i) => ({
    startedAt: at,
    status: i % 97 === 0 ? 'down' : 'up',
    durationMs: 20 + (i % 200),
    message: 'ok',
    timings: { connect: 1.2, handshake: 8.5, tools: 6.1 },
  });

  // 90 days of history, one check per monitor per hour: the day rollups hold 90 rows per monitor.
  for (let day = 90; day >= 1; day--) {
    const batch = [];
    for (let h = 0; h < 24; h += 4) {
      for (const [i, id] of ids.entries())
        batch.push({ monitorId: id, result: result(now - day * DAY + h * 3_600_000, i + h) });
    }
    await store.recordResults(batch);
  }

  // Write rate: 1,000 monitors checked every 60 s, 5,000 results (five minutes of them) per transaction.
  let written = 0;
  let t = now;
  const started = process.hrtime.bigint();
  for (let b = 0; b < BATCHES; b++) {
    const batch = [];
    for (let k = 0; k < BATCH; k++) {
      batch.push({ monitorId: ids[k % MONITORS], result: result(t + Math.floor(k / MONITORS) * 60_000, k) });
    }
    t += (BATCH / MONITORS) * 60_000;
    await store.recordResults(batch);
    written += batch.length;
  }
  const writeSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  const window = [{ from: now - 90 * DAY, to: now }];
  const reads = [];
  for (let i = 0; i < 7; i++) {
    const s = process.hrtime.bigint();
    const answer = await store.uptimeFor(ids, window);
    reads.push(Number(process.hrtime.bigint() - s) / 1e6);
    if (answer.size !== MONITORS) throw new Error('uptimeFor answered for the wrong number of monitors');
  }
  reads.sort((a, b) => a - b);

  console.log(
    `SQLite batched writes: ${Math.round(written / writeSeconds).toLocaleString('en')} results/s (${written.toLocaleString('en')} results, batches of ${BATCH}; goal 50,000/s)`,
  );
  console.log(
    `90-day uptime + latency for ${MONITORS} monitors: median ${reads[3].toFixed(1)} ms, worst ${reads.at(-1).toFixed(1)} ms of 7 reads (goal < 100 ms)`,
  );
} finally {
  await store.close();
}
try {
  // Bytes a monitor keeps per day once its raw results and minute rollups are pruned: 24 hour rows (while
  // hour rollups are kept) and one day row, measured from the pages each table and its indexes occupy.
  const file = new Sqlite(join(dir, 'bench.db'), { readonly: true });
  const perRow = (table) => {
    const { bytes } = file
      .prepare(
        'select sum(pgsize) as bytes from dbstat where name in (select name from sqlite_master where tbl_name = ?)',
      )
      .get(table);
    const { rows } = file.prepare(`select count(*) as rows from ${table}`).get();
    return bytes / rows;
  };
  const hour = perRow('rollup_hour');
  const day = perRow('rollup_day');
  console.log(
    `Stored per monitor per day after raw results age out: ${Math.round(24 * hour + day)} bytes while hour rollups are kept (${Math.round(hour)} per hour row), ${Math.round(day)} bytes after (goal < 2 KB)`,
  );
  file.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
