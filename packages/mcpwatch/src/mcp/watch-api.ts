import type { ProbeResult, ToolInfo } from '@mcpwatch/probe';
import type { LastCheck, MonitorView } from '../service/monitor-view.js';
import type { Incident, StoredEvent, StoredResult, UptimeSummary } from '../store/index.js';

/**
 * What a session of mcpwatch's MCP server may do. `read` sees the read tools only; `write` also sees the
 * tools that change something or reach out to the network (check, probe, pause, notify). It comes from the
 * API token (its scope, and its user's role: a viewer's token is `read` whatever its scope).
 */
export type Scope = 'read' | 'write';

export type MonitorStatus = MonitorView['status'];

/** Filters of `list_monitors`; each one that is set must match. */
export interface MonitorFilter {
  status?: MonitorStatus | undefined;
  group?: string | undefined;
  tag?: string | undefined;
  /** Matches name and target, case-insensitively. */
  q?: string | undefined;
}

/** Uptime windows `get_monitor` reports, as `/api/v1/monitors/:id/uptime?windows=24h,7d,30d` answers them. */
export const UPTIME_WINDOWS = ['24h', '7d', '30d'] as const;
export type UptimeWindow = (typeof UPTIME_WINDOWS)[number];

/**
 * One monitor in full, assembled from the answers of the REST API (so an implementation over HTTP builds it
 * from `GET /monitors/:id`, `/results?limit=1`, `/uptime`, `/events?monitorId`, `/tools`, `/incidents`).
 */
export interface MonitorDetail {
  monitor: MonitorView;
  /** The newest stored result: status, reason, message and per-phase timings. Null before the first check. */
  lastResult: StoredResult | null;
  uptime: Record<UptimeWindow, UptimeSummary | null>;
  /** Newest first, at most `recentEvents` of them (10 unless asked). */
  recentEvents: StoredEvent[];
  /** The tool list the server exported at its last check that reached it; null when none did. */
  tools: { hash: string | null; list: ToolInfo[] | null };
  openIncident: Incident | null;
}

/** An incident with the name of its monitor, which is what people and AIs call monitors by. */
export interface IncidentView extends Incident {
  monitor: string;
}

export interface IncidentQuery {
  monitor?: string | undefined;
  open?: boolean | undefined;
  limit?: number | undefined;
}

/**
 * What `probe` may probe: a monitor by name (as it is defined: its kind, target and options), or an
 * http(s) URL of an MCP server. Never a command line: a stdio server is probed only as a configured monitor.
 */
export type ProbeTarget = { monitor: string } | { url: string; headers?: Record<string, string> | undefined };

export interface PauseInput {
  /** How long the monitor is quiet; it comes back by itself when the window ends. */
  durationMinutes: number;
  reason?: string | undefined;
}

/** The maintenance window a pause was recorded as (one-off, scoped to the one monitor). */
export interface PauseWindow {
  id: number;
  name: string;
  /** ISO 8601. */
  start: string;
  end: string;
}

export interface PauseOutcome {
  monitor: MonitorView;
  window: PauseWindow;
}

export interface ResumeOutcome {
  monitor: MonitorView;
  /** The pause windows that were on and were ended now. */
  ended: PauseWindow[];
  /** Whether the monitor had been paused indefinitely (through the dashboard or the API) and now resumed. */
  unpaused: boolean;
}

/** Named like the levels people pick; carried as the 1–10 priority the providers map (3, 5, 7, 9). */
export const NOTIFICATION_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type NotificationPriority = (typeof NOTIFICATION_PRIORITIES)[number];

export interface NotificationInput {
  /** The monitor it is about: it is written in that monitor's history (events) like any alert. */
  monitor: string;
  title: string;
  message: string;
  priority?: NotificationPriority | undefined;
  /** A channel by name; without one, the routes of mcpwatch.yaml pick the channels, as for any alert. */
  channel?: string | undefined;
}

export interface NotificationOutcome {
  /** The `notice` event written; its deliveries are listed by `/api/v1/deliveries`. */
  eventId: number;
  channels: string[];
}

export interface CheckOutcome {
  result: ProbeResult;
  monitor: MonitorView;
}

export type WatchErrorCode = 'not_found' | 'invalid' | 'forbidden' | 'conflict' | 'unavailable';

/**
 * A refusal a tool reports as its result (`isError: true`) rather than as a protocol error: the message says
 * what to do (the close names of a mistyped monitor, the scope a token lacks).
 */
export class WatchError extends Error {
  constructor(
    readonly code: WatchErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WatchError';
  }
}

/**
 * Everything mcpwatch's MCP tools and resources need, as plain values. Implemented in-process over the
 * Service (`service-api.ts`), over the REST API (`rest-api.ts`, for `mcpwatch mcp --url`) and over a local
 * store (`store-api.ts`). Monitors are named, not numbered: names are what an AI reads and repeats. A method
 * that cannot do what was asked throws a `WatchError`.
 */
export interface WatchApi {
  listMonitors(filter?: MonitorFilter): Promise<MonitorView[]>;
  getMonitor(name: string, options?: { recentEvents?: number }): Promise<MonitorDetail>;
  listIncidents(query?: IncidentQuery): Promise<IncidentView[]>;
  /** The incident with its timeline: its monitor's events while it was open, oldest first. */
  getIncident(id: number): Promise<{ incident: IncidentView; timeline: StoredEvent[] }>;
  /** An ad-hoc probe: nothing is stored, no state changes, no alert. */
  probe(target: ProbeTarget): Promise<ProbeResult>;
  /** Checks a monitor now, like its schedule would: the result is stored and may change its state. */
  checkNow(name: string): Promise<CheckOutcome>;
  acknowledgeIncident(id: number): Promise<IncidentView>;
  pauseMonitor(name: string, input: PauseInput): Promise<PauseOutcome>;
  resumeMonitor(name: string): Promise<ResumeOutcome>;
  sendNotification(input: NotificationInput): Promise<NotificationOutcome>;
}

export type { LastCheck, MonitorView };
