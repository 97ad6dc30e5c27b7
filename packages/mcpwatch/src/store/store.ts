import type { ProbeResult } from '@mcpwatch/probe';
import type { TrafficReport } from '../traffic/report-schema.js';
import type { LatencySummary } from './latency-histogram.js';

/** Epoch milliseconds everywhere: one clock type, no time zones, cheap to compare and store. */
export type Millis = number;

export type MonitorSource = 'file' | 'api';

export interface MonitorInput {
  /** Stable identity: the name a config file gives, or one the API chose. Unique. */
  key: string;
  name: string;
  kind: string;
  target: string;
  config: Record<string, unknown>;
  source: MonitorSource;
  enabled?: boolean;
}

export interface Monitor extends Omit<MonitorInput, 'enabled'> {
  id: number;
  enabled: boolean;
  createdAt: Millis;
  updatedAt: Millis;
}

export type MonitorPatch = Partial<Omit<MonitorInput, 'key' | 'source'>>;

/** What the state machine keeps between checks. `data` holds its counters and snapshot refs. */
export interface MonitorState {
  status: 'pending' | 'up' | 'degraded' | 'down' | 'paused';
  since: Millis;
  lastCheckAt: Millis | null;
  data: Record<string, unknown>;
  /** Bumped by every write; a write names the version it read, and loses if another writer got there first. */
  version: number;
}

export type NextState = Omit<MonitorState, 'version'>;

/** Shaped to take the state machine's `MonitorEvent` as it is. */
export interface EventInput {
  kind: string;
  /** Epoch ms, or ISO text as the state machine writes it. */
  at: Millis | string;
  from?: MonitorState['status'];
  to?: MonitorState['status'];
  /** The event that opens or resolves an incident says so; the store does it in the same transaction. */
  incident?: 'opened' | 'resolved';
  evidence: object;
  /** Notification channels to deliver this event to; one outbox row each. */
  channels?: string[];
  /** Why those rows are held rather than sent (a maintenance window, a parent down): written done, releasable. */
  held?: string;
}

export interface StoredEvent {
  id: number;
  monitorId: number;
  at: Millis;
  kind: string;
  from: MonitorState['status'] | null;
  to: MonitorState['status'] | null;
  incident: 'opened' | 'resolved' | null;
  evidence: Record<string, unknown>;
}

/** The parts of a probe result the store keeps. A full ProbeResult fits. */
export type CheckResult = Pick<ProbeResult, 'status' | 'message' | 'durationMs' | 'timings'> & {
  reason?: string;
  /** When the check started; ISO text as the probe reports it, or epoch ms. */
  startedAt: string | Millis;
  /** Made in a maintenance window: the rollups count it as maintenance, not as up or down. */
  maintenance?: boolean;
};

export interface StoredResult {
  id: number;
  monitorId: number;
  at: Millis;
  status: 'up' | 'degraded' | 'down';
  reason: string | null;
  durationMs: number;
  timings: Record<string, number>;
  message: string | null;
  /** Made in a maintenance window: kept as found, not counted as downtime. */
  maintenance: boolean;
}

export interface Range {
  from: Millis;
  to: Millis;
}

export type Granularity = 'minute' | 'hour' | 'day';

export interface UptimeSummary {
  /** The range the buckets covered: the asked range widened to whole buckets. */
  from: Millis;
  to: Millis;
  granularity: Granularity;
  checks: number;
  up: number;
  degraded: number;
  down: number;
  /** Checks made in maintenance windows: in `checks`, in none of up, degraded or down. */
  maintenance: number;
  /**
   * (up + degraded) / (checks - maintenance): a degraded server still answered, and planned work is not
   * downtime. Null when nothing was checked outside maintenance.
   */
  uptime: number | null;
  latency: LatencySummary;
}

export interface UptimePoint extends Omit<UptimeSummary, 'from' | 'to' | 'granularity'> {
  bucketStart: Millis;
}

export interface Incident {
  id: number;
  monitorId: number;
  openedAt: Millis;
  resolvedAt: Millis | null;
  cause: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: Millis | null;
  note: string | null;
}

export interface Heartbeat {
  tokenHash: string;
  monitorId: number;
  lastPingAt: Millis | null;
  deadlineAt: Millis | null;
}

