// `node bench/web.js [--quick] [--json]` (after `npm run build`, which builds the dashboard): the web figures —
// the dashboard's overview and monitor page in Debian's headless Chromium against `mcpwatch serve` holding
// 10,000 monitors with history, and the JavaScript the overview loads (gzip). Goals: overview < 1.5 s, monitor
// page < 500 ms, overview JS < 150 KB gzipped. The status page is bench/status-page.js's. Never a downloaded
// browser: CHROMIUM_PATH or /usr/bin/chromium.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { openStore } from '../packages/mcpwatch/dist/store/index.js';

const BIN = fileURLToPath(new URL('../packages/mcpwatch/bin/mcpwatch.js', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'bench-web-password';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function webPlan(quick) {
  return {
    monitors: Number(process.env.BENCH_WEB_MONITORS ?? 10_000),
    /** History per monitor: one result an hour over the last day, one a day before that. */
    historyDays: quick ? 7 : 30,
    runs: quick ? 3 : 7,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A TCP listener every monitor points at: the checks that do run (one an hour each) succeed. */
async function listener() {
  const server = net.createServer((socket) => socket.end());
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function writeConfig(file, plan, port) {
  const lines = ['monitors:'];
  for (let i = 0; i < plan.monitors; i++) {
    lines.push(
      `  - { name: m${String(i).padStart(5, '0')}, group: g${i % 50}, kind: tcp, target: "127.0.0.1:${port}", intervalSec: 3600 }`,
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** `mcpwatch serve` on a free port; resolves with its URL once it listens. */
function startServe(data, config) {
  const env = { ...process.env, MCPWATCH_ADMIN_PASSWORD: PASSWORD };
  for (const key of Object.keys(env))
    if (key.startsWith('MCPWATCH_') && key !== 'MCPWATCH_ADMIN_PASSWORD') delete env[key];
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', data, '--config', config],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let text = '';
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`mcpwatch did not start in 300 s:\n${text.slice(-2000)}`)),
      300_000,
    );
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      text += chunk;
      for (const line of text.split('\n')) {
        if (!line.startsWith('{') || !line.includes('serving on')) continue;
        let msg = '';
        try {
          msg = JSON.parse(line).msg ?? '';
        } catch {}
        const match = /^mcpwatch is serving on (\S+)/.exec(msg);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      }
      if (text.length > 1e6) text = text.slice(-1e5);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mcpwatch exited (${code}):\n${text.slice(-2000)}`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, url, stop };
}

/** History for every monitor the file created, written through the store API while the service is stopped. */
async function seedHistory(database, plan, now) {
  const store = await openStore(`sqlite:${database}`);
  try {
    const monitors = await store.listMonitors();
    const at = [];
    for (let h = 1; h <= 24; h++) at.push(now - h * HOUR);
    for (let d = 2; d <= plan.historyDays; d++) at.push(now - d * DAY);
    let batch = [];
    for (const [i, m] of monitors.entries()) {
      for (const [k, t] of at.entries()) {
        const down = (i + k) % 53 === 0;
        batch.push({
          monitorId: m.id,
          result: {
            startedAt: t,
            status: down ? 'down' : 'up',
            durationMs: 5 + ((i * 7 + k * 13) % 120),
            message: down ? 'connection refused' : 'ok',
            timings: { connect: 1 },
          },
        });
      }
      if (batch.length >= 20_000) {
        await store.recordResults(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await store.recordResults(batch);
    return monitors.length;
  } finally {
    await store.close?.();
  }
}

async function login(url) {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin', password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`login: HTTP ${response.status}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('mcpwatch_session='));
  const [name, value] = cookie.split(';')[0].split('=');
  return { name, value };
}

/** Body bytes as sent over the wire with `accept-encoding: gzip`, and the raw size. */
function wireSize(url, cookie) {
  const sized = (encoding) =>
    new Promise((resolve, reject) => {
      const headers = { 'accept-encoding': encoding };
      if (cookie) headers.cookie = `${cookie.name}=${cookie.value}`;
      http
        .get(url, { headers }, (res) => {
          let bytes = 0;
          const chunks = [];
          res.on('data', (c) => {
            bytes += c.length;
            chunks.push(c);
          });
          res.on('end', () =>
            resolve({ bytes, encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }),
          );
        })
        .on('error', reject);
    });
  return Promise.all([sized('gzip'), sized('identity')]).then(([gz, raw]) => ({
    raw: raw.bytes,
    // Served without gzip (a small file): what gzip would make of it, so the sum is comparable.
    gzip: gz.encoding === 'gzip' ? gz.bytes : gzipSync(raw.body, { level: 9 }).length,
    servedGzip: gz.encoding === 'gzip',
  }));
}

/** Navigation start → `document.body.dataset.ready === view`, from inside the page (performance.now()). */
async function timeView(browser, cookie, url, view, { warm = false, onResponse } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const origin = new URL(url).origin;
    await context.addCookies([{ ...cookie, url: origin }]);
    await context.addInitScript(() => {
      window.__ready = {};
      new MutationObserver(() => {
        const v = document.body?.dataset.ready;
        if (v && window.__ready[v] === undefined) window.__ready[v] = performance.now();
      }).observe(document, {
        subtree: true,
        attributes: true,
        attributeFilter: ['data-ready'],
        childList: true,
      });
    });
    const page = await context.newPage();
    if (onResponse) page.on('response', onResponse);
    const load = async () => {
      await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
      await page.waitForFunction((v) => window.__ready?.[v] !== undefined, view, {
        timeout: 60_000,
        polling: 50,
      });
      return page.evaluate((v) => window.__ready[v], view);
    };
    const cold = await load();
    return warm ? { cold, warm: await load() } : { cold };
  } finally {
    await context.close();
  }
}

export async function measureWeb({
  quick = false,
  progress = (line) => process.stderr.write(`${line}\n`),
} = {}) {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  const plan = webPlan(quick);
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-bench-web-'));
  const config = join(dir, 'mcpwatch.yaml');
  const data = join(dir, 'data');
  const tcp = await listener();
  let serve;
  let browser;
  try {
    writeConfig(config, plan, tcp.address().port);
    progress(
      `web: ${plan.monitors.toLocaleString('en')} tcp monitors at 3600 s, ${plan.historyDays} days of history each`,
    );
    // 1. The file's monitors into a fresh store, then history written beside them with the service stopped.
    serve = startServe(data, config);
    await serve.url;
    await serve.stop();
    const t = performance.now();
    const seeded = await seedHistory(join(data, 'mcpwatch.db'), plan, Date.now());
    progress(
      `  seeded ${seeded.toLocaleString('en')} monitors' history in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    serve = startServe(data, config);
    const url = await serve.url;
    const cookie = await login(url);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const out = { plan, chromium: browser.version() };

    // 2. The overview, cold (a fresh browser profile each run) and warm (loaded again in the same one).
    const scripts = new Set();
    const overview = { cold: [], warm: [] };
    for (let i = 0; i < plan.runs; i++) {
      const r = await timeView(browser, cookie, `${url}/`, 'overview', {
        warm: true,
        onResponse: (res) => {
          if (res.request().resourceType() === 'script') scripts.add(res.url());
        },
      });
      overview.cold.push(r.cold);
      overview.warm.push(r.warm);
    }
    out.overview = { coldMs: median(overview.cold), warmMs: median(overview.warm), runs: overview };
    progress(
      `  overview: ${out.overview.coldMs.toFixed(0)} ms cold, ${out.overview.warmMs.toFixed(0)} ms warm`,
    );

    // 3. The JavaScript the overview loaded, as sent with gzip.
    const sizes = await Promise.all([...scripts].map((s) => wireSize(s, cookie)));
    out.overviewJs = {
      files: sizes.length,
      gzipBytes: sizes.reduce((a, s) => a + s.gzip, 0),
      rawBytes: sizes.reduce((a, s) => a + s.raw, 0),
    };

    // 4. A monitor page, in the middle of the list.
    const { monitors } = await (
      await fetch(`${url}/api/v1/monitors?q=m05000`, {
        headers: { cookie: `${cookie.name}=${cookie.value}` },
      })
    ).json();
    const id = monitors[0]?.id ?? 1;
    const monitor = { cold: [], warm: [] };
    const monitorScripts = new Set();
    for (let i = 0; i < plan.runs; i++) {
      const r = await timeView(browser, cookie, `${url}/monitors/${id}`, 'monitor', {
        warm: true,
        onResponse: (res) => {
          if (res.request().resourceType() === 'script') monitorScripts.add(res.url());
        },
      });
      monitor.cold.push(r.cold);
      monitor.warm.push(r.warm);
    }
    const monitorSizes = await Promise.all([...monitorScripts].map((s) => wireSize(s, cookie)));
    out.monitorPage = {
      coldMs: median(monitor.cold),
      warmMs: median(monitor.warm),
      runs: monitor,
      /** Everything a monitor page opened directly loads: the app and the page's own chunks (uPlot). */
      jsGzipBytes: monitorSizes.reduce((a, s) => a + s.gzip, 0),
      jsFiles: monitorSizes.length,
    };
    progress(
      `  monitor page: ${out.monitorPage.coldMs.toFixed(0)} ms cold, ${out.monitorPage.warmMs.toFixed(0)} ms warm`,
    );

    return out;
  } finally {
    await browser?.close();
    await serve?.stop();
    tcp.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function describeWeb(w) {
  const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
  const n = w.plan.monitors.toLocaleString('en');
  return [
    `Dashboard overview with ${n} monitors, first render in Chromium ${w.chromium}: median ${w.overview.coldMs.toFixed(0)} ms cold, ${w.overview.warmMs.toFixed(0)} ms warm of ${w.plan.runs} runs (goal < 1.5 s)`,
    `Monitor page (${w.plan.historyDays} days of history): median ${w.monitorPage.coldMs.toFixed(0)} ms cold, ${w.monitorPage.warmMs.toFixed(0)} ms warm (goal < 500 ms); its JavaScript ${kb(w.monitorPage.jsGzipBytes)} gzipped in ${w.monitorPage.jsFiles} files`,
    `JavaScript the overview loads: ${kb(w.overviewJs.gzipBytes)} gzipped (${kb(w.overviewJs.rawBytes)} raw, ${w.overviewJs.files} file${w.overviewJs.files === 1 ? '' : 's'}; goal < 150 KB)`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await measureWeb({ quick: process.argv.includes('--quick') });
  for (const line of describeWeb(result)) console.log(line);
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
}
