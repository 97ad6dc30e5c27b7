// `node bench/probe-endpoint.js [--quick] [--json]` (after `npm run build`): what `GET /probe` adds to the probe
// it runs. The same MCP probe (default `mcp` module: auto-detection, modern era, tools/list) of a loopback v2 SDK
// server (in its own process) is run directly, by calling the probe function, and through `GET /probe` of
// `mcpwatch exporter` in this process, over a kept-alive loopback connection with Prometheus's headers, in
// alternating pairs. The figure is the per-pair difference (median and p99): parsing the request, planning,
// the HTTP round trip and rendering the metrics. Goal: < 2 ms added. blackbox_exporter has no MCP prober, so the
// peer is measured on what both can do: an `http_2xx` probe of one plain loopback HTTP server, through
// blackbox_exporter's `/probe` (Debian's prometheus-blackbox-exporter) and through mcpwatch's, interleaved.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    const http2xx = await versusBlackbox(plan, exporter, agent);
    return {
      http2xx,
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

const BLACKBOX = '/usr/bin/prometheus-blackbox-exporter';

/** A port free a moment ago, for blackbox_exporter, which takes its address on the command line. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A child process answering every GET with 200 "ok": the target both exporters' http_2xx probes hit. */
async function plainHttpServer() {
  const child = spawn(
    process.execPath,
    [
      '-e',
      "require('node:http').createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', function () { console.log(this.address().port) })",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`the plain HTTP server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
}

/** Waits until something answers 200 at `url` (blackbox_exporter starting up), for at most 10 s. */
async function listening(url) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`nothing answered at ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * mcpwatch's and blackbox_exporter's `/probe` with module `http_2xx`, in alternating pairs against the same
 * plain HTTP target; undefined (with the reason) when blackbox_exporter is not installed.
 */
async function versusBlackbox(plan, exporter, agent) {
  if (!existsSync(BLACKBOX)) {
    return { skipped: `${BLACKBOX} not found (apt-get install -y prometheus-blackbox-exporter)` };
  }
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-bench-blackbox-'));
  const config = join(dir, 'blackbox.yml');
  writeFileSync(config, 'modules:\n  http_2xx:\n    prober: http\n    timeout: 10s\n');
  const port = await freePort();
  const blackbox = spawn(BLACKBOX, [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`], {
    stdio: 'ignore',
  });
  const target = await plainHttpServer();
  const peerAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await listening(`http://127.0.0.1:${port}/-/healthy`);
    const query = `/probe?module=http_2xx&target=${encodeURIComponent(target.url)}`;
    const once = async (base, a) => {
      const t0 = performance.now();
      const res = await get(a, `${base}${query}`);
      if (res.status !== 200 || !/\nprobe_success 1\n/.test(res.body))
        throw new Error(`${base}/probe failed: ${res.status} ${res.body.slice(0, 300)}`);
      return performance.now() - t0;
    };
    const ours = [];
    const theirs = [];
    for (let i = 0; i < plan.warmup + plan.pairs; i++) {
      const pair =
        i % 2 === 0
          ? [await once(exporter.url, agent), await once(`http://127.0.0.1:${port}`, peerAgent)]
          : [await once(exporter.url, agent), await once(`http://127.0.0.1:${port}`, peerAgent)].reverse();
      if (i < plan.warmup) continue;
      ours.push(pair[0]);
      theirs.push(pair[1]);
    }
    ours.sort((a, b) => a - b);
    theirs.sort((a, b) => a - b);
    return {
      oursMedianMs: percentile(ours, 0.5),
      oursP99Ms: percentile(ours, 0.99),
      blackboxMedianMs: percentile(theirs, 0.5),
      blackboxP99Ms: percentile(theirs, 0.99),
    };
  } finally {
    peerAgent.destroy();
    blackbox.kill();
    target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function describeProbeEndpoint(f) {
  const ms = (x) => `${x.toFixed(2)} ms`;
  return [
    `/probe (mcp module, v2 SDK server on loopback, ${f.pairs} alternating pairs):`,
    `  added by GET /probe: median ${ms(f.addedMedianMs)}, p99 ${ms(f.addedP99Ms)} (goal < ${GOAL_ADDED_MS} ms)`,
    `  through /probe: median ${ms(f.routeMedianMs)}, p99 ${ms(f.routeP99Ms)}; the probe called directly: median ${ms(f.directMedianMs)}, p99 ${ms(f.directP99Ms)}`,
    f.http2xx.skipped
      ? `  http_2xx beside blackbox_exporter: skipped, ${f.http2xx.skipped}`
      : `  /probe http_2xx of a loopback HTTP server: mcpwatch median ${ms(f.http2xx.oursMedianMs)}, p99 ${ms(f.http2xx.oursP99Ms)}; blackbox_exporter median ${ms(f.http2xx.blackboxMedianMs)}, p99 ${ms(f.http2xx.blackboxP99Ms)}`,
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