export interface OutboxItem {
  id: number;
  channel: string;
  attempts: number;
  claimedBy: string;
  /** Set when the row was held and later released: the message says why it comes late. */
  heldReason: string | null;
  event: StoredEvent;
}

/** A monitor whose unhealthy spell has held rows not yet released: what the alerting rebuilds after a restart. */
export interface HeldSpell {
  monitorId: number;
  /** The earliest held event of the spell. */
  since: Millis;
  reason: string;
}

export interface ClaimOptions {
  limit?: number;
  /** A claim older than this is presumed abandoned by a crashed worker and may be taken again. */
  leaseMs?: number;
}

export interface FailOptions {
  /** After this many attempts the row is given up on (kept, marked failed). */
  maxAttempts?: number;
  /** When to try again; by default `now + backoffMs(attempts)`. A provider's Retry-After lands here. */
  nextAttemptAt?: Millis;
  /** Retrying cannot help (a refused token, a channel that does not exist): marked failed at once. */
  permanent?: boolean;
  /** The HTTP status the provider answered with, if it answered. */
  status?: number;
}

/** What the provider said when it accepted a notification. */
export interface DeliveryAnswer {
  status?: number;
  response?: string;
}

/** One traffic report as stored: real calls through `mcpwatch wrap`, beside the probes. */
export interface TrafficRow {
  from: Millis;
  to: Millis;
  server: string;
  requests: number;
  errors: number;
  tools: TrafficReport['tools'];
}

export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'held';

/** One outbox row as the API shows it: where it went, how it went, and the event it announced. */
export interface DeliveryRecord {
  id: number;
  channel: string;
  status: DeliveryStatus;
  attempts: number;
  /** When a pending row is tried next; null once it is sent or failed. */
  nextAttemptAt: Millis | null;
  /** Whether a worker holds it right now (a send in flight). */
  inFlight: boolean;
  sentAt: Millis | null;
  /** When it was sent or given up on. */
  doneAt: Millis | null;
  /** The HTTP status of the last attempt, when the provider answered. */
  statusCode: number | null;
  /** The provider's answer to the successful send. */
  response: string | null;
  /** Why the last attempt failed (the provider's answer or the transport error). */
  lastError: string | null;
  /** Why it was held (maintenance, a parent down); a held row that was released later is pending or sent. */
  heldReason: string | null;
  event: { id: number; kind: string; monitorId: number; at: Millis };
}

export interface DeliveryQuery {
  status?: DeliveryStatus;
  channel?: string;
  monitorId?: number;
  /** Newest first; page with `beforeId`. */
  limit?: number;
  beforeId?: number;
}

/** A notification channel created through the API; `config` keeps `${NAME}` references as written. */
export interface ChannelRecord {
  id: number;
  name: string;
  type: string;
  config: Record<string, unknown>;
  createdAt: Millis;
  updatedAt: Millis;
}

export interface ChannelInput {
  name: string;
  type: string;
  config: Record<string, unknown>;
}

/** A status page created through the API; `config` is its definition as the API validated it. */
export interface StatusPageRecord {
  id: number;
  slug: string;
  config: Record<string, unknown>;
  createdAt: Millis;
  updatedAt: Millis;
}

/** A maintenance window created through the API; `config` is its definition as the API validated it. */
export interface MaintenanceRecord {
  id: number;
  name: string;
  config: Record<string, unknown>;
  createdAt: Millis;
  updatedAt: Millis;
}

export type IncidentUpdateStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';

export interface IncidentUpdateInput {
  incidentId: number;
  at: Millis;
  status: IncidentUpdateStatus;
  message: string;
  /** Shown on the status pages that show the incident's monitor. */
  public: boolean;
  author: string | null;
}

export interface IncidentUpdate extends IncidentUpdateInput {
  id: number;
}

/** One monitor's day rollup, counts only. */
export interface DayCounts
  extends Pick<UptimeSummary, 'checks' | 'up' | 'degraded' | 'down' | 'maintenance'> {
  monitorId: number;
  bucketStart: Millis;
}

