/** The service's answers, as the dashboard reads them (see /api/v1/openapi.json). Times are epoch ms. */

export type Status = 'up' | 'degraded' | 'down';
export type MonitorStatus = 'pending' | Status | 'paused';

export interface User {
  id: number;
  name: string;
  role: 'viewer' | 'editor' | 'admin';
}

export interface LastCheck {
  at: number;
  status: Status;
  reason: string | null;
  message: string | null;
  durationMs: number;
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
  intervalSec: number;
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
