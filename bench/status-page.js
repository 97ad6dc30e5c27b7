// `node bench/status-page.js [--quick] [--json]` (after `npm run build`): a public status page served by
// mcpwatch itself, in this process, over real HTTP on 127.0.0.1. The store holds 10,000 monitors with daily
// history (rollups); the page shows 50 of them with their 90-day bars. Figures: the page's bytes (raw and
// gzip, as served), the server time of a request (median and p99 over many, the built page cached as in
// production), and the time to build the page when its cache is cold (a monitor's event, or every 5 s).
// Goals: < 50 KB and < 20 ms. Peer: Uptime Kuma is not installable here, so its figure is "not measured".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { startServer } from '../packages/mcpwatch/dist/start-server.js';
import { PAGE_TTL_MS } from '../packages/mcpwatch/dist/status/page-cache.js';
import { buildPublicPage } from '../packages/mcpwatch/dist/status/page-data.js';
import { renderHtml } from '../packages/mcpwatch/dist/status/render-html.js';
import { serviceSources } from '../packages/mcpwatch/dist/status/routes.js';
import { percentile } from './children.js';

const DAY = 86_400_000;

export function statusPagePlan(quick) {
  return {
    monitors: Number(process.env.BENCH_STATUS_MONITORS ?? 10_000),
    /** Daily results per monitor, written as history: the shown ones get all 90 days. */
    historyDays: quick ? 7 : 30,
    shown: 50,
    requests: quick ? 500 : 2000,
    builds: quick ? 10 : 30,
  };
}

const name = (i) => `m${String(i).padStart(5, '0')}`;

function writeConfig(file, plan, port) {
  const lines = ['monitors:'];
  for (let i = 0; i < plan.monitors; i++) {
    lines.push(
      `  - { name: ${name(i)}, group: g${i % 50}, kind: tcp, target: "127.0.0.1:${port}", intervalSec: 3600 }`,
    );
  }
  lines.push('statusPages:', '  - slug: bench', '    title: Bench status', '    items:');
  for (let i = 0; i < plan.shown; i++)
    lines.push(`      - { monitor: ${name(i)}, publicName: Service ${i} }`);
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** History straight into the store: one result a day (a few down days among the shown monitors). */
async function backfill(service, plan) {
  const today = Math.floor(Date.now() / DAY) * DAY;
  const views = service.monitors.list();
  let batch = [];
  const flush = async () => {
    await service.store.recordResults(batch);
    batch = [];
  };
  for (const view of views) {
    const index = Number(view.name.slice(1));
    const days = index < plan.shown ? 90 : plan.historyDays;
    for (let d = 1; d <= days; d++) {
      const down = index < plan.shown && (index * 7 + d) % 23 === 0;
      batch.push({
        monitorId: view.id,
        result: {
          startedAt: today - d * DAY + (index % 1440) * 60_000,
          status: down ? 'down' : 'up',
          message: down ? 'refused' : 'ok',
          durationMs: 20 + (index % 50),
          timings: {},
        },
      });
      if (batch.length >= 5000) await flush();
    }
  }
  await flush();
}

/** One GET on a kept-alive connection; resolves with the body's bytes and the time to the last byte. */
function get(agent, url, headers) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    http
      .get(url, { agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            body: Buffer.concat(chunks),
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          }),
        );
      })
      .on('error', reject);
  });
}

export async function measureStatusPage({ quick = false } = {}) {
  const plan = statusPagePlan(quick);
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-bench-status-'));
  const target = net.createServer((socket) => socket.end());
  await new Promise((resolve) => target.listen(0, '127.0.0.1', resolve));
  const config = join(dir, 'mcpwatch.yaml');
  writeConfig(config, plan, target.address().port);
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    database: join(dir, 'mcpwatch.db'),
    configFile: config,
    env: { MCPWATCH_ADMIN_PASSWORD: 'bench-status-password' },
    log: pino({ level: 'silent' }),
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await backfill(server.service, plan);
    const url = `${server.url}/status/bench`;
    // The page was built at start, before the history was written: past its time, a request has it rebuilt.
    await sleep(PAGE_TTL_MS + 100);
    await get(agent, url, {});
    await sleep(1000);
    const first = await get(agent, url, {});
    if (first.status !== 200) throw new Error(`GET /status/bench: HTTP ${first.status}`);
    const gzip = await get(agent, url, { 'accept-encoding': 'gzip' });
    // Server time: Fastify's own measure is not exposed, so the loopback round trip stands for it (an upper
    // bound: it includes the client's parsing and the kernel's loopback).
    const times = [];
    for (let i = 0; i < plan.requests; i++)
      times.push((await get(agent, url, { 'accept-encoding': 'gzip' })).ms);
    times.sort((a, b) => a - b);
    // A cold build: what a request pays when the cache has just been dropped (an event of a shown monitor).
    const page = server.service.fileStatusPages[0];
    const sources = serviceSources(server.service);
    const builds = [];
    const renders = [];
    for (let i = 0; i < plan.builds; i++) {
      const started = process.hrtime.bigint();
      const data = await buildPublicPage(page, sources, Date.now());
      const read = process.hrtime.bigint();
      gzipSync(renderHtml(data, '/status/bench/feed.atom'), { level: 6 });
      builds.push(Number(process.hrtime.bigint() - started) / 1e6);
      renders.push(Number(process.hrtime.bigint() - read) / 1e6);
    }
    builds.sort((a, b) => a - b);
    renders.sort((a, b) => a - b);
    const json = await get(agent, `${url}.json`, {});
    return {
      monitors: plan.monitors,
      shown: plan.shown,
      requests: plan.requests,
      rawBytes: first.body.length,
      gzipBytes: gzip.body.length,
      jsonBytes: json.body.length,
      bars: (first.body.toString('utf8').match(/class="bars"/g) ?? []).length,
      medianMs: percentile(times, 0.5),
      p99Ms: percentile(times, 0.99),
      coldBuildMedianMs: percentile(builds, 0.5),
      coldBuildP99Ms: percentile(builds, 0.99),
      renderMedianMs: percentile(renders, 0.5),
      peer: 'Uptime Kuma: not measured (not installable here)',
    };
  } finally {
    agent.destroy();
    await server.close(1000);
    await new Promise((resolve) => target.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

export function describeStatusPage(f) {
  const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
  return [
    `Status page: ${f.shown} services with 90-day bars, ${f.monitors.toLocaleString('en')} monitors in the store`,
    `  size: ${kb(f.rawBytes)} raw, ${kb(f.gzipBytes)} gzip (goal < 50 KB); JSON ${kb(f.jsonBytes)}`,
    `  served (cached, loopback round trip, ${f.requests} requests): median ${f.medianMs.toFixed(2)} ms, p99 ${f.p99Ms.toFixed(2)} ms (goal < 20 ms)`,
    `  built again (in the background once a page has been served): median ${f.coldBuildMedianMs.toFixed(1)} ms, p99 ${f.coldBuildP99Ms.toFixed(1)} ms, of which HTML and gzip ${f.renderMedianMs.toFixed(1)} ms`,
    `  peer: ${f.peer}`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await measureStatusPage({ quick: process.argv.includes('--quick') });
  console.log(
    process.argv.includes('--json') ? JSON.stringify(figures, null, 2) : describeStatusPage(figures),
  );
  process.exit(0);
}