/** Status pages, API maintenance windows and incident updates. */
export interface StatusPageStore {
  /** Undefined when the slug is taken: the unique slug decides, so two racing callers cannot both win. */
  createStatusPage(
    slug: string,
    config: Record<string, unknown>,
    now: Millis,
  ): Promise<StatusPageRecord | undefined>;
  getStatusPage(slug: string): Promise<StatusPageRecord | undefined>;
  listStatusPages(): Promise<StatusPageRecord[]>;
  updateStatusPage(
    slug: string,
    config: Record<string, unknown>,
    now: Millis,
  ): Promise<StatusPageRecord | undefined>;
  deleteStatusPage(slug: string): Promise<boolean>;

  createMaintenance(name: string, config: Record<string, unknown>, now: Millis): Promise<MaintenanceRecord>;
  getMaintenance(id: number): Promise<MaintenanceRecord | undefined>;
  listMaintenance(): Promise<MaintenanceRecord[]>;
  updateMaintenance(
    id: number,
    name: string,
    config: Record<string, unknown>,
    now: Millis,
  ): Promise<MaintenanceRecord | undefined>;
  deleteMaintenance(id: number): Promise<boolean>;

  /** Undefined when the incident does not exist. */
  addIncidentUpdate(input: IncidentUpdateInput): Promise<IncidentUpdate | undefined>;
  /** The updates of these incidents, oldest first; only the public ones when `publicOnly`. */
  listIncidentUpdates(
    incidentIds: readonly number[],
    options?: { publicOnly?: boolean },
  ): Promise<IncidentUpdate[]>;
  /** Incidents of these monitors open now or opened at or after `since`, newest first, at most `limit`. */
  listIncidentsOf(monitorIds: readonly number[], since: Millis, limit?: number): Promise<Incident[]>;
  /** The day rollups of these monitors whose day starts in the range, counts only, in no particular order. */
  dayCounts(monitorIds: readonly number[], range: Range): Promise<DayCounts[]>;
}

export interface RetentionOptions {
  /** Raw results and minute rollups. */
  rawDays?: number;
  hourDays?: number;
  /** Delivered or abandoned outbox rows. */
  outboxDays?: number;
}

export interface PruneReport {
  results: number;
  minuteRollups: number;
  hourRollups: number;
  outbox: number;
  /** Reports of `mcpwatch wrap`, kept as long as raw results. */
  traffic: number;
}

export interface EventQuery {
  monitorId?: number;
  from?: Millis;
  to?: Millis;
  kinds?: string[];
  /** Newest first; page with `beforeId`. */
  limit?: number;
  beforeId?: number;
}

export interface IncidentQuery {
  monitorId?: number;
  open?: boolean;
  limit?: number;
}

export type Role = 'admin' | 'editor' | 'viewer';
export type TokenScope = 'read' | 'write';

/** A user as the API may show it: the password hash is only in `UserCredentials`. */
export interface User {
  id: number;
  name: string;
  role: Role;
  createdAt: Millis;
  updatedAt: Millis;
}

export interface UserCredentials extends User {
  passwordHash: string;
}

export interface UserInput {
  name: string;
  passwordHash: string;
  role: Role;
}

export interface UserPatch {
  role?: Role;
  passwordHash?: string;
}

/** Why a user change was refused: no such user, or it would leave nobody who can administer the service. */
export type UserRefusal = 'not_found' | 'last_admin';

export interface Session {
  /** The sha256 of the id the cookie carries; the id itself is never stored. */
  idHash: string;
  userId: number;
  createdAt: Millis;
  expiresAt: Millis;
  lastSeenAt: Millis;
}

export interface ApiToken {
  id: number;
  name: string;
  userId: number;
  scope: TokenScope;
  createdAt: Millis;
  lastUsedAt: Millis | null;
  /** Null: never expires. */
  expiresAt: Millis | null;
}

export interface ApiTokenInput {
  name: string;
  /** The sha256 hex of the token; the token itself is shown to its owner once and never stored. */
  tokenHash: string;
  userId: number;
  scope: TokenScope;
  expiresAt: Millis | null;
}

