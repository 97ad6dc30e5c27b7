import type { Selectable } from 'kysely';
import type {
  EventsTable,
  HeartbeatsTable,
  IncidentsTable,
  MonitorStateTable,
  MonitorsTable,
  ResultsTable,
} from './schema.js';
import type {
  Heartbeat,
  Incident,
  Millis,
  Monitor,
  MonitorState,
  StoredEvent,
  StoredResult,
} from './store.js';

/** A time as callers give it (epoch ms, or ISO text as the probe and state machine write it) as stored. */
export function toMillis(at: Millis | string): Millis {
  return typeof at === 'number' ? at : Date.parse(at);
}

/** Rows to API values: ids and times become numbers (pg may hand back text), JSON text becomes values. */
export function toMonitor(row: Selectable<MonitorsTable>): Monitor {
  return {
    id: Number(row.id),
    key: row.key,
    name: row.name,
    kind: row.kind,
    target: row.target,
    config: JSON.parse(row.config),
    source: row.source as Monitor['source'],
    enabled: Number(row.enabled) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function toState(row: Selectable<MonitorStateTable>): MonitorState {
  return {
    status: row.status as MonitorState['status'],
    since: Number(row.since),
    lastCheckAt: row.last_check_at === null ? null : Number(row.last_check_at),
    data: JSON.parse(row.data),
    version: Number(row.version),
  };
}

export function toResult(row: Selectable<ResultsTable>): StoredResult {
  return {
    id: Number(row.id),
    monitorId: Number(row.monitor_id),
    at: Number(row.at),
    status: row.status as StoredResult['status'],
    reason: row.reason,
    durationMs: Number(row.duration_ms),
    timings: row.timings ? JSON.parse(row.timings) : {},
    message: row.message,
    maintenance: Number(row.maintenance) === 1,
  };
}

export function toEvent(row: Selectable<EventsTable>): StoredEvent {
  return {
    id: Number(row.id),
    monitorId: Number(row.monitor_id),
    at: Number(row.at),
    kind: row.kind,
    from: row.from_status as StoredEvent['from'],
    to: row.to_status as StoredEvent['to'],
    incident: row.incident as StoredEvent['incident'],
    evidence: JSON.parse(row.evidence),
  };
}

export function toIncident(row: Selectable<IncidentsTable>): Incident {
  return {
    id: Number(row.id),
    monitorId: Number(row.monitor_id),
    openedAt: Number(row.opened_at),
    resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at),
    cause: row.cause,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at === null ? null : Number(row.acknowledged_at),
    note: row.note,
  };
}

export function toHeartbeat(row: Selectable<HeartbeatsTable>): Heartbeat {
  return {
    tokenHash: row.token_hash,
    monitorId: Number(row.monitor_id),
    lastPingAt: row.last_ping_at === null ? null : Number(row.last_ping_at),
    deadlineAt: row.deadline_at === null ? null : Number(row.deadline_at),
  };
}
