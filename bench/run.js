// `npm run bench`: mcpwatch's probe beside the official v2 SDK client (and a hand-written floor), against
// loopback v2 and v1 SDK servers, all in one run; then the store's figures (bench/store.js) and the service's
// (bench/service.js: 10,000 monitors, lag, CPU, RSS, restart), then the alerting figures (bench/alerts.js:
// alert latency, 1,000 monitors going down at once), then @mcpwatch/instrument's cost per tool call beside a bare
// server and an OpenTelemetry-based peer (bench/instrument.js) and `mcpwatch wrap`'s (bench/wrap.js), then the
// status page (bench/status-page.js) and the dashboard in Debian's Chromium with 10,000 monitors (bench/web.js),
// and /metrics for 10,000 monitors beside prom-client (bench/metrics.js) and what GET /probe adds to a probe
// (bench/probe-endpoint.js). Servers,
// probers and the service each run in their own process; docs/benchmarks.md explains every figure.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describeAlerts, measureAlerts } from './alerts.js';
import { describeInstrument, measureInstrument } from './instrument.js';
import { spawnChild } from './ipc.js';
import { describeMetrics, measureMetrics } from './metrics.js';
import { describeProbeEndpoint, measureProbeEndpoint } from './probe-endpoint.js';
import { CLIENT_NAMES, TIMEOUT_MS } from './probers.js';
import { printReport, writeDoc } from './report.js';
import { SERVERS, startServer } from './servers.js';
import { describeService, measureService } from './service.js';
import { describeStatusPage, measureStatusPage } from './status-page.js';
import { describeWeb, measureWeb } from './web.js';
import { describeWrap, measureWrap } from './wrap.js';

const MEASURE = fileURLToPath(new URL('./measure.js', import.meta.url));
const quick = process.argv.includes('--quick');

/** How each figure is taken. */
export const PLAN = {
  saturation: {
    concurrency: 20,
    warmupMs: quick ? 800 : 1200,
    blockMs: quick ? 500 : 1000,
    rounds: quick ? 2 : 3,
  },
  monitor: { burst: 30, periodMs: 300, warmupMs: TIMEOUT_MS + 200, count: quick ? 15 : 40 },
  memory: { k: 200, warmup: 20, timeoutMs: 60_000 },
  overhead: { count: quick ? 10 : 25, gapMs: 20 },
  timeoutMs: TIMEOUT_MS,
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function prober(spec, execArgv = []) {
  const p = spawnChild(MEASURE, [], execArgv);
  await p.ask({ op: 'init', ...spec });
  return p;
}

/**
 * Concurrency 20, the clients taking turns in short blocks so a slow patch of the machine hits them all
 * alike. Each process's CPU is read across the whole interleaved stretch, which starts after earlier
 * probes' deadline timers have expired and ends after the window's own have, so the figure carries them.
 */
async function saturation(probers) {
  const { concurrency, warmupMs, blockMs, rounds } = PLAN.saturation;
  for (const p of Object.values(probers)) await p.ask({ op: 'block', ms: warmupMs, concurrency });
  await sleep(TIMEOUT_MS + 200);
  const start = {};
  for (const [name, p] of Object.entries(probers)) start[name] = await p.ask({ op: 'mark' });
  const acc = Object.fromEntries(
    Object.keys(probers).map((name) => [name, { probes: 0, ms: 0, medians: [] }]),
  );
  const names = Object.keys(probers);
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 ? [...names].reverse() : names) {
      const b = await probers[name].ask({ op: 'block', ms: blockMs, concurrency });
      acc[name].probes += b.probes;
      acc[name].ms += b.ms;
      acc[name].medians.push(b.medianMs);
    }
  }
  await sleep(TIMEOUT_MS + 200);
  const out = {};
  for (const [name, p] of Object.entries(probers)) {
    const end = await p.ask({ op: 'mark' });
    const a = acc[name];
    out[name] = {
      probes: a.probes,
      perSecond: a.probes / (a.ms / 1000),
      cpuPerProbe: (end.cpu - start[name].cpu) / a.probes,
      medianMs: median(a.medians),
      failed: end.failed - start[name].failed,
      firstFailure: end.firstFailure,
    };
  }
  return out;
}

/**
 * A monitor's pace, in fresh processes (JIT-cold: 30 probes of warm-up, no more): every client at once,
 * each one probe per period, their slots staggered so no two probes overlap, the machine sees one probe
 * every period/3 and all three clients see the same stretch of machine time.
 */
async function monitor(probers) {
  const { burst, periodMs, warmupMs, count } = PLAN.monitor;
  const names = Object.keys(probers);
  const before = {};
  for (const name of names) before[name] = await probers[name].ask({ op: 'mark' });
  // The bursts run at once before the first slot; the slots leave them time to finish.
  const startAt = Date.now() + 1500;
  const results = await Promise.all(
    names.map((name, i) =>
      probers[name].ask({
        op: 'paced',
        burst,
        startAt: startAt + Math.round((i * periodMs) / names.length),
        periodMs,
        warmupMs,
        count,
      }),
    ),
  );
  const out = {};
  for (const [i, name] of names.entries()) {
    const end = await probers[name].ask({ op: 'mark' });
    out[name] = { ...results[i], failed: end.failed - before[name].failed, firstFailure: end.firstFailure };
  }
  return out;
}

/** Requests per probe by kind, as the server saw them: each client alone, one probe at a time. */
async function requests(probers, server) {
  const out = {};
  for (const [name, p] of Object.entries(probers)) {
    await server.reset();
    const b = await p.ask({ op: 'block', ms: 300, concurrency: 1 });
    const counts = await server.counts();
    out[name] = Object.fromEntries(
      Object.entries(counts).map(([k, v]) => [k, Math.round((v / b.probes) * 100) / 100]),
    );
  }
  return out;
}

