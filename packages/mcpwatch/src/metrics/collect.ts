import { nextTurn } from '../event-loop.js';
import type { SchedulerStats } from '../scheduler/scheduler.js';
import type { LastCheck, MonitorView } from '../service/monitor-view.js';
import { Exposition, escapeLabel, type Format } from './exposition.js';

/** The uptime windows exported as `mcpwatch_uptime_ratio{window=…}`. */
export const UPTIME_WINDOWS = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type UptimeWindow = keyof typeof UPTIME_WINDOWS;

const WINDOW_NAMES = Object.keys(UPTIME_WINDOWS) as UptimeWindow[];
const STATES = ['pending', 'up', 'degraded', 'down', 'paused'] as const;
const STATE_LABELS = STATES.map((s) => `,state="${s}"`);

export interface OwnHealth {
  scheduler: SchedulerStats;
  /** Event-loop delay in seconds since the last scrape. */
  eventLoopLag: { p50: number; p99: number; max: number };
  /** The readiness checks of /ready, by part; absent until first evaluated. */
  ready?: Readonly<Record<string, boolean>>;
  /** Notification outbox rows pending and failed; absent until first counted. */
  outbox?: { pending: number; failed: number };
  process: {
    cpuUserSeconds: number;
    cpuSystemSeconds: number;
    residentBytes: number;
    heapUsedBytes: number;
    heapTotalBytes: number;
    startTimeSeconds: number;
  };
}

export interface MetricsInput {
  monitors: readonly MonitorView[];
  /** Uptime per monitor id and window, null when nothing was checked in the window. */
  uptime: ReadonlyMap<number, Partial<Record<UptimeWindow, number | null>>>;
  /** When heartbeat monitors were last pinged (epoch ms), by monitor id. */
  lastPings?: ReadonlyMap<number, number>;
  own: OwnHealth;
}

type Sample = readonly [string, number];

/**
 * Chunks rendered between two turns of the event loop: 4 × 64 KiB is about a millisecond of rendering, so a
 * scrape of 10,000 monitors (about 300 chunks) never holds checks for longer than that, and costs some 75
 * turns instead of one per chunk.
 */
const CHUNKS_PER_TURN = 4;

/**
 * The Prometheus exposition of every monitor and of mcpwatch itself, as chunks of about 64 KiB yielded as they
 * are rendered: `/metrics` writes each one to the response before the next is rendered, so a scrape holds a
 * few chunks, not the 16–20 MB page of 10,000 monitors. Every per-monitor series carries `monitor`, `kind`,
 * `group` ('' when none) and `tags` (comma-joined, '' when none). The event loop gets a turn every few chunks;
 * a consumer that stops pulling (a scraper that hung up) stops the render.
 */
export async function* render(input: MetricsInput, format: Format): AsyncGenerator<Buffer, void, undefined> {
  let sinceTurn = 0;
  for (const chunk of chunks(input, format)) {
    yield chunk;
    if (++sinceTurn === CHUNKS_PER_TURN) {
      sinceTurn = 0;
      await nextTurn();
    }
  }
}

/** The whole exposition in one buffer (tests, bench/metrics.js): the chunks of `render()`, joined. */
export async function collect(input: MetricsInput, format: Format): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of render(input, format)) parts.push(chunk);
  return Buffer.concat(parts);
}

/**
 * The render itself, synchronous, so the turns are `render()`'s alone and the `yield*` after each monitor costs
 * no promise (an async generator awaits every value it delegates). Chunks are taken after each monitor, so
 * none waits for the end of its family.
 */
