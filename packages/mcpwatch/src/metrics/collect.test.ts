import { describe, expect, it } from 'vitest';
import type { MonitorView } from '../service/monitor-view.js';
import { collect, type MetricsInput, type OwnHealth, render } from './collect.js';
import { CHUNK_CHARS, escapeLabel } from './exposition.js';

const own: OwnHealth = {
  scheduler: { jobs: 2, running: 1, waiting: 0, lagMs: { p50: 5, p99: 20, max: 40 }, overruns: 3 },
  eventLoopLag: { p50: 0.01, p99: 0.02, max: 0.05 },
  ready: { store: true, scheduler: false },
  outbox: { pending: 4, failed: 1 },
  process: {
    cpuUserSeconds: 1.5,
    cpuSystemSeconds: 0.5,
    residentBytes: 1000,
    heapUsedBytes: 200,
    heapTotalBytes: 400,
    startTimeSeconds: 1700000000,
  },
};

function monitor(overrides: Partial<MonitorView>): MonitorView {
  return {
    id: 1,
    name: 'm',
    kind: 'mcp',
    target: 'http://x',
    group: null,
    tags: [],
    enabled: true,
    source: 'api',
    readOnly: null,
    intervalSec: 60,
    status: 'pending',
    since: 0,
    incidentOpen: false,
    flapping: false,
    lastCheck: null,
    problem: null,
    maintenance: null,
    ...overrides,
  };
}

const fixture: MetricsInput = {
  monitors: [
    monitor({
      id: 1,
      name: 'say "hi"\\now\nthere',
      group: 'prod',
      tags: ['a', 'b'],
      status: 'up',
      lastCheck: {
        at: 1_700_000_000_000,
        status: 'up',
        reason: null,
        message: 'ok',
        durationMs: 120,
        timings: { connect: 20, handshake: 100 },
        protocol: { version: '2025-06-18', era: 'legacy', transport: 'streamable-http' },
        tools: { count: 2, hash: 'abc' },
        tls: { validTo: '2027-01-01T00:00:00Z', chainValid: true, hostnameMatch: true },
      },
    }),
    monitor({ id: 2, name: 'hb', kind: 'heartbeat', status: 'down', incidentOpen: true }),
  ],
  uptime: new Map([[1, { '24h': 0.5, '7d': null, '30d': 1 }]]),
  lastPings: new Map([[2, 1_700_000_123_500]]),
  own,
};

const L1 = 'monitor="say \\"hi\\"\\\\now\\nthere",kind="mcp",group="prod",tags="a,b"';
const L2 = 'monitor="hb",kind="heartbeat",group="",tags=""';

