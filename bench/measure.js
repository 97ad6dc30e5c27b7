// A prober process: it holds one client and runs what the parent asks, so each CPU figure is this
// process's own. Every command is { op, ... } over IPC and gets one reply with the same op.
import { CLIENT_NAMES, makeProbe } from './probers.js';

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sleepUntil = (epochMs) => sleep(Math.max(0, epochMs - Date.now()));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : Number.NaN;
};

let probe;
/** Every probe this process ran, so the parent can turn server-side request counts into per-probe ones. */
let total = 0;
const failures = { count: 0, first: undefined };

async function one() {
  const r = await probe();
  total++;
  if (!r.ok) {
    failures.count++;
    failures.first ??= r.detail ?? 'not ok';
  }
  return r;
}

/** `concurrency` loops probing back to back for `ms`. */
async function block({ ms, concurrency }) {
  let running = true;
  const durations = [];
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) durations.push((await one()).durationMs);
  });
  const t0 = performance.now();
  await sleep(ms);
  running = false;
  await Promise.all(loops);
  return { probes: durations.length, ms: performance.now() - t0, medianMs: median(durations) };
}

/**
 * One probe at a time on a fixed period, slots taken at absolute times so several prober processes can
 * share the wall clock without overlapping: `burst` probes back to back (JIT warm-up), then the pace from
 * `startAt` for `warmupMs` (so earlier probes' timers expire inside the window at the steady rate), then
 * the measured `count` probes. The window ends one period after the last probe started.
 */
async function paced({ burst, startAt, periodMs, warmupMs, count }) {
  for (let i = 0; i < burst; i++) await one();
  const warmSlots = Math.ceil(warmupMs / periodMs);
  for (let i = 0; i < warmSlots; i++) {
    await sleepUntil(startAt + i * periodMs);
    await one();
  }
  const windowAt = startAt + warmSlots * periodMs;
  await sleepUntil(windowAt);
  const cpu0 = cpuMs();
  const t0 = performance.now();
  const durations = [];
  for (let i = 0; i < count; i++) {
    await sleepUntil(windowAt + i * periodMs);
    durations.push((await one()).durationMs);
  }
  await sleepUntil(windowAt + count * periodMs);
  const seconds = (performance.now() - t0) / 1000;
  return {
    probes: count,
    cpuPerProbe: (cpuMs() - cpu0) / count,
    perSecond: count / seconds,
    medianMs: median(durations),
  };
}

/** Tells the parent something and waits for its answer. */
function ask(msg, op) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m.op !== op) return;
      process.off('message', on);
      resolve(m);
    };
    process.on('message', on);
    process.send(msg);
  });
}

function heap() {
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.external, rss: m.rss };
}

/** `k` probes held in flight by a server that sits on tools/list: retained heap per probe. */
async function memory({ k, warmup }) {
  for (let i = 0; i < warmup; i++) await one();
  await sleep(50);
  await ask({ op: 'warmed' }, 'go');
  const before = heap();
  const all = Array.from({ length: k }, () => one());
  await ask({ op: 'started' }, 'sample');
  const during = heap();
  process.send({ op: 'sampled' });
  await Promise.all(all);
  return {
    heapPerProbeKb: (during.heap - before.heap) / k / 1024,
    rssPerProbeKb: (during.rss - before.rss) / k / 1024,
  };
}

/** Every client in this one process, interleaved one at a time on a quiet server: median durations. */
async function overhead({ url, era, count, gapMs }) {
  const clients = {};
  for (const name of CLIENT_NAMES) clients[name] = await makeProbe(name, url, era);
  const samples = Object.fromEntries(CLIENT_NAMES.map((name) => [name, []]));
  for (let i = 0; i < 10; i++) for (const c of Object.values(clients)) await c();
  for (let i = 0; i < count; i++) {
    for (const name of CLIENT_NAMES) {
      const r = await clients[name]();
      if (r.ok) samples[name].push(r.durationMs);
      await sleep(gapMs);
    }
  }
  return Object.fromEntries(CLIENT_NAMES.map((name) => [name, median(samples[name])]));
}

const handlers = {
  init: async ({ client, url, era, timeoutMs }) => {
    probe = await makeProbe(client, url, era, timeoutMs);
    return {};
  },
  mark: async () => ({ cpu: cpuMs(), total, failed: failures.count, firstFailure: failures.first }),
  block,
  paced,
  memory,
  overhead,
  exit: async () => {
    setImmediate(() => process.exit(0));
    return {};
  },
};

process.on('message', async (msg) => {
  const handler = handlers[msg.op];
  if (!handler) return;
  const result = await handler(msg);
  process.send({ op: msg.op, ...result });
});
