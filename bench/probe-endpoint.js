// `node bench/probe-endpoint.js [--quick] [--json]` (after `npm run build`): what `GET /probe` adds to the probe
// it runs. The same MCP probe (default `mcp` module: auto-detection, modern era, tools/list) of a loopback v2 SDK
// server (in its own process) is run directly, by calling the probe function, and through `GET /probe` of
// `mcpwatch exporter` in this process, over a kept-alive loopback connection with Prometheus's headers, in
// alternating pairs. The figure is the per-pair difference (median and p99): parsing the request, planning,
// the HTTP round trip and rendering the metrics. Goal: < 2 ms added. The peer is the direct call itself:
// blackbox_exporter has no MCP prober to compare with.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { prepareMcpOptions, probeMcp } from '@mcpwatch/probe';
import pino from 'pino';
import { startExporter } from '../packages/mcpwatch/dist/exporter/exporter-server.js';
import { percentile } from './children.js';
import { startServer } from './servers.js';

export const GOAL_ADDED_MS = 2;

export function probeEndpointPlan(quick) {
  return { pairs: quick ? 100 : 500, warmup: quick ? 20 : 50 };
}

/** One GET on the kept-alive agent, as Prometheus scrapes: its Accept and scrape-timeout headers. */
function get(agent, url) {
  return new Promise((resolve, reject) => {
    const req = http.get(
      url,
      {
        agent,
        headers: {
          accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5',
          // 10.5 s less blackbox's 0.5 s offset is the module's 10 s: the same deadline as the direct call.
          'x-prometheus-scrape-timeout-seconds': '10.5',
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

export async function measureProbeEndpoint({ quick = false } = {}) {
  const plan = probeEndpointPlan(quick);
  const server = await startServer('v2');
  const exporter = await startExporter({
    port: 0,
    host: '127.0.0.1',
    env: {},
    log: pino({ level: 'silent' }),
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = `${exporter.url}/probe?module=mcp&target=${encodeURIComponent(server.url)}`;
  const options = prepareMcpOptions({ timeoutMs: 10_000 });
  const direct = async () => {
    const t0 = performance.now();
    const result = await probeMcp(server.url, options);
    if (result.status === 'down') throw new Error(`direct probe failed: ${result.message}`);
    return performance.now() - t0;
  };
  const viaRoute = async () => {
    const t0 = performance.now();
    const res = await get(agent, url);
    if (res.status !== 200 || !res.body.includes('\nprobe_success 1\n'))
      throw new Error(`/probe failed: ${res.status} ${res.body.slice(0, 300)}`);
    return performance.now() - t0;
  };
  try {
    for (let i = 0; i < plan.warmup; i++) {
      await direct();
      await viaRoute();
    }
    const directMs = [];
    const routeMs = [];
    const added = [];
    for (let i = 0; i < plan.pairs; i++) {
      // Alternating which goes first, so neither always follows the other's garbage or timers.
      let d;
      let r;
      if (i % 2 === 0) {
        d = await direct();
        r = await viaRoute();
      } else {
        r = await viaRoute();
        d = await direct();
      }
      directMs.push(d);
      routeMs.push(r);
      added.push(r - d);
    }
    const sorted = (xs) => [...xs].sort((a, b) => a - b);
    const [sd, sr, sa] = [sorted(directMs), sorted(routeMs), sorted(added)];
    return {
      pairs: plan.pairs,
      directMedianMs: percentile(sd, 0.5),
      directP99Ms: percentile(sd, 0.99),
      routeMedianMs: percentile(sr, 0.5),
      routeP99Ms: percentile(sr, 0.99),
      addedMedianMs: percentile(sa, 0.5),
      addedP99Ms: percentile(sa, 0.99),
    };
  } finally {
    agent.destroy();
    await exporter.close();
    await server.stop();
  }
}

export function describeProbeEndpoint(f) {
  const ms = (x) => `${x.toFixed(2)} ms`;
  return [
    `/probe (mcp module, v2 SDK server on loopback, ${f.pairs} alternating pairs):`,
    `  added by GET /probe: median ${ms(f.addedMedianMs)}, p99 ${ms(f.addedP99Ms)} (goal < ${GOAL_ADDED_MS} ms)`,
    `  through /probe: median ${ms(f.routeMedianMs)}, p99 ${ms(f.routeP99Ms)}; the probe called directly (the peer): median ${ms(f.directMedianMs)}, p99 ${ms(f.directP99Ms)}`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await measureProbeEndpoint({ quick: process.argv.includes('--quick') });
  console.log(
    process.argv.includes('--json')
      ? JSON.stringify(figures, null, 2)
      : describeProbeEndpoint(figures).join('\n'),
  );
}