function* chunks(input: MetricsInput, format: Format): Generator<Buffer, void, undefined> {
  const { monitors } = input;
  const out = new Exposition(format);
  const labels = monitors.map(
    (m) =>
      `monitor="${escapeLabel(m.name)}",kind="${escapeLabel(m.kind)}",group="${escapeLabel(m.group ?? '')}",tags="${escapeLabel(m.tags.join(','))}"`,
  );
  /** One family over the monitors that have a last check, `each` writing their samples. */
  function* perCheck(
    name: string,
    type: 'gauge' | 'info',
    help: string,
    each: (last: LastCheck, base: string) => void,
  ): Generator<Buffer, void, undefined> {
    out.header(name, type, help);
    for (let i = 0; i < monitors.length; i++) {
      const last = monitors[i]?.lastCheck;
      if (last) each(last, labels[i] as string);
      if (out.ready) yield* out.take();
    }
  }

  out.header(
    'mcpwatch_probe_success',
    'gauge',
    'Whether the last check answered (1: up or degraded, 0: down).',
  );
  for (let i = 0; i < monitors.length; i++) {
    const m = monitors[i] as MonitorView;
    // A heartbeat monitor has no check of its own until a deadline passes, and any monitor's last check is
    // in memory only: without one, its stored status (set by pings, kept across restarts) answers.
    const status = m.lastCheck?.status ?? m.status;
    if (status === 'up' || status === 'degraded' || status === 'down')
      out.sample('mcpwatch_probe_success', labels[i] as string, '', status === 'down' ? 0 : 1);
    if (out.ready) yield* out.take();
  }
  yield* perCheck(
    'mcpwatch_probe_duration_seconds',
    'gauge',
    'Duration of the last check, in total and per probe phase.',
    (last, base) => {
      out.sample('mcpwatch_probe_duration_seconds', base, ',phase="total"', last.durationMs / 1000);
      const timings = last.timings;
      if (!timings) return;
      for (const phase in timings) {
        const ms = timings[phase as keyof typeof timings];
        if (typeof ms === 'number')
          out.sample('mcpwatch_probe_duration_seconds', base, `,phase="${phase}"`, ms / 1000);
      }
    },
  );
  out.header(
    'mcpwatch_monitor_state',
    'gauge',
    'The monitor status: 1 for the current state, 0 for the others.',
  );
  for (let i = 0; i < monitors.length; i++) {
    const status = monitors[i]?.status;
    for (let s = 0; s < STATES.length; s++) {
      out.sample(
        'mcpwatch_monitor_state',
        labels[i] as string,
        STATE_LABELS[s] as string,
        status === STATES[s] ? 1 : 0,
      );
    }
    if (out.ready) yield* out.take();
  }
  out.header(
    'mcpwatch_uptime_ratio',
    'gauge',
    'Uptime over the window: (up + degraded) / checks outside maintenance; refreshed every 60 s.',
  );
  for (let i = 0; i < monitors.length; i++) {
    const windows = input.uptime.get(monitors[i]?.id as number);
    if (!windows) continue;
    for (const w of WINDOW_NAMES) {
      const ratio = windows[w];
      if (ratio !== undefined && ratio !== null)
        out.sample('mcpwatch_uptime_ratio', labels[i] as string, `,window="${w}"`, ratio);
    }
    if (out.ready) yield* out.take();
  }
  yield* perCheck(
    'mcpwatch_last_check_timestamp_seconds',
    'gauge',
    'When the result of the last check was recorded.',
    (last, base) => out.sample('mcpwatch_last_check_timestamp_seconds', base, '', last.at / 1000),
  );
  yield* perCheck(
    'mcpwatch_tools',
    'gauge',
    'Number of tools the server listed at the last check.',
    (last, base) => {
      if (last.tools) out.sample('mcpwatch_tools', base, '', last.tools.count);
    },
  );
  yield* perCheck(
    'mcpwatch_tool_list_info',
    'info',
    'Hash of the tool list at the last check.',
    (last, base) => {
      if (last.tools?.hash)
        out.sample('mcpwatch_tool_list_info', base, `,hash="${escapeLabel(last.tools.hash)}"`, 1);
    },
  );
  yield* perCheck(
    'mcpwatch_protocol_info',
    'info',
    'MCP protocol version, era and transport of the last handshake.',
    (last, base) => {
      const p = last.protocol;
      if (!p) return;
      const more = `,version="${escapeLabel(p.version ?? '')}",era="${escapeLabel(p.era ?? '')}",transport="${escapeLabel(p.transport)}"`;
      out.sample('mcpwatch_protocol_info', base, more, 1);
    },
  );
  yield* perCheck(
    'mcpwatch_tls_cert_expiry_timestamp_seconds',
    'gauge',
    'When the certificate seen by the last check expires.',
    (last, base) => {
      const validTo = last.tls?.validTo ? Date.parse(last.tls.validTo) : Number.NaN;
      if (!Number.isNaN(validTo))
        out.sample('mcpwatch_tls_cert_expiry_timestamp_seconds', base, '', validTo / 1000);
    },
  );
  out.header(
    'mcpwatch_heartbeat_last_ping_timestamp_seconds',
    'gauge',
    'When a heartbeat monitor was last pinged (since mcpwatch started).',
  );
  if (input.lastPings) {
    for (let i = 0; i < monitors.length; i++) {
      const at = input.lastPings.get(monitors[i]?.id as number);
      if (at !== undefined)
        out.sample('mcpwatch_heartbeat_last_ping_timestamp_seconds', labels[i] as string, '', at / 1000);
      if (out.ready) yield* out.take();
    }
  }
  out.header('mcpwatch_incident_open', 'gauge', 'Whether the monitor has an open incident.');
  let openIncidents = 0;
  for (let i = 0; i < monitors.length; i++) {
    const open = monitors[i]?.incidentOpen === true;
    if (open) openIncidents++;
    out.sample('mcpwatch_incident_open', labels[i] as string, '', open ? 1 : 0);
    if (out.ready) yield* out.take();
  }
  out.family('mcpwatch_incidents_open', 'gauge', 'Open incidents across all monitors.', [
    ['', openIncidents],
  ]);
  out.family('mcpwatch_monitors', 'gauge', 'Monitors known to the service.', [['', monitors.length]]);

  const { scheduler, eventLoopLag, outbox, process: p } = input.own;
  if (input.own.ready) {
    out.family(
      'mcpwatch_ready',
      'gauge',
      'Whether each readiness check of /ready passes (store, scheduler, heartbeats, config); refreshed every 15 s.',
      Object.entries(input.own.ready).map(([check, ok]): Sample => [`check="${check}"`, ok ? 1 : 0]),
    );
  }
  const quantiles = (v: { p50: number; p99: number; max: number }): Sample[] => [
    ['stat="p50"', v.p50],
    ['stat="p99"', v.p99],
    ['stat="max"', v.max],
  ];
  out.family(
    'mcpwatch_scheduler_lag_seconds',
    'gauge',
    'How late checks started after their slot, over the last 1,024 starts.',
    quantiles({
      p50: scheduler.lagMs.p50 / 1000,
      p99: scheduler.lagMs.p99 / 1000,
      max: scheduler.lagMs.max / 1000,
    }),
  );
  out.family('mcpwatch_checks_in_flight', 'gauge', 'Checks running now.', [['', scheduler.running]]);
  out.family('mcpwatch_checks_waiting', 'gauge', 'Checks due but waiting for a free slot.', [
    ['', scheduler.waiting],
  ]);
  out.family('mcpwatch_scheduler_jobs', 'gauge', 'Monitors on the schedule.', [['', scheduler.jobs]]);
  out.family('mcpwatch_scheduler_overruns_total', 'counter', 'Checks that outlived their interval.', [
    ['', scheduler.overruns],
  ]);
  out.family(
    'mcpwatch_event_loop_lag_seconds',
    'gauge',
    'Event-loop delay since the previous scrape.',
    quantiles(eventLoopLag),
  );
  if (outbox) {
    out.family('mcpwatch_notification_outbox_pending', 'gauge', 'Notifications waiting to be sent.', [
      ['', outbox.pending],
    ]);
    out.family('mcpwatch_notification_outbox_failed', 'gauge', 'Notifications that failed for good.', [
      ['', outbox.failed],
    ]);
  }
  out.family('process_cpu_user_seconds_total', 'counter', 'User CPU time spent in seconds.', [
    ['', p.cpuUserSeconds],
  ]);
  out.family('process_cpu_system_seconds_total', 'counter', 'System CPU time spent in seconds.', [
    ['', p.cpuSystemSeconds],
  ]);
  out.family('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', [
    ['', p.cpuUserSeconds + p.cpuSystemSeconds],
  ]);
  out.family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [
    ['', p.residentBytes],
  ]);
  out.family(
    'process_start_time_seconds',
    'gauge',
    'Start time of the process since unix epoch in seconds.',
    [['', p.startTimeSeconds]],
  );
  out.family('nodejs_heap_size_used_bytes', 'gauge', 'Process heap size used from Node.js in bytes.', [
    ['', p.heapUsedBytes],
  ]);
  out.family('nodejs_heap_size_total_bytes', 'gauge', 'Process heap size from Node.js in bytes.', [
    ['', p.heapTotalBytes],
  ]);
  out.end();
  yield* out.take();
}