/** Users, sessions and API tokens: what `mcpwatch serve` needs to know who is asking. */
export interface AuthStore {
  /** Undefined when the name is taken: the insert itself claims the name, so two racing callers cannot both win. */
  createUser(input: UserInput, now: Millis): Promise<User | undefined>;
  getUser(id: number): Promise<User | undefined>;
  getUserByName(name: string): Promise<UserCredentials | undefined>;
  listUsers(): Promise<User[]>;
  /** Refuses to demote the last admin, atomically, so two admins demoting each other cannot both succeed. */
  updateUser(id: number, patch: UserPatch, now: Millis): Promise<User | UserRefusal>;
  /** Refuses to delete the last admin; the user's sessions and tokens go with them. */
  deleteUser(id: number): Promise<true | UserRefusal>;
  countUsers(role?: Role): Promise<number>;

  createSession(session: Session): Promise<void>;
  /** The session and its user, unless it has expired by `now`. */
  getSession(idHash: string, now: Millis): Promise<{ session: Session; user: User } | undefined>;
  /** Slides the expiry: false when the session is gone. */
  touchSession(idHash: string, now: Millis, expiresAt: Millis): Promise<boolean>;
  deleteSession(idHash: string): Promise<boolean>;
  /** Ends a user's sessions (after a password change), keeping `exceptIdHash` if given. */
  deleteUserSessions(userId: number, exceptIdHash?: string): Promise<number>;
  deleteExpiredSessions(now: Millis): Promise<number>;

  createApiToken(input: ApiTokenInput, now: Millis): Promise<ApiToken>;
  /** The token and its owner, unless it has expired by `now`. */
  getApiTokenByHash(tokenHash: string, now: Millis): Promise<{ token: ApiToken; user: User } | undefined>;
  /** One user's tokens, or everyone's; oldest first. */
  listApiTokens(userId?: number): Promise<ApiToken[]>;
  touchApiToken(id: number, now: Millis): Promise<boolean>;
  /** With `userId`, deletes the token only if that user owns it. */
  deleteApiToken(id: number, userId?: number): Promise<boolean>;
}

export interface Store extends AuthStore, StatusPageStore {
  readonly dialect: 'sqlite' | 'postgres';

  createMonitor(input: MonitorInput, now: Millis): Promise<Monitor>;
  getMonitor(id: number): Promise<Monitor | undefined>;
  getMonitorByKey(key: string): Promise<Monitor | undefined>;
  listMonitors(): Promise<Monitor[]>;
  updateMonitor(id: number, patch: MonitorPatch, now: Millis): Promise<Monitor | undefined>;
  deleteMonitor(id: number): Promise<boolean>;

  getState(monitorId: number): Promise<MonitorState | undefined>;
  /** A state write with no result, e.g. pause and resume. False when `expectedVersion` is stale. */
  setState(
    monitorId: number,
    expectedVersion: number,
    next: NextState,
    events?: EventInput[],
  ): Promise<boolean>;
  /**
   * One check, in one transaction: the raw result, the minute/hour/day rollups, the state (only if its version is
   * still `expectedVersion`), the events, their outbox rows, and incidents opened or resolved by those events.
   * Returns false, having written nothing, when another writer changed the state first: read it and decide again.
   */
  recordCheck(
    monitorId: number,
    result: CheckResult,
    expectedVersion: number,
    next: NextState,
    events?: EventInput[],
  ): Promise<boolean>;
  /** Many results at once (imports, benchmarks, heartbeat-free backfills): raw rows and rollups, no state. */
  recordResults(batch: ReadonlyArray<{ monitorId: number; result: CheckResult }>): Promise<void>;
  listResults(monitorId: number, range: Range, limit?: number): Promise<StoredResult[]>;

  uptime(monitorId: number, range: Range): Promise<UptimeSummary>;
  uptimeSeries(monitorId: number, range: Range, granularity?: Granularity): Promise<UptimePoint[]>;
  uptimeFor(monitorIds: readonly number[], windows: readonly Range[]): Promise<Map<number, UptimeSummary[]>>;

  listEvents(query: EventQuery): Promise<StoredEvent[]>;
  listIncidents(query: IncidentQuery): Promise<Incident[]>;
  getIncident(id: number): Promise<Incident | undefined>;
  acknowledgeIncident(id: number, by: string, at: Millis): Promise<boolean>;
  setIncidentNote(id: number, note: string): Promise<boolean>;