const expected = (
  om: boolean,
) => `# HELP mcpwatch_probe_success Whether the last check answered (1: up or degraded, 0: down).
# TYPE mcpwatch_probe_success gauge
mcpwatch_probe_success{${L1}} 1
mcpwatch_probe_success{${L2}} 0
# HELP mcpwatch_probe_duration_seconds Duration of the last check, in total and per probe phase.
# TYPE mcpwatch_probe_duration_seconds gauge
mcpwatch_probe_duration_seconds{${L1},phase="total"} 0.12
mcpwatch_probe_duration_seconds{${L1},phase="connect"} 0.02
mcpwatch_probe_duration_seconds{${L1},phase="handshake"} 0.1
# HELP mcpwatch_monitor_state The monitor status: 1 for the current state, 0 for the others.
# TYPE mcpwatch_monitor_state gauge
mcpwatch_monitor_state{${L1},state="pending"} 0
mcpwatch_monitor_state{${L1},state="up"} 1
mcpwatch_monitor_state{${L1},state="degraded"} 0
mcpwatch_monitor_state{${L1},state="down"} 0
mcpwatch_monitor_state{${L1},state="paused"} 0
mcpwatch_monitor_state{${L2},state="pending"} 0
mcpwatch_monitor_state{${L2},state="up"} 0
mcpwatch_monitor_state{${L2},state="degraded"} 0
mcpwatch_monitor_state{${L2},state="down"} 1
mcpwatch_monitor_state{${L2},state="paused"} 0
# HELP mcpwatch_uptime_ratio Uptime over the window: (up + degraded) / checks outside maintenance; refreshed every 60 s.
# TYPE mcpwatch_uptime_ratio gauge
mcpwatch_uptime_ratio{${L1},window="24h"} 0.5
mcpwatch_uptime_ratio{${L1},window="30d"} 1
# HELP mcpwatch_last_check_timestamp_seconds When the result of the last check was recorded.
# TYPE mcpwatch_last_check_timestamp_seconds gauge
mcpwatch_last_check_timestamp_seconds{${L1}} 1700000000
# HELP mcpwatch_tools Number of tools the server listed at the last check.
# TYPE mcpwatch_tools gauge
mcpwatch_tools{${L1}} 2
# HELP mcpwatch_tool_list${om ? '' : '_info'} Hash of the tool list at the last check.
# TYPE mcpwatch_tool_list${om ? ' info' : '_info gauge'}
mcpwatch_tool_list_info{${L1},hash="abc"} 1
# HELP mcpwatch_protocol${om ? '' : '_info'} MCP protocol version, era and transport of the last handshake.
# TYPE mcpwatch_protocol${om ? ' info' : '_info gauge'}
mcpwatch_protocol_info{${L1},version="2025-06-18",era="legacy",transport="streamable-http"} 1
# HELP mcpwatch_tls_cert_expiry_timestamp_seconds When the certificate seen by the last check expires.
# TYPE mcpwatch_tls_cert_expiry_timestamp_seconds gauge
mcpwatch_tls_cert_expiry_timestamp_seconds{${L1}} 1798761600
# HELP mcpwatch_heartbeat_last_ping_timestamp_seconds When a heartbeat monitor was last pinged (since mcpwatch started).
# TYPE mcpwatch_heartbeat_last_ping_timestamp_seconds gauge
mcpwatch_heartbeat_last_ping_timestamp_seconds{${L2}} 1700000123.5
# HELP mcpwatch_incident_open Whether the monitor has an open incident.
# TYPE mcpwatch_incident_open gauge
mcpwatch_incident_open{${L1}} 0
mcpwatch_incident_open{${L2}} 1
# HELP mcpwatch_incidents_open Open incidents across all monitors.
# TYPE mcpwatch_incidents_open gauge
mcpwatch_incidents_open 1
# HELP mcpwatch_monitors Monitors known to the service.
# TYPE mcpwatch_monitors gauge
mcpwatch_monitors 2
# HELP mcpwatch_ready Whether each readiness check of /ready passes (store, scheduler, heartbeats, config); refreshed every 15 s.
# TYPE mcpwatch_ready gauge
mcpwatch_ready{check="store"} 1
mcpwatch_ready{check="scheduler"} 0
# HELP mcpwatch_scheduler_lag_seconds How late checks started after their slot, over the last 1,024 starts.
# TYPE mcpwatch_scheduler_lag_seconds gauge
mcpwatch_scheduler_lag_seconds{stat="p50"} 0.005
mcpwatch_scheduler_lag_seconds{stat="p99"} 0.02
mcpwatch_scheduler_lag_seconds{stat="max"} 0.04
# HELP mcpwatch_checks_in_flight Checks running now.
# TYPE mcpwatch_checks_in_flight gauge
mcpwatch_checks_in_flight 1
# HELP mcpwatch_checks_waiting Checks due but waiting for a free slot.
# TYPE mcpwatch_checks_waiting gauge
mcpwatch_checks_waiting 0
# HELP mcpwatch_scheduler_jobs Monitors on the schedule.
# TYPE mcpwatch_scheduler_jobs gauge
mcpwatch_scheduler_jobs 2
# HELP mcpwatch_scheduler_overruns${om ? '' : '_total'} Checks that outlived their interval.
# TYPE mcpwatch_scheduler_overruns${om ? '' : '_total'} counter
mcpwatch_scheduler_overruns_total 3
`;

