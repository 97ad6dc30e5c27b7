// `node bench/metrics.js [--json]` (after `npm run build`): the time to render `GET /metrics` for 10,000
// monitors, each with a full last check (two phase timings, protocol, tools, certificate) and three uptime
// windows: about 180,000 series. The renderer alone, in this process (the route adds only the send).
// Goal: < 100 ms. Not yet part of `npm run bench` / docs/benchmarks.md.
import { collect } from '../packages/mcpwatch/dist/metrics/collect.js';
import { percentile } from './children.js';

const MONITORS = Number(process.env.BENCH_METRICS_MONITORS ?? 10_000);
const RUNS = 30;

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
const monitors = Array.from({ length: MONITORS }, (_, i) => ({
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
  scheduler: { jobs: MONITORS, running: 3, waiting: 0, lagMs: { p50: 1, p99: 5, max: 9 }, overruns: 0 },
  eventLoopLag: { p50: 0.01, p99: 0.02, max: 0.03 },
  outbox: { pending: 0, failed: 0 },
  process: {
    cpuUserSeconds: 1,
    cpuSystemSeconds: 1,
    residentBytes: 1,
    heapUsedBytes: 1,
    heapTotalBytes: 1,
    startTimeSeconds: 1,
  },
};

const times = [];
let bytes = 0;
for (let i = 0; i < RUNS + 3; i++) {
  const start = performance.now();
  const body = await collect({ monitors, uptime, own }, i % 2 ? 'openmetrics' : 'prometheus');
  const ms = performance.now() - start;
  bytes = body.length;
  if (i >= 3) times.push(ms);
}
times.sort((a, b) => a - b);
const result = {
  monitors: MONITORS,
  bytes,
  medianMs: percentile(times, 0.5),
  p99Ms: percentile(times, 0.99),
};
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else
  console.log(
    `/metrics, ${MONITORS} monitors: ${(bytes / 1e6).toFixed(1)} MB, median ${result.medianMs.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms (goal < 100 ms)`,
  );
