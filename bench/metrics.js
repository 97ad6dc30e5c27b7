// `node bench/metrics.js [--json]` (after `npm run build`; `npm run bench` runs it too): the time to render
// `GET /metrics` for 10,000 monitors, each with a full last check (two phase timings, protocol, tools,
// certificate) and three uptime windows: about 180,000 series. The renderer alone, in this process: every
// chunk of `render()` pulled as the route pulls them (with its event-loop turns; the route adds only the send,
// and nothing joins the chunks), beside prom-client (the registry most Node services use) rendering the same
// series from gauges set to the same values, in the same run. Goal: < 100 ms. The scrape under load
// (Prometheus's 15 s interval while 10,000 monitors are checked) is measured by bench/service.js.
import { fileURLToPath } from 'node:url';
import { Gauge, Registry } from 'prom-client';
import { render } from '../packages/mcpwatch/dist/metrics/collect.js';
import { percentile } from './children.js';

const RUNS = 30;
const WARMUP = 3;

function fixture(count) {
  const last = {
    at: Date.now(),
    status: 'up',
    reason: null,
    message: 'ok',
    durationMs: 120,
    timings: { connect: 20, handshake: 100 },
    protocol: { version: '2025-06-18', era: 'legacy', transport: 'streamable-http' },
    tools: { count: 12, hash: 'a'.repeat(64) },
    tls: { validTo: '2027-01-01T00:00:00Z', chainValid: true, hostnameMatch: true },
  };
  const monitors = Array.from({ length: count }, (_, i) => ({
    id: i,
    name: `monitor-${i}`,
    kind: 'mcp',
    group: 'group',
    tags: ['prod', 'eu'],
    status: 'up',
    incidentOpen: false,
    lastCheck: last,
  }));
  const uptime = new Map(monitors.map((m) => [m.id, { '24h': 0.999, '7d': 0.998, '30d': 0.997 }]));
  const own = {
    scheduler: { jobs: count, running: 3, waiting: 0, lagMs: { p50: 1, p99: 5, max: 9 }, overruns: 0 },
    eventLoopLag: { p50: 0.01, p99: 0.02, max: 0.03 },
    outbox: { pending: 0, failed: 0 },
    ready: { store: true, scheduler: true, heartbeats: true, config: true },
    process: {
      cpuUserSeconds: 1,
      cpuSystemSeconds: 1,
      residentBytes: 1,
      heapUsedBytes: 1,
      heapTotalBytes: 1,
      startTimeSeconds: 1,
    },
  };
  return { monitors, uptime, own };
}

/** The same per-monitor series as prom-client gauges, set once: only `registry.metrics()` is timed. */
function promClientPeer({ monitors }) {
  const registry = new Registry();
  const base = ['monitor', 'kind', 'group', 'tags'];
  const gauge = (name, extra = []) =>
    new Gauge({ name, help: name, labelNames: [...base, ...extra], registers: [registry] });
  const success = gauge('mcpwatch_probe_success');
  const duration = gauge('mcpwatch_probe_duration_seconds', ['phase']);
  const state = gauge('mcpwatch_monitor_state', ['state']);
  const uptime = gauge('mcpwatch_uptime_ratio', ['window']);
  const lastCheck = gauge('mcpwatch_last_check_timestamp_seconds');
  const tools = gauge('mcpwatch_tools');
  const toolList = gauge('mcpwatch_tool_list_info', ['hash']);
  const protocol = gauge('mcpwatch_protocol_info', ['version', 'era', 'transport']);
  const cert = gauge('mcpwatch_tls_cert_expiry_timestamp_seconds');
  const incident = gauge('mcpwatch_incident_open');
  for (const m of monitors) {
    const l = { monitor: m.name, kind: m.kind, group: m.group, tags: m.tags.join(',') };
    const last = m.lastCheck;
    success.set(l, 1);
    duration.set({ ...l, phase: 'total' }, last.durationMs / 1000);
    for (const [phase, ms] of Object.entries(last.timings)) duration.set({ ...l, phase }, ms / 1000);
    for (const s of ['pending', 'up', 'degraded', 'down', 'paused'])
      state.set({ ...l, state: s }, s === m.status ? 1 : 0);
    for (const [window, ratio] of [
      ['24h', 0.999],
      ['7d', 0.998],
      ['30d', 0.997],
    ])
      uptime.set({ ...l, window }, ratio);
    lastCheck.set(l, last.at / 1000);
    tools.set(l, last.tools.count);
    toolList.set({ ...l, hash: last.tools.hash }, 1);
    protocol.set({ ...l, ...last.protocol }, 1);
    cert.set(l, Date.parse(last.tls.validTo) / 1000);
    incident.set(l, 0);
  }
  return registry;
}

/** `render(i)` resolves to the bytes rendered in run `i`. */
async function timed(render) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < RUNS + WARMUP; i++) {
    const start = performance.now();
    bytes = await render(i);
    const ms = performance.now() - start;
    if (i >= WARMUP) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { bytes, medianMs: percentile(times, 0.5), p99Ms: percentile(times, 0.99) };
}

/** Renders 10,000 monitors (or BENCH_METRICS_MONITORS) with mcpwatch's renderer, then with prom-client. */
export async function measureMetrics() {
  const monitors = Number(process.env.BENCH_METRICS_MONITORS ?? 10_000);
  const input = fixture(monitors);
  const ours = await timed(async (i) => {
    let bytes = 0;
    for await (const chunk of render(input, i % 2 ? 'openmetrics' : 'prometheus')) bytes += chunk.length;
    return bytes;
  });
  const registry = promClientPeer(input);
  const peer = await timed(async () => Buffer.byteLength(await registry.metrics()));
  return { monitors, ours, peer };
}

export function describeMetrics(m) {
  const line = (name, r) =>
    `${name}: ${(r.bytes / 1e6).toFixed(1)} MB, median ${r.medianMs.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms`;
  return [
    `/metrics, ${m.monitors.toLocaleString('en')} monitors, ${line('mcpwatch', m.ours)} (goal < 100 ms)`,
    `  the same per-monitor series, ${line('prom-client 15', m.peer)}`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await measureMetrics();
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else for (const line of describeMetrics(result)) console.log(line);
}