describe('collect', () => {
  it('renders the Prometheus text format: names, types, HELP, labels escaped', async () => {
    const text = (await collect(fixture, 'prometheus')).toString();
    expect(text.startsWith(expected(false))).toBe(true);
    expect(text).toContain(
      '# TYPE mcpwatch_event_loop_lag_seconds gauge\nmcpwatch_event_loop_lag_seconds{stat="p50"} 0.01\n',
    );
    expect(text).toContain('mcpwatch_notification_outbox_pending 4\n');
    expect(text).toContain('mcpwatch_notification_outbox_failed 1\n');
    expect(text).toContain('# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 2\n');
    expect(text).toContain('process_resident_memory_bytes 1000\n');
    expect(text).toContain('process_start_time_seconds 1700000000\n');
    expect(text.endsWith('nodejs_heap_size_total_bytes 400\n')).toBe(true);
  });

  it('renders OpenMetrics: counter and info families without their suffix, ending in # EOF', async () => {
    const text = (await collect(fixture, 'openmetrics')).toString();
    expect(text.startsWith(expected(true))).toBe(true);
    expect(text).toContain('# TYPE process_cpu_seconds counter\nprocess_cpu_seconds_total 2\n');
    expect(text.endsWith('nodejs_heap_size_total_bytes 400\n# EOF\n')).toBe(true);
  });

  it('leaves the outbox and readiness out until they have been read', async () => {
    const { outbox: _, ready: __, ...rest } = own;
    const text = (await collect({ ...fixture, own: rest }, 'prometheus')).toString();
    expect(text).not.toContain('outbox');
    expect(text).not.toContain('mcpwatch_ready');
  });

  it('gives a monitor without a check in memory its stored status as probe_success, and none while pending or paused', async () => {
    const monitors = [
      monitor({ id: 1, name: 'pinged', kind: 'heartbeat', status: 'up' }),
      monitor({ id: 2, name: 'new', status: 'pending' }),
      monitor({ id: 3, name: 'paused', status: 'paused' }),
    ];
    const text = (await collect({ monitors, uptime: new Map(), own }, 'prometheus')).toString();
    const success = text.split('\n').filter((l) => l.startsWith('mcpwatch_probe_success{'));
    expect(success).toEqual(['mcpwatch_probe_success{monitor="pinged",kind="heartbeat",group="",tags=""} 1']);
  });

  it('escapes backslash, double quote and newline in label values', () => {
    expect(escapeLabel('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeLabel('plain')).toBe('plain');
  });

  it('renders in chunks of about 64 KiB, each ending a line, that join into the whole page', async () => {
    const last = fixture.monitors[0]?.lastCheck ?? null;
    const monitors = Array.from({ length: 2_000 }, (_, i) =>
      monitor({ id: i, name: `monitor-${i} "é"`, tags: ['x'], status: 'up', lastCheck: last }),
    );
    for (const format of ['prometheus', 'openmetrics'] as const) {
      const input = { monitors, uptime: new Map(), own };
      const chunks: Buffer[] = [];
      for await (const chunk of render(input, format)) chunks.push(chunk);
      expect(chunks.length).toBeGreaterThan(5);
      for (const chunk of chunks) {
        // Whole lines only, so no UTF-8 sequence is split between two chunks.
        expect(chunk.at(-1)).toBe(0x0a);
        expect(chunk.toString().length).toBeLessThan(CHUNK_CHARS + 1024);
      }
      expect(Buffer.concat(chunks).equals(await collect(input, format))).toBe(true);
    }
  });

  it('gives the event loop turns during a large render', async () => {
    const last = fixture.monitors[0]?.lastCheck ?? null;
    const monitors = Array.from({ length: 10_000 }, (_, i) =>
      monitor({ id: i, name: `monitor-${i}`, status: 'up', lastCheck: last }),
    );
    let chunks = 0;
    const seen: number[] = [];
    // A check due now: it must run between chunks, not after the whole page.
    const tick = () => {
      seen.push(chunks);
      if (seen.length < 5) setImmediate(tick);
    };
    setImmediate(tick);
    for await (const _ of render({ monitors, uptime: new Map(), own }, 'prometheus')) chunks++;
    expect(seen.length).toBe(5);
    expect(seen.at(-1)).toBeLessThan(chunks);
  });

  it('renders 10,000 monitors, every series once (bench/metrics.js times it)', async () => {
    const last = fixture.monitors[0]?.lastCheck ?? null;
    const monitors = Array.from({ length: 10_000 }, (_, i) =>
      monitor({ id: i, name: `monitor-${i}`, group: 'g', tags: ['x', 'y'], status: 'up', lastCheck: last }),
    );
    const uptime = new Map(monitors.map((m) => [m.id, { '24h': 0.99, '7d': 0.98, '30d': 0.97 }]));
    const lines = (await collect({ monitors, uptime, own }, 'prometheus')).toString().split('\n');
    // 18 series per monitor: success, 3 durations, 5 states, 3 uptimes, last check, tools, tool list,
    // protocol, certificate, incident.
    const perMonitor = lines.filter((l) => l.startsWith('mcpwatch_') && l.includes('monitor="monitor-'));
    expect(perMonitor).toHaveLength(10_000 * 18);
    expect(new Set(perMonitor).size).toBe(perMonitor.length);
    expect(lines.filter((l) => l.includes('monitor="monitor-9999"'))).toHaveLength(18);
  });
});