  putToolSnapshot(hash: string, tools: unknown, now: Millis): Promise<void>;
  getToolSnapshot(hash: string): Promise<unknown | undefined>;

  setHeartbeat(heartbeat: Heartbeat): Promise<void>;
  getHeartbeat(tokenHash: string): Promise<Heartbeat | undefined>;
  /** Record a ping and move its deadline. Undefined for an unknown token. */
  pingHeartbeat(tokenHash: string, at: Millis, deadlineAt: Millis | null): Promise<Heartbeat | undefined>;
  heartbeatsDue(before: Millis, limit?: number): Promise<Heartbeat[]>;
  /** Deletes a monitor's ping tokens, all of them or all but `except`; returns how many went. */
  revokeHeartbeats(monitorId: number, except?: string): Promise<number>;
  /** Move a deadline only if it is still `expected`, so two checkers cannot both fire one missed beat. */
  advanceHeartbeat(tokenHash: string, expected: Millis, next: Millis | null): Promise<boolean>;

  /**
   * Claims due rows for `worker`. Per channel, only the earliest undelivered row is ever handed out, so a
   * channel's messages go in the order they were written: a row waiting for a retry holds back the later rows
   * of its channel (not of others) until it is sent or fails for good.
   */
  claimOutbox(worker: string, now: Millis, options?: ClaimOptions): Promise<OutboxItem[]>;
  /** Marks a claimed row sent, with the provider's answer. False when `worker` no longer holds it. */
  completeOutbox(id: number, worker: string, now: Millis, answer?: DeliveryAnswer): Promise<boolean>;
  /** Records a failed attempt: retried at `nextAttemptAt` (or by backoff), or failed for good. */
  failOutbox(id: number, worker: string, now: Millis, error: string, options?: FailOptions): Promise<boolean>;
  /** Gives claimed rows back untried (a worker stopping), so the next worker need not wait out the lease. */
  releaseOutbox(ids: readonly number[], worker: string): Promise<number>;
  listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]>;
  /** How many outbox rows wait to be sent, and how many failed for good (read-only, for /metrics). */
  countOutbox(): Promise<{ pending: number; failed: number }>;
  /**
   * Makes the held rows of a monitor's latest held opening event (down, degraded, heartbeat missed, flapping)
   * at or after `since` pending again, due at `now`: the outage outlived what held it. Returns the rows released.
   */
  releaseHeld(monitorId: number, since: Millis, now: Millis): Promise<number>;
  /** Which of `monitorIds` had a notification held (released later or not) for an event in the range. */
  listHeldMonitors(monitorIds: readonly number[], range: Range): Promise<number[]>;
  /** Monitors still unhealthy whose current spell has held rows never released. */
  listHeldSpells(): Promise<HeldSpell[]>;
  /**
   * Every claim given back: for a store only one process delivers from (SQLite), called at start, so a send
   * cut off by a crash is retried at once instead of after its lease.
   */
  releaseAllClaims(): Promise<number>;

  /** Undefined when the name is taken: the unique name decides, so two racing callers cannot both win. */
  createChannel(input: ChannelInput, now: Millis): Promise<ChannelRecord | undefined>;
  getChannel(name: string): Promise<ChannelRecord | undefined>;
  listChannels(): Promise<ChannelRecord[]>;
  updateChannel(
    name: string,
    patch: Omit<ChannelInput, 'name'>,
    now: Millis,
  ): Promise<ChannelRecord | undefined>;
  deleteChannel(name: string): Promise<boolean>;

  prune(now: Millis, options?: RetentionOptions): Promise<PruneReport>;

  addTraffic(monitorId: number, report: TrafficReport): Promise<void>;
  /** Reports whose interval ended within the range, oldest first, at most `limit` (the latest ones). */
  listTraffic(monitorId: number, range: Range, limit?: number): Promise<TrafficRow[]>;
  /**
   * Writes `now` as the instance's latest sign of life and returns the one before (null the first time, or
   * after a week without one): the readiness check's proof that the store takes writes.
   */
  markAlive(instance: string, now: Millis): Promise<Millis | null>;
  close(): Promise<void>;
}
