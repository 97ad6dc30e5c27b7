import type { Generated } from 'kysely';

/**
 * Row shapes as both backends store them. Times are epoch milliseconds (bigint in PostgreSQL, integer in
 * SQLite), JSON is text, booleans are 0/1: the smallest common ground, so one set of migrations and one set
 * of queries serve both dialects.
 */
export interface MonitorsTable {
  id: Generated<number>;
  key: string;
  name: string;
  kind: string;
  target: string;
  config: string;
  source: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

export interface MonitorStateTable {
  monitor_id: number;
  status: string;
  /** Small, machine-owned state (counters, snapshot refs) as JSON: the state machine owns its shape. */
  data: string;
  since: number;
  last_check_at: number | null;
  version: number;
}

export interface ResultsTable {
  id: Generated<number>;
  monitor_id: number;
  at: number;
  status: string;
  reason: string | null;
  duration_ms: number;
  timings: string | null;
  message: string | null;
  /** 1 when the check ran in a maintenance window (0005): it is kept, but not counted as up or down. */
  maintenance: number;
}

/** One monitor's checks in one minute, hour or day (migration 0003's layout). */
export interface RollupTable {
  monitor_id: number;
  bucket_start: number;
  checks: number;
  ups: number;
  degraded: number;
  downs: number;
  /** Checks made in a maintenance window (0005): counted in `checks`, in none of ups, degraded or downs. */
  maintenance: number;
  /** Durations in whole microseconds: an integer takes 3–5 bytes in SQLite where a double takes 8. */
  duration_sum: number;
  duration_min: number;
  duration_max: number;
  /** The latency histogram as sparse text, `encodeHistogram`'s format. */
  histogram: string;
}

export interface EventsTable {
  id: Generated<number>;
  monitor_id: number;
  at: number;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  incident: string | null;
  evidence: string;
}

export interface IncidentsTable {
  id: Generated<number>;
  monitor_id: number;
  opened_at: number;
  resolved_at: number | null;
  cause: string | null;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  note: string | null;
}

export interface ToolSnapshotsTable {
  hash: string;
  tools: string;
  first_seen_at: number;
}

export interface HeartbeatsTable {
  token_hash: string;
  monitor_id: number;
  last_ping_at: number | null;
  deadline_at: number | null;
}

export interface OutboxTable {
  id: Generated<number>;
  event_id: number;
  channel: string;
  attempts: number;
  next_attempt_at: number;
  claimed_by: string | null;
  claimed_at: number | null;
  done_at: number | null;
  failed: number;
  last_error: string | null;
  /** The provider's answer to the last successful send (0004). */
  response: string | null;
  /** The HTTP status of the last attempt, when the provider answered at all (0004). */
  status_code: number | null;
  sent_at: number | null;
  /**
   * Why the row was held instead of sent (0005): a maintenance window, or a monitor it depends on being down.
   * A held row is written done; releasing it (the outage outlived the reason) makes it pending again.
   */
  held_reason: string | null;
}

/** A notification channel created through the API (0004); `config` is JSON text with `${NAME}` unresolved. */
export interface ChannelsTable {
  id: Generated<number>;
  name: string;
  type: string;
  config: string;
  created_at: number;
  updated_at: number;
}

/** One report of `mcpwatch wrap --report` (0006): the tools' traffic through the wrapper in [from_at, to_at). */
export interface TrafficTable {
  id: Generated<number>;
  monitor_id: number;
  from_at: number;
  to_at: number;
  server: string;
  requests: number;
  errors: number;
  /** The report's per-tool figures as JSON. */
  tools: string;
}

/** A status page created through the API (0007); `config` is its definition as JSON. */
export interface StatusPagesTable {
  id: Generated<number>;
  slug: string;
  config: string;
  created_at: number;
  updated_at: number;
}

/** A maintenance window created through the API (0007); `config` is its definition as JSON. */
export interface MaintenanceWindowsTable {
  id: Generated<number>;
  name: string;
  config: string;
  created_at: number;
  updated_at: number;
}

/** What people said about an incident while it ran (0007); `public` ones are shown on status pages. */
export interface IncidentUpdatesTable {
  id: Generated<number>;
  incident_id: number;
  at: number;
  status: string;
  message: string;
  public: number;
  author: string | null;
}

export interface UsersTable {
  id: Generated<number>;
  name: string;
  /** `scrypt$N$r$p$salt$hash`: the parameters travel with the hash, so they can be raised later. */
  password_hash: string;
  role: string;
  created_at: number;
  updated_at: number;
}

/** Keyed by the sha256 of the session id: a leaked database does not let anyone resume a session. */
export interface SessionsTable {
  id_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
}

export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  user_id: number;
  scope: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
}

export interface LivenessTable {
  /** Names one process (host:pid:random). */
  instance: string;
  at: number;
}

export interface Database {
  monitors: MonitorsTable;
  monitor_state: MonitorStateTable;
  results: ResultsTable;
  rollup_minute: RollupTable;
  rollup_hour: RollupTable;
  rollup_day: RollupTable;
  events: EventsTable;
  incidents: IncidentsTable;
  tool_snapshots: ToolSnapshotsTable;
  heartbeats: HeartbeatsTable;
  outbox: OutboxTable;
  channels: ChannelsTable;
  traffic: TrafficTable;
  status_pages: StatusPagesTable;
  maintenance_windows: MaintenanceWindowsTable;
  incident_updates: IncidentUpdatesTable;
  liveness: LivenessTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
}

export const ROLLUP_TABLES = ['rollup_minute', 'rollup_hour', 'rollup_day'] as const;
export type RollupTableName = (typeof ROLLUP_TABLES)[number];