/** K probes held at tools/list by the server; the prober samples its heap before and at the plateau. */
async function memory(client, base, server) {
  const p = await prober({ client, ...base, timeoutMs: PLAN.memory.timeoutMs }, ['--expose-gc']);
  const result = p.ask({ op: 'memory', ...PLAN.memory });
  await p.next('warmed');
  await server.hold();
  p.send({ op: 'go' });
  await p.next('started');
  const deadline = performance.now() + 20_000;
  let held = await server.held();
  while (held < PLAN.memory.k && performance.now() < deadline) {
    await sleep(20);
    held = await server.held();
  }
  if (held < PLAN.memory.k)
    process.stderr.write(`  (only ${held} of ${PLAN.memory.k} probes reached tools/list)\n`);
  await sleep(100);
  p.send({ op: 'sample' });
  await p.next('sampled');
  await server.release();
  const r = await result;
  await p.ask({ op: 'exit' });
  return r;
}

async function overhead(base) {
  const p = spawnChild(MEASURE);
  const r = await p.ask({ op: 'overhead', ...base, ...PLAN.overhead });
  await p.ask({ op: 'exit' });
  return r;
}

async function target(server, kind, era, label) {
  const base = { url: server.url, era };
  const row = { era, server: kind, serverLabel: label, paces: {} };
  for (const pace of ['saturation', 'monitor']) {
    const probers = {};
    try {
      for (const client of CLIENT_NAMES) probers[client] = await prober({ client, ...base });
      if (pace === 'saturation') {
        row.requests = await requests(probers, server);
        row.paces.saturation = await saturation(probers);
      } else row.paces.monitor = await monitor(probers);
    } finally {
      for (const p of Object.values(probers)) await p.ask({ op: 'exit' }).catch(() => {});
    }
  }
  row.memory = { mcpwatch: await memory('mcpwatch', base, server), sdk: await memory('sdk', base, server) };
  row.overhead = await overhead(base);
  return row;
}

function progress(row) {
  const f = (x) => x.toFixed(2);
  for (const client of CLIENT_NAMES) {
    const s = row.paces.saturation[client];
    const m = row.paces.monitor[client];
    const failed = s.failed + m.failed;
    process.stderr.write(
      `  ${`${row.era} ${row.server} ${client}`.padEnd(22)} c=20 ${f(s.perSecond)}/s ${f(s.cpuPerProbe)} ms CPU` +
        ` | paced ${f(m.cpuPerProbe)} ms CPU, median ${f(m.medianMs)} ms` +
        `${failed ? ` | ${failed} FAILED: ${s.firstFailure ?? m.firstFailure}` : ''}\n`,
    );
  }
  const m = row.memory;
  const o = row.overhead;
  process.stderr.write(
    `  ${`${row.era} ${row.server}`.padEnd(22)} KB per in-flight probe ${m.mcpwatch.heapPerProbeKb.toFixed(1)} (SDK ${m.sdk.heapPerProbeKb.toFixed(1)})` +
      ` | median ms mcpwatch ${f(o.mcpwatch)}, SDK ${f(o.sdk)}, hand-written ${f(o.raw)}\n`,
  );
}

/** bench/store.js in a process of its own; its figures come back as the last line of its output. */
async function store() {
  const file = fileURLToPath(new URL('./store.js', import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [file, '--json', ...(quick ? ['--quick'] : [])],
    { maxBuffer: 1 << 20 },
  );
  const lines = stdout.trim().split('\n');
  for (const line of lines.slice(0, -1)) process.stderr.write(`  ${line}\n`);
  return JSON.parse(lines.at(-1));
}

async function main() {
  const started = performance.now();
  const rows = [];
  for (const [kind, meta] of Object.entries(SERVERS)) {
    const server = await startServer(kind);
    try {
      for (const era of meta.eras) {
        const row = await target(server, kind, era, meta.label);
        progress(row);
        rows.push(row);
      }
    } finally {
      await server.stop();
    }
  }
  process.stderr.write('store:\n');
  const storeFigures = await store();
  const metrics = await measureMetrics();
  for (const line of describeMetrics(metrics)) process.stderr.write(`  ${line}\n`);
  const probeEndpoint = await measureProbeEndpoint({ quick });
  for (const line of describeProbeEndpoint(probeEndpoint)) process.stderr.write(`  ${line}\n`);
  const service = await measureService({ quick });
  for (const line of describeService(service)) process.stderr.write(`  ${line}\n`);
  const alerts = await measureAlerts({ quick });
  for (const line of describeAlerts(alerts)) process.stderr.write(`  ${line}\n`);
  const instrument = await measureInstrument({ quick });
  for (const line of describeInstrument(instrument)) process.stderr.write(`  ${line}\n`);
  const wrap = await measureWrap({ quick, progress: () => {} });
  for (const line of describeWrap(wrap)) process.stderr.write(`  ${line}\n`);
  const statusPage = await measureStatusPage({ quick });
  for (const line of describeStatusPage(statusPage).split('\n')) process.stderr.write(`  ${line}\n`);
  const web = await measureWeb({ quick, progress: (line) => process.stderr.write(`  ${line}\n`) });
  for (const line of describeWeb(web)) process.stderr.write(`  ${line}\n`);
  const run = {
    rows,
    plan: PLAN,
    store: storeFigures,
    service,
    alerts,
    instrument,
    wrap,
    statusPage,
    web,
    metrics,
    probeEndpoint,
    seconds: (performance.now() - started) / 1000,
    quick,
  };
  printReport(run);
  if (!quick) await writeDoc(run);
}

await main();
