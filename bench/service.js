// The service figures of issue 3: mcpwatch running N MCP monitors (Streamable HTTP, modern era) against
// loopback fixture servers, measured from outside, with `/metrics` scraped every 15 s as Prometheus would. `node bench/service.js [--quick]` after `npm run build`;
// `npm run bench` runs it too (bench/run.js). Three processes: this one (the sampler), the fixture servers
// (bench/service-fixture.js) and mcpwatch (bench/service-child.js), so neither this one's nor the fixtures'
// CPU counts as mcpwatch's. docs/benchmarks.md explains every figure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, start, terminate, withCleanup, within } from './children.js';

const FIXTURE = fileURLToPath(new URL('./service-fixture.js', import.meta.url));
const CHILD = fileURLToPath(new URL('./service-child.js', import.meta.url));

/** The run's shape: the 10,000 monitors at 60 s, or a small quick run. */
export function servicePlan(quick) {
  const env = (name, fallback) => Number(process.env[name] ?? fallback);
  return {
    monitors: env('BENCH_SERVICE_MONITORS', quick ? 1000 : 10_000),
    intervalSec: env('BENCH_SERVICE_INTERVAL', quick ? 10 : 60),
    /** The measured stretch, after every monitor has been checked once. */
    windowSec: env('BENCH_SERVICE_WINDOW', quick ? 10 : 60),
    fixturePorts: 4,
    sampleMs: 1000,
    /** Prometheus's usual scrape interval: `/metrics` is read this often during the window. */
    scrapeSec: env('BENCH_SERVICE_SCRAPE_SEC', 15),
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let clockTick = 100;
try {
  clockTick = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {}

/** RSS now and its high-water mark, from /proc (bytes); undefined where /proc is not there. */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system, every thread) the process has used, from /proc. */
function cpuOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTick;
  } catch {
    return undefined;
  }
}

