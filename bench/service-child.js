// mcpwatch's service under measurement, in its own process: `startServer` on an SQLite database with a
// generated mcpwatch.yaml, pino at level warn, exactly as `mcpwatch serve` runs it. Forked by bench/service.js
// with argv [database, configFile]. Nothing here changes what the service does; two observers are attached:
// - each scheduled job's `run` is wrapped to count finished checks and note which monitors have one;
// - the scheduler's start is wrapped to keep every start's lag (`stats()` keeps only the last 1,024, about
//   six seconds at this load), computed as the scheduler computes it: clock now minus the slot.
// It reports { op: 'ready', url, startedMs } and answers { op: 'mark' } with what happened since the last
// mark. SIGTERM closes the service as `mcpwatch serve` does.
import { performance } from 'node:perf_hooks';
import { boundHeapGrowth } from '../packages/mcpwatch/dist/heap-growth.js';
import { createLogger } from '../packages/mcpwatch/dist/logger.js';
import { Scheduler } from '../packages/mcpwatch/dist/scheduler/scheduler.js';
import { startServer } from '../packages/mcpwatch/dist/start-server.js';

const [database, configFile] = process.argv.slice(2);
const spawnedAt = performance.timeOrigin;

let lags = [];
let finished = 0;
let failedRuns = 0;
/** Monitor ids with a finished check since the process started; the last first check, in ms since start. */
const firstCheck = new Set();
let lastFirstCheck = null;

const { add, start } = Scheduler.prototype;
if (typeof add !== 'function' || typeof start !== 'function')
  throw new Error('the scheduler no longer has add() and start(): update bench/service-child.js');
Scheduler.prototype.start = function (entry, slot) {
  lags.push(Math.max(0, performance.now() - slot));
  return start.call(this, entry, slot);
};
Scheduler.prototype.add = function (job, ...rest) {
  const run = job.run;
  // The rest (the first run's delay after a restart) passes through untouched.
  return add.call(
    this,
    {
      ...job,
      run: async (signal) => {
        try {
          await run(signal);
        } catch (error) {
          failedRuns++;
          throw error;
        }
        finished++;
        if (!firstCheck.has(job.id)) {
          firstCheck.add(job.id);
          lastFirstCheck = performance.now();
        }
      },
    },
    ...rest,
  );
};

// As `mcpwatch serve` does before it starts.
boundHeapGrowth();
const log = createLogger({ level: 'warn' });
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  database: `sqlite:${database}`,
  configFile,
  // A first admin, so the service starts as a deployed one does (and says nothing about it at level warn).
  env: { MCPWATCH_ADMIN_PASSWORD: 'bench-password-not-secret' },
  log,
});
const readyAt = performance.now();

function statuses() {
  const out = {};
  for (const m of server.service.monitors.list()) out[m.status] = (out[m.status] ?? 0) + 1;
  return out;
}

process.on('message', (msg) => {
  if (msg.op === 'mark') {
    const taken = lags;
    lags = [];
    process.send({
      op: 'mark',
      at: performance.now(),
      cpu: process.cpuUsage(),
      rss: process.memoryUsage().rss,
      memory: process.memoryUsage(),
      finished,
      failedRuns,
      lags: taken,
      checked: firstCheck.size,
      lastFirstCheck,
      scheduler: server.service.scheduler.stats(),
      ...(msg.statuses ? { statuses: statuses() } : {}),
    });
  }
});

let closing = false;
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  server.close(5000).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

process.send({
  op: 'ready',
  url: server.url,
  // Time from the process's start to the service listening with every monitor scheduled.
  startedMs: readyAt,
  spawnedAt,
  jobs: server.service.scheduler.stats().jobs,
});
