// `node bench/store.js [--quick] [--json]` (after `npm run build`; `npm run bench` runs it too): the store's figures
// from issue 3 on SQLite — results written per second in batches, the 90-day uptime and latency of 1,000
// monitors read from the day rollups, and the bytes a monitor keeps per day once raw results age out.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { openStore } from '../packages/mcpwatch/dist/store/index.js';

const MONITORS = 1000;
const BATCH = 5000;
const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 1);

/** The figures, as numbers; `describeStore` words them. */
export async function measureStore({ quick = false } = {}) {
  const BATCHES = quick ? 20 : 100;
  const out = { monitors: MONITORS, batch: BATCH };
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-bench-store-'));
  const store = await openStore(`sqlite:${join(dir, 'bench.db')}`);
  try {
    const ids = [];
    for (let i = 0; i < MONITORS; i++) {
      const m = await store.createMonitor(
        {
          key: `m${i}`,
          name: `m${i}`,
          kind: 'mcp',
          target: 'http://127.0.0.1/mcp',
          config: {},
          source: 'api',
        },
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
        batch.push({
          monitorId: ids[k % MONITORS],
          result: result(t + Math.floor(k / MONITORS) * 60_000, k),
        });
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

    Object.assign(out, {
      written,
      writesPerSecond: written / writeSeconds,
      readMedianMs: reads[3],
      readWorstMs: reads.at(-1),
      reads: reads.length,
    });
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
    const raw = perRow('results');
    const hour = perRow('rollup_hour');
    const day = perRow('rollup_day');
    Object.assign(out, {
      resultRowBytes: raw,
      hourRowBytes: hour,
      dayRowBytes: day,
      bytesPerDayWithHours: 24 * hour + day,
    });
    file.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

export function describeStore(s) {
  return [
    `SQLite batched writes: ${Math.round(s.writesPerSecond).toLocaleString('en')} results/s (${s.written.toLocaleString('en')} results, batches of ${s.batch}; goal 50,000/s)`,
    `90-day uptime + latency for ${s.monitors} monitors: median ${s.readMedianMs.toFixed(1)} ms, worst ${s.readWorstMs.toFixed(1)} ms of ${s.reads} reads (goal < 100 ms)`,
    `Stored per monitor per day after raw results age out: ${Math.round(s.bytesPerDayWithHours)} bytes while hour rollups are kept (${Math.round(s.hourRowBytes)} per hour row), ${Math.round(s.dayRowBytes)} bytes after (goal < 2 KB)`,
    `Raw results (kept 7 days): ${Math.round(s.resultRowBytes)} bytes per result with its index, ${((s.resultRowBytes * 60) / 1024).toFixed(1)} KB per monitor per hour at 60 s`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await measureStore({ quick: process.argv.includes('--quick') });
  for (const line of describeStore(result)) console.log(line);
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
}
