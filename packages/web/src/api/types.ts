/** The service's answers, as the dashboard reads them (see /api/v1/openapi.json). Times are epoch ms. */

export type Status = 'up' | 'degraded' | 'down';
export type MonitorStatus = 'pending' | Status | 'paused';

export interface User {
  id: number;
  name: string;
  role: 'viewer' | 'editor' | 'admin';
}

/** The parts of a probe result ("check now") the page shows beyond the stored result. */
export interface ProbeResult {
  status: string;
  reason?: string;
  message: string;
  durationMs: number;
  timings: Record<string, number>;
  tls?: TlsInfo;
  mcp?: { stderr?: string[]; exitCode?: number | null; serverInfo?: { name?: string; version?: string } };
}

export interface TlsInfo {
  protocol?: string;
  cipher?: string;
  subject?: string;
  issuer?: string;
  altNames?: string[];
  validFrom?: string;
  validTo?: string;
  daysLeft?: number;
  /** Absent when only an expiry warning told of the certificate. */
  chainValid?: boolean;
  chainError?: string;
  hostnameMatch?: boolean;
  fingerprint256?: string;
}

export interface LastCheck {
  at: number;
  status: Status;
  reason: string | null;
  message: string | null;
  durationMs: number;
  /** Seen by the monitor's last check (kept by the service until the next one). */
  tls?: TlsInfo;
  stderr?: string[];
}

export interface Monitor {
  id: number;
  name: string;
  kind: string;
  target: string;
  group: string | null;
  tags: string[];
  enabled: boolean;
  source: 'file' | 'api';
  readOnly: string | null;
  /** Null for heartbeats, which are pinged rather than checked. */
  intervalSec: number | null;
  status: MonitorStatus;
  since: number;
  incidentOpen: boolean;
  flapping: boolean;
  lastCheck: LastCheck | null;
  problem: unknown;
  maintenance: unknown;
}

export interface LiveResult {
  monitorId: number;
  name: string;
  at: number;
  status: Status;
  reason: string | null;
  message: string;
  durationMs: number;
  maintenance: boolean;
  state: MonitorStatus;
}

export interface MonitorEvent {
  id?: number;
  kind: string;
  at: number;
  [key: string]: unknown;
}

export interface LiveEvent {
  monitorId: number;
  name: string;
  event: MonitorEvent;
}

export interface MonitorsChanged {
  added: number[];
  changed: number[];
  removed: number[];
}

/** One overview row's history (`GET /api/v1/dashboard/rows`): arrays oldest first. */
export interface RowSummary {
  uptime: (number | null)[];
  down: number[];
  degraded: number[];
  latency: (number | null)[];
  uptime24h: number | null;
}

export interface RowSummaries {
  days: number[];
  hours: number[];
  rows: Record<string, RowSummary>;
}

/** An event as stored (`GET /api/v1/events`). */
export interface StoredEvent {
  id: number;
  monitorId: number;
  at: number;
  kind: string;
  from: MonitorStatus | null;
  to: MonitorStatus | null;
  incident: string | null;
  evidence: Record<string, unknown> | null;
}

export interface Incident {
  id: number;
  monitorId: number;
  openedAt: number;
  resolvedAt: number | null;
  cause: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  note: string | null;
}

export interface ToolInfo {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

export interface SchemaChange {
  severity: string;
  path: string;
  what: string;
}

export interface ToolChange {
  name: string;
  input: SchemaChange[];
  output: SchemaChange[];
  annotations: { key: string; from: unknown; to: unknown; risky: boolean }[];
  title?: { from?: string; to?: string };
  description?: {
    from: string;
    to: string;
    level: 'notice' | 'suspicious';
    signals: { kind: string; detail: string }[];
  };
  breaking: boolean;
  risky: boolean;
}

export interface ToolDiff {
  added: { name: string; description?: string; [key: string]: unknown }[];
  removed: string[];
  changed: ToolChange[];
  breaking: boolean;
}

export interface UptimeWindow {
  checks: number;
  up: number;
  degraded: number;
  down: number;
  maintenance: number;
  uptime: number | null;
  latency: {
    count: number;
    p50Ms: number | null;
    p95Ms: number | null;
    p99Ms: number | null;
    meanMs: number | null;
  };
}

export interface StoredResult {
  id: number;
  monitorId: number;
  at: number;
  status: Status;
  reason: string | null;
  durationMs: number;
  timings: Record<string, number>;
  message: string | null;
  maintenance: boolean;
}
