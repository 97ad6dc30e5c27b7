// The alerting figures of issue 4: how long from the check that crosses a monitor's threshold to a webhook
// receiving the alert, and what 1,000 monitors going down at once do to the scheduler and to the messages
// sent, with and without a dependency declared. `node bench/alerts.js [--quick]` after `npm run build`;
// `npm run bench` runs it too (bench/run.js). Three processes: this one (the conductor), the HTTP targets and
// the webhook receiver (bench/alerts-receiver.js), and mcpwatch (bench/service-child.js: `startServer` on an
// SQLite database with a generated mcpwatch.yaml, pino at level warn). docs/benchmarks.md explains every figure.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, start, terminate, withCleanup, within } from './children.js';

const RECEIVER = fileURLToPath(new URL('./alerts-receiver.js', import.meta.url));
const CHILD = fileURLToPath(new URL('./service-child.js', import.meta.url));
// The conductor reads mcpwatch's outbox (read-only, beside the running service: SQLite in WAL mode) to know
// what is still queued; better-sqlite3 as the package resolves it.
const Database = createRequire(new URL('../packages/mcpwatch/package.json', import.meta.url))(
  'better-sqlite3',
);

/** The run's shape: the figures, or a smaller quick run. */
export function alertsPlan(quick) {
  return {
    /** Part 1: monitors that fail at once, each crossing its threshold (consecutiveFails 1) on one check. */
    latency: { monitors: quick ? 50 : 200, intervalSec: 2, consecutiveFails: 1, waitSec: 20 },
    /** Parts 2 and 3: the shared-dependency outage, with `dependsOn: [gateway]` and without. */
    outage: {
      monitors: quick ? 200 : 1000,
      intervalSec: 5,
      consecutiveFails: 2,
      gatewayIntervalSec: 1,
      /** How long messages are counted after everything fails, with the dependency declared. */
      windowSec: quick ? 12 : 20,
      /** After the grouped outage, the wait for every monitor up and the outbox empty. */
      backSec: quick ? 20 : 30,
      /** Without the dependency, the wait for every down message (then whatever arrived is reported). */
      deliverSec: quick ? 20 : 40,
    },
    sampleMs: 1000,
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function summary(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return { count: s.length, p50: percentile(s, 0.5), p99: percentile(s, 0.99), max: s.at(-1) ?? Number.NaN };
}

/** mcpwatch.yaml: one webhook channel, one route sending it everything, and the given monitors. */
function writeConfig(file, hookPort, targetPort, monitors) {
  const lines = [
    'channels:',
    `  hook: { type: webhook, url: "http://127.0.0.1:${hookPort}/hook" }`,
    'routes:',
    '  - channels: [hook]',
    'monitors:',
  ];
  for (const m of monitors) {
    const depends = m.dependsOn ? `, dependsOn: [${m.dependsOn.join(', ')}]` : '';
    lines.push(
      `  - { kind: http, name: ${m.name}, target: "http://127.0.0.1:${targetPort}/t/${m.name}", intervalSec: ${m.intervalSec}, consecutiveFails: ${m.consecutiveFails}${depends} }`,
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Starts mcpwatch on a fresh database and waits until every monitor has been checked up. */
async function startService(dir, name, monitors, receiver, progress) {
  const database = join(dir, `${name}.db`);
  const config = join(dir, `${name}.yaml`);
  writeConfig(config, receiver.ports.hookPort, receiver.ports.targetPort, monitors);
  // BENCH_ALERTS_PROFILE=<dir> writes a CPU profile of each mcpwatch process there (when it exits).
  const profile = process.env.BENCH_ALERTS_PROFILE;
  const service = start(
    CHILD,
    [database, config],
    profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`, `--cpu-prof-name=${name}.cpuprofile`] : [],
  );
  const ready = await within(service.next('ready'), 120_000, 'starting the service');
  const deadline = performance.now() + 60_000;
  for (;;) {
    await sleep(250);
    const m = await service.ask({ op: 'mark', statuses: true });
    if ((m.statuses.up ?? 0) === monitors.length) break;
    if (performance.now() > deadline)
      throw new Error(`only ${m.statuses.up ?? 0} of ${monitors.length} monitors came up within 60 s`);
  }
  progress(
    `  ${name}: service up in ${(ready.startedMs / 1000).toFixed(1)} s, ${monitors.length} monitors up`,
  );
  const db = new Database(database, { readonly: true, fileMustExist: true });
  const queued = db.prepare('select count(*) as n from outbox where done_at is null');
  service.queued = () => queued.get().n;
  service.closeDb = () => db.close();
  return service;
}

/** SIGTERM, as `mcpwatch serve` is stopped, then the process is waited for. */
async function stopService(service) {
  service.closeDb();
  await terminate(service);
}

/**
 * Waits until `done({ count, statuses, queued })` holds or `seconds` pass, asking mcpwatch for a mark (its
 * lag samples since the last one, its statuses), the receiver for its count and the outbox for the rows
 * still queued, every sample period; returns the messages received, the lags, and the last statuses and queue.
 */
async function watch(service, receiver, plan, seconds, done = () => false) {
  const lags = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  for (;;) {
    await sleep(Math.min(plan.sampleMs, Math.max(0, end - performance.now())));
    const m = await service.ask({ op: 'mark', statuses: true });
    lags.push(...m.lags);
    const { count } = await receiver.ask({ op: 'count' });
    const queued = service.queued();
    if (performance.now() >= end || done({ count, statuses: m.statuses, queued })) {
      const { messages } = await receiver.ask({ op: 'messages' });
      const elapsed = (performance.now() - started) / 1000;
      return { messages, lag: summary(lags), statuses: m.statuses, queued, seconds: elapsed };
    }
  }
}

function kinds(messages) {
  const out = {};
  for (const m of messages) out[m.kind] = (out[m.kind] ?? 0) + 1;
  return out;
}

/** Part 1: N monitors fail at once, each crossing its threshold on one check; then they recover. */
async function latency(dir, receiver, plan, progress) {
  const p = plan.latency;
  const monitors = Array.from({ length: p.monitors }, (_, i) => ({
    name: `m${i}`,
    intervalSec: p.intervalSec,
    consecutiveFails: p.consecutiveFails,
  }));
  const service = await startService(dir, 'latency', monitors, receiver, progress);
  const out = { monitors: p.monitors };
  for (const [phase, status] of [
    ['down', 500],
    ['recovered', 200],
  ]) {
    await receiver.ask({ op: 'reset' });
    await receiver.ask({ op: 'flip', status });
    const seen = await watch(service, receiver, plan, p.waitSec, ({ count }) => count >= p.monitors);
    const mine = seen.messages.filter((m) => m.kind === phase);
    out[phase] = {
      received: mine.length,
      kinds: kinds(seen.messages),
      latency: summary(mine.map((m) => m.latencyMs)),
      sinceAnswer: summary(mine.map((m) => m.sinceAnswerMs ?? Number.NaN)),
      lag: seen.lag,
    };
    const l = out[phase].latency;
    progress(
      `  ${phase}: ${mine.length} of ${p.monitors} received; event → webhook p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms`,
    );
  }
  await stopService(service);
  return out;
}

/**
 * Parts 2 and 3: N monitors and the gateway they share all start failing at once. With `dependsOn`, the
 * dependents' alerts are held while the gateway is down; without, each one sends its own.
 */
async function outage(dir, receiver, plan, grouped, progress) {
  const p = plan.outage;
  const monitors = [
    { name: 'gateway', intervalSec: p.gatewayIntervalSec, consecutiveFails: 1 },
    ...Array.from({ length: p.monitors }, (_, i) => ({
      name: `dep${i}`,
      intervalSec: p.intervalSec,
      consecutiveFails: p.consecutiveFails,
      ...(grouped ? { dependsOn: ['gateway'] } : {}),
    })),
  ];
  const name = grouped ? 'grouped' : 'ungrouped';
  const service = await startService(dir, name, monitors, receiver, progress);
  // Lag samples from the start-up are dropped: the window starts at the flip.
  await service.ask({ op: 'mark' });
  await receiver.ask({ op: 'reset' });
  const flipped = await receiver.ask({ op: 'flip', status: 500 });
  const seen = grouped
    ? await watch(service, receiver, plan, p.windowSec)
    : await watch(service, receiver, plan, p.deliverSec, ({ count }) => count >= monitors.length);
  const down = seen.messages.filter((m) => m.kind === 'down');
  const gateway = seen.messages.find((m) => m.name === 'gateway' && m.kind === 'down');
  const out = {
    monitors: monitors.length,
    grouped,
    seconds: seen.seconds,
    received: seen.messages.length,
    kinds: kinds(seen.messages),
    dependentsMessages: seen.messages.filter((m) => m.name !== 'gateway').length,
    gatewayListed: gateway?.dependentsListed ?? null,
    statuses: seen.statuses,
    queued: seen.queued,
    lag: seen.lag,
    latency: summary(down.map((m) => m.latencyMs)),
    lastAfterFlipMs: down.length ? Math.max(...down.map((m) => m.receivedAt)) - flipped.at : Number.NaN,
  };
  progress(
    `  ${name}: ${out.received} messages in ${out.seconds.toFixed(1)} s (${JSON.stringify(out.kinds)}), ${out.queued} still queued, statuses ${JSON.stringify(out.statuses)}, lag p99 ${out.lag.p99.toFixed(1)} ms over ${out.lag.count} starts`,
  );
  if (grouped) {
    // The way back: the gateway recovers first, its message summing up the dependents held; each dependent
    // still down after its next check then gets its held alert, and one back with the gateway says nothing. Counted until every monitor is up and
    // the outbox is empty, or `backSec`.
    await receiver.ask({ op: 'reset' });
    await receiver.ask({ op: 'flip', status: 200 });
    const back = await watch(
      service,
      receiver,
      plan,
      p.backSec,
      ({ statuses, queued }) => statuses.up === monitors.length && queued === 0,
    );
    out.recovery = {
      gatewayHeldListed:
        back.messages.find((m) => m.name === 'gateway' && m.kind === 'recovered')?.heldListed ?? null,
      seconds: back.seconds,
      received: back.messages.length,
      kinds: kinds(back.messages),
      queued: back.queued,
      lag: back.lag,
      statuses: back.statuses,
    };
    progress(
      `  grouped, way back: ${back.messages.length} messages in ${back.seconds.toFixed(1)} s (${JSON.stringify(out.recovery.kinds)}), ${back.queued} still queued, lag p99 ${back.lag.p99.toFixed(1)} ms`,
    );
  }
  await stopService(service);
  return out;
}

export async function measureAlerts({
  quick = false,
  progress = (line) => process.stderr.write(`${line}\n`),
} = {}) {
  const plan = alertsPlan(quick);
  const dir = mkdtempSync(join(tmpdir(), 'mcpwatch-bench-alerts-'));
  return withCleanup(dir, async () => {
    const receiver = start(RECEIVER, []);
    receiver.ports = await within(receiver.next('ready'), 10_000, 'starting the receiver');
    progress(
      `alerts: webhook receiver and HTTP targets on loopback ports ${receiver.ports.hookPort} and ${receiver.ports.targetPort}`,
    );
    const out = { plan };
    // BENCH_ALERTS_PARTS=latency,grouped,ungrouped runs only those (to profile one, say).
    const parts = (process.env.BENCH_ALERTS_PARTS ?? 'latency,grouped,ungrouped').split(',');
    if (parts.includes('latency')) out.latency = await latency(dir, receiver, plan, progress);
    await receiver.ask({ op: 'flip', status: 200 });
    if (parts.includes('grouped')) out.grouped = await outage(dir, receiver, plan, true, progress);
    await receiver.ask({ op: 'flip', status: 200 });
    if (parts.includes('ungrouped')) out.ungrouped = await outage(dir, receiver, plan, false, progress);
    await receiver.ask({ op: 'exit' }).catch(() => {});
    return out;
  });
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const ms = (s) => `p50 ${f1(s.p50)} ms, p99 ${f1(s.p99)} ms, max ${f1(s.max)} ms`;

/** The lines `node bench/alerts.js` prints. */
export function describeAlerts(a) {
  const out = [];
  const l = a.latency;
  if (l) {
    out.push(
      `${l.monitors} http monitors failing at once (interval ${a.plan.latency.intervalSec} s, consecutiveFails 1): ${l.down.received} down alerts received`,
      `  event → webhook ${ms(l.down.latency)}; failing answer → webhook ${ms(l.down.sinceAnswer)}`,
      `  recovery: ${l.recovered.received} received, event → webhook ${ms(l.recovered.latency)}`,
    );
  }
  const g = a.grouped;
  if (g) {
    out.push(
      `gateway + ${g.monitors - 1} dependents (dependsOn) failing at once: ${g.received} messages in ${f1(g.seconds)} s (${JSON.stringify(g.kinds)}; ${g.dependentsMessages} about dependents; the gateway's listed ${g.gatewayListed ?? '–'} dependents)`,
      `  statuses at the end ${JSON.stringify(g.statuses)}; scheduler lag ${ms(g.lag)} over ${g.lag.count} starts`,
      `  way back: ${g.recovery.received} messages in ${f1(g.recovery.seconds)} s (${JSON.stringify(g.recovery.kinds)}), ${g.recovery.queued} still queued; scheduler lag ${ms(g.recovery.lag)}`,
    );
  }
  const u = a.ungrouped;
  if (u) {
    out.push(
      `gateway + ${u.monitors - 1} monitors, no dependency, failing at once: ${u.received} messages, the last ${f1(u.lastAfterFlipMs / 1000)} s after the flip, ${u.queued} still queued`,
      `  event → webhook ${ms(u.latency)}; scheduler lag ${ms(u.lag)} over ${u.lag.count} starts`,
    );
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await measureAlerts({ quick: process.argv.includes('--quick') });
  for (const line of describeAlerts(result)) console.log(line);
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
}
