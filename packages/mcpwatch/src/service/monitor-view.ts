import type { ProbeResult } from '@mcpwatch/probe';
import type { MonitorState } from '../state/index.js';
import type { Monitor as StoredMonitor } from '../store/index.js';
import type { CheckRunner } from './check-runner.js';
import { intervalMsOf, type MonitorSpec } from './monitor-spec.js';
import { isProbed } from './run-check.js';

/** What the service knows of one monitor between checks: its definition, status and last answer. */
export interface Runtime {
  monitor: StoredMonitor;
  /** Undefined when the stored definition no longer validates; `invalid` then says why. */
  spec: MonitorSpec | undefined;
  invalid?: string;
  status: MonitorState['status'];
  since: number;
  incidentOpen: boolean;
  flapping: boolean;
  last?: LastCheck;
  /** When the last heartbeat ping arrived since this process started (for /metrics). */
  lastPingAt?: number;
  runner?: CheckRunner;
  /** The check running now, shared by a "check now" that arrives meanwhile: never two at once. */
  inFlight?: Promise<ProbeResult>;
}

export interface LastCheck {
  at: number;
  status: ProbeResult['status'];
  reason: string | null;
  message: string;
  durationMs: number;
  /** Milliseconds per probe phase (for /metrics). */
  timings?: ProbeResult['timings'];
  /** The MCP protocol the handshake agreed on, when one did (for /metrics). */
  protocol?: { version: string | null; era: string | null; transport: string };
  /** The tool list's size and hash, when the check reached it (for /metrics). */
  tools?: { count: number; hash: string | null };
  /** The certificate the check saw, for the monitor page; kept in memory until the next check. */
  tls?: ProbeResult['tls'];
  /** A stdio server's last stderr lines (bounded by the probe). */
  stderr?: string[];
}

/** A monitor as the API and the status command show it. */
export interface MonitorView {
  id: number;
  name: string;
  kind: string;
  target: string;
  group: string | null;
  tags: string[];
  enabled: boolean;
  source: StoredMonitor['source'];
  /** Monitors from mcpwatch.yaml are edited there; the API says so instead of letting an edit vanish on reload. */
  readOnly: string | null;
  intervalSec: number | null;
  status: MonitorState['status'];
  since: number;
  incidentOpen: boolean;
  flapping: boolean;
  lastCheck: LastCheck | null;
  /** Set when the stored definition does not validate; the monitor is not checked. */
  problem: string | null;
  /** The maintenance window it is in now: its alerts are held, and it shows as maintenance, not downtime. */
  maintenance: string | null;
}

export const READ_ONLY = 'defined in mcpwatch.yaml: edit the file, it is reloaded on save';

/** What the API and the status command show of a monitor. */
export function view(runtime: Runtime, maintenance: string | null = null): MonitorView {
  const { monitor, spec } = runtime;
  return {
    id: monitor.id,
    name: monitor.name,
    kind: monitor.kind,
    target: monitor.target,
    group: spec?.group ?? null,
    tags: spec?.tags ?? [],
    enabled: monitor.enabled,
    source: monitor.source,
    readOnly: monitor.source === 'file' ? READ_ONLY : null,
    intervalSec: spec && isProbed(spec) ? intervalMsOf(spec) / 1000 : null,
    status: runtime.status,
    since: runtime.since,
    incidentOpen: runtime.incidentOpen,
    flapping: runtime.flapping,
    lastCheck: runtime.last ?? null,
    problem: runtime.invalid ?? null,
    maintenance,
  };
}
