import type { Phase, Reason, Status } from '@mcpwatch/probe';
import type { MonitorStatus, ProtocolInfo } from './monitor-state.js';
import type { ToolDiff } from './tool-diff.js';

/**
 * The closed set of things the state machine announces. Each has a default title a notifier can use
 * as is; the evidence says why, so a message never has to guess.
 */
export const EVENT_TITLES = {
  down: 'Monitor is down',
  degraded: 'Monitor is degraded',
  recovered: 'Monitor recovered',
  paused: 'Monitor paused',
  resumed: 'Monitor resumed',
  flapping_started: 'Monitor is flapping: status changes are damped',
  flapping_stopped: 'Monitor stopped flapping',
  tools_changed: 'Tool list changed',
  server_version_changed: 'Server version changed',
  protocol_changed: 'Protocol changed',
  tls_expiring: 'TLS certificate expires soon',
  package_released: 'A new version of the package was published',
  heartbeat_missed: 'Heartbeat missed',
  process_restarted: 'Kept-alive server restarted',
  incident_resolved: 'Incident resolved by hand',
  reminder: 'Still down',
  notice: 'Notice',
} as const;

export type EventKind = keyof typeof EVENT_TITLES;
export const EVENT_KINDS = Object.keys(EVENT_TITLES) as EventKind[];

/** The result that tipped a decision, as the probe reported it. */
export interface Cause {
  status: Status;
  reason?: Reason;
  phase?: Phase;
  message: string;
}

export interface EvidenceByKind {
  down: { cause: Cause; failures: number };
  degraded: { cause: Cause; checks: number };
  recovered: { cause: Cause; checks: number; unhealthySince: string };
  paused: Record<string, never>;
  resumed: Record<string, never>;
  flapping_started: { cause: Cause | { heartbeatMissed: true }; changes: number; windowSec: number };
  flapping_stopped: { flappingSince: string; changesWhileFlapping: number; quietSec: number };
  tools_changed: { previousHash: string; currentHash: string; diff?: ToolDiff; summary: string };
  server_version_changed: { name?: string; from: string; to: string };
  protocol_changed: { from: ProtocolInfo; to: ProtocolInfo };
  tls_expiring: { daysLeft: number; thresholdDays: number; validTo?: string; subject?: string };
  package_released: { name: string; from: string; to: string };
  heartbeat_missed: { expectedAt?: string; lastPingAt?: string };
  /** A kept-alive stdio server died (or hung) and was started again. */
  process_restarted: {
    attempt: number;
    exitCode?: number | null;
    signal?: string | null;
    stderrTail?: string[];
    delayMs: number;
  };
  /** Someone closed the incident while the monitor was still down: known, and being handled elsewhere. */
  incident_resolved: { by: string };
  /** An incident still open: the `count`-th reminder since it opened. */
  reminder: { incidentId: number; openedAt: string; count: number; cause?: string };
  /**
   * A message someone (or an AI through mcpwatch's MCP server) sent about the monitor: routed like an alert,
   * to `channel` when one was named. `id` finds the written event again.
   */
  notice: { id: string; title: string; message: string; priority: number; by: string; channel?: string };
}

/**
 * One event. Status events carry `from` and `to`; the event that opens or closes an incident says so in
 * `incident`, so the store opens or resolves it in the same transaction that writes the event.
 */
export type MonitorEvent = {
  [K in EventKind]: {
    kind: K;
    at: string;
    from?: MonitorStatus;
    to?: MonitorStatus;
    incident?: 'opened' | 'resolved';
    evidence: EvidenceByKind[K];
  };
}[EventKind];

export type EventOf<K extends EventKind> = Extract<MonitorEvent, { kind: K }>;