function writeConfig(file, plan, ports) {
  const lines = ['monitors:'];
  for (let i = 0; i < plan.monitors; i++) {
    const port = ports[i % ports.length];
    lines.push(
      `  - { kind: mcp, name: m${i}, target: "http://127.0.0.1:${port}/mcp/${i}", intervalSec: ${plan.intervalSec} }`,
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Starts mcpwatch and waits until it listens with every monitor scheduled. */
async function startService(database, config, progress) {
  // BENCH_SERVICE_NODE_ARGS='--trace-gc' (say) passes flags to the service's Node only.
  const execArgv = process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const service = start(CHILD, [database, config], execArgv);
  const ready = await within(service.next('ready'), 300_000, 'starting the service');
  progress(
    `  service up in ${(ready.startedMs / 1000).toFixed(1)} s with ${ready.jobs.toLocaleString('en')} monitors scheduled`,
  );
  return { ...service, pid: service.child.pid, ready };
}

/**
 * Polls the service every sample period until every monitor has finished a check in this process, or the
 * deadline passes; returns every mark taken, with the RSS seen from outside at each.
 */
async function untilAllChecked(service, plan, deadlineMs, progress, label) {
  const marks = [];
  const started = performance.now();
  let last = 0;
  for (;;) {
    await sleep(plan.sampleMs);
    const m = await service.ask({ op: 'mark' });
    m.outside = memoryOf(service.pid);
    marks.push(m);
    if (performance.now() - last > 10_000) {
      last = performance.now();
      progress(
        `  ${label}: ${m.checked.toLocaleString('en')} of ${plan.monitors.toLocaleString('en')} checked`,
      );
    }
    if (m.checked >= plan.monitors) return { marks, complete: true };
    if (performance.now() - started > deadlineMs) return { marks, complete: false };
  }
}

/** One `GET /metrics` as Prometheus sends it: its time to the last byte and its size. */
async function scrape(url) {
  const t = performance.now();
  const res = await fetch(`${url}/metrics`, {
    headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' },
    signal: AbortSignal.timeout(10_000),
  });
  const bytes = (await res.arrayBuffer()).byteLength;
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
  return { ms: performance.now() - t, bytes };
}

/**
 * The steady-state window: CPU, RSS, lag and checks between two marks, sampled every second, while
 * `/metrics` is scraped every `scrapeSec` as Prometheus would (one scrape before the window starts the
 * background uptime read, so the window's scrapes carry every family).
 */
async function measureWindow(service, fixture, plan) {
  // BENCH_SERVICE_SCRAPE_SEC=0: no scrapes, to see what they cost.
  if (plan.scrapeSec > 0) {
    await scrape(service.ready.url);
    await sleep(2000);
  }
  const scrapes = [];
  const scraper = (async () => {
    const stop = performance.now() + plan.windowSec * 1000;
    while (plan.scrapeSec > 0 && performance.now() < stop) {
      const next = performance.now() + plan.scrapeSec * 1000;
      scrapes.push(await scrape(service.ready.url));
      await sleep(Math.max(0, Math.min(next, stop) - performance.now()));
    }
  })();
  const first = await service.ask({ op: 'mark' });
  const fixtureCountsBefore = (await fixture.ask({ op: 'counts' })).counts;
  const fixtureCpuBefore = (await fixture.ask({ op: 'cpu' })).cpu;
  const procCpuBefore = cpuOf(service.pid);
  const lags = [];
  const rss = [];
  let waitingMax = 0;
  const end = performance.now() + plan.windowSec * 1000;
  let m = first;
  for (;;) {
    await sleep(Math.min(plan.sampleMs, Math.max(0, end - performance.now())));
    const last = performance.now() + 20 >= end;
    m = await service.ask({ op: 'mark', statuses: last });
    lags.push(...m.lags);
    const mem = memoryOf(service.pid);
    rss.push(mem?.rss ?? m.rss);
    waitingMax = Math.max(waitingMax, m.scheduler.waiting);
    if (last) break;
  }
  await scraper;
  const procCpuAfter = cpuOf(service.pid);
  const fixtureCountsAfter = (await fixture.ask({ op: 'counts' })).counts;
  const fixtureCpuAfter = (await fixture.ask({ op: 'cpu' })).cpu;
  const seconds = (m.at - first.at) / 1000;
  const cpuSeconds = (m.cpu.user + m.cpu.system - first.cpu.user - first.cpu.system) / 1e6;
  const checks = m.finished - first.finished;
  lags.sort((a, b) => a - b);
  const fixtureRequests = fixtureCountsAfter.requests - fixtureCountsBefore.requests;
  const mem = memoryOf(service.pid);
  return {
    seconds,
    checks,
    checksPerSecond: checks / seconds,
    failedRuns: m.failedRuns - first.failedRuns,
    cpuShare: cpuSeconds / seconds,
    cpuShareProc: procCpuBefore !== undefined ? (procCpuAfter - procCpuBefore) / seconds : undefined,
    cpuMsPerCheck: (cpuSeconds * 1000) / checks,
    rssMaxMb: Math.max(...rss) / 2 ** 20,
    rssEndMb: rss.at(-1) / 2 ** 20,
    rssPeakSinceStartMb: mem ? mem.hwm / 2 ** 20 : undefined,
    lag: { starts: lags.length, p50: percentile(lags, 0.5), p99: percentile(lags, 0.99), max: lags.at(-1) },
    waitingMax,
    scrapes: {
      count: scrapes.length,
      bytes: scrapes.at(-1)?.bytes ?? 0,
      medianMs: percentile(
        scrapes.map((x) => x.ms).sort((a, b) => a - b),
        0.5,
      ),
      maxMs: Math.max(...scrapes.map((x) => x.ms)),
    },
    statuses: m.statuses,
    /** process.memoryUsage() at the end of the window, in MB. */
    memoryMb: Object.fromEntries(Object.entries(m.memory).map(([k, v]) => [k, v / 2 ** 20])),
    fixture: {
      requestsPerCheck: fixtureRequests / checks,
      connectionsPerCheck: (fixtureCountsAfter.connections - fixtureCountsBefore.connections) / checks,
      cpuShare:
        (fixtureCpuAfter.user + fixtureCpuAfter.system - fixtureCpuBefore.user - fixtureCpuBefore.system) /
        1e6 /
        seconds,
    },
  };
}

/** Sends SIGTERM and waits for the process to end; returns how long it took. */
async function stopService(service) {
  const t = performance.now();
  await terminate(service);
  return performance.now() - t;
}

export async function measureService({
  quick = false,
  progress = (line) => process.stderr.write(`${line}\n`),
} = {}) {
  const plan = servicePlan(quick);
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-bench-service-'));
  const database = join(dir, 'mcpwatch.db');
  const config = join(dir, 'mcpwatch.yaml');
  const intervalMs = plan.intervalSec * 1000;
  const out = { plan };
  return withCleanup(dir, async () => {
    const fixture = start(FIXTURE, [String(plan.fixturePorts)]);
    const { ports } = await within(fixture.next('ready'), 10_000, 'starting the fixture servers');
    writeConfig(config, plan, ports);
    progress(
      `service: ${plan.monitors.toLocaleString('en')} MCP monitors at ${plan.intervalSec} s against ${ports.length} loopback ports`,
    );

    // 1. A fresh database: the monitors are created from the file, then checked over the first interval.
    let service = await startService(database, config, progress);
    out.firstStartMs = service.ready.startedMs;
    const warm = await untilAllChecked(service, plan, intervalMs * 2 + 30_000, progress, 'warm-up');
    if (!warm.complete) throw new Error('not every monitor was checked within two intervals of the start');
    out.firstCoverageMs = warm.marks.at(-1).lastFirstCheck;

    // 2. The steady state over one full interval.
    progress(`  measuring ${plan.windowSec} s of steady state`);
    out.window = await measureWindow(service, fixture, plan);

    // 3. A restart on the same database: how long until every monitor has a new check.
    out.stopMs = await stopService(service);
    progress(`  stopped by SIGTERM in ${(out.stopMs / 1000).toFixed(1)} s; restarting on the same database`);
    service = await startService(database, config, progress);
    out.restartStartMs = service.ready.startedMs;
    const again = await untilAllChecked(service, plan, intervalMs * 2 + 30_000, progress, 'after restart');
    const lastMark = again.marks.at(-1);
    out.restart = {
      complete: again.complete,
      checked: lastMark.checked,
      /** From the new process's start to the last monitor's first finished check. */
      coverageMs: again.complete ? lastMark.lastFirstCheck : Number.NaN,
      /** The same, counted from the moment the service was up with every monitor scheduled. */
      coverageFromReadyMs: again.complete ? lastMark.lastFirstCheck - service.ready.startedMs : Number.NaN,
      rssPeakMb: Math.max(...again.marks.map((m) => (m.outside?.rss ?? m.rss) / 2 ** 20)),
    };
    const final = await service.ask({ op: 'mark', statuses: true });
    out.restart.statuses = final.statuses;
    out.restart.memoryMb = Object.fromEntries(Object.entries(final.memory).map(([k, v]) => [k, v / 2 ** 20]));
    await stopService(service);
    await fixture.ask({ op: 'exit' }).catch(() => {});
    return out;
  });
}

/** The lines `node bench/service.js` prints. */
export function describeService(s) {
  const w = s.window;
  const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
  return [
    `${s.plan.monitors.toLocaleString('en')} monitors at ${s.plan.intervalSec} s: ${f1(w.checksPerSecond)} checks/s over ${f1(w.seconds)} s`,
    `CPU ${f1(w.cpuShare * 100)}% of one core (${w.cpuMsPerCheck.toFixed(2)} ms per check); RSS max ${f1(w.rssMaxMb)} MB, peak since start ${f1(w.rssPeakSinceStartMb)} MB`,
    `scheduler lag over ${w.lag.starts.toLocaleString('en')} starts: p50 ${f1(w.lag.p50)} ms, p99 ${f1(w.lag.p99)} ms, max ${f1(w.lag.max)} ms; at most ${w.waitingMax} waiting`,
    `/metrics scraped every ${s.plan.scrapeSec} s in the window: ${w.scrapes.count} scrapes of ${f1(w.scrapes.bytes / 1e6)} MB, median ${f1(w.scrapes.medianMs)} ms, max ${f1(w.scrapes.maxMs)} ms to the last byte`,
    `statuses at the end of the window: ${JSON.stringify(w.statuses)}; fixture: ${w.fixture.requestsPerCheck.toFixed(2)} requests and ${w.fixture.connectionsPerCheck.toFixed(2)} connections per check, ${f1(w.fixture.cpuShare * 100)}% of a core`,
    `first start: up in ${f1(s.firstStartMs / 1000)} s, every monitor checked ${f1(s.firstCoverageMs / 1000)} s after the process started`,
    `restart: stopped in ${f1(s.stopMs / 1000)} s, up again in ${f1(s.restartStartMs / 1000)} s, every monitor checked ${f1(s.restart.coverageMs / 1000)} s after the new process started (${f1(s.restart.coverageFromReadyMs / 1000)} s after it was up); statuses ${JSON.stringify(s.restart.statuses)}`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await measureService({ quick: process.argv.includes('--quick') });
  for (const line of describeService(result)) console.log(line);
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
}
