import type { Era, Phase, ProbeResult, Reason, Status, ToolInfo, Transport } from '@mcpwatch/probe';

/**
 * What the store keeps per monitor: only what the next decision needs. Display state (uptime, "down for
 * 3 minutes") is derived from this and the results, never stored. Every field is JSON, so the store can
 * write it in one column and compare `status` in its conditional update.
 */

/** A probe's status, or not yet decided, or not watched. */
export type MonitorStatus = 'pending' | Status | 'paused';

export interface ProtocolInfo {
  transport: Transport;
  era?: Era;
  version: string;
}

export interface MonitorState {
  status: MonitorStatus;
  /** When `status` last changed (ISO 8601). */
  since: string;
  /** Consecutive results of each kind, counted since the last result that broke the run. */
  streak: {
    /** Results with status down. */
    down: number;
    /** Results with status up. */
    up: number;
    /** Results that answered: up or degraded. */
    answered: number;
    /** Results that were not up: degraded or down. */
    unhealthy: number;
  };
  /** An incident is open; the store holds its id and timeline, the state only whether one is open. */
  incidentOpen: boolean;
  /** Times of recent changes between up, degraded and down, within the flapping window (ISO 8601). */
  recentChanges: string[];
  /** Set while status changes are damped; `changes` counts those made since it started. */
  flapping?: { since: string; changes: number };
  /** Hash of the last tool list seen; the store keeps that list under it, so it is also the snapshot key. */
  toolsHash?: string;
  serverVersion?: string;
  /** The version of a watched npm package last seen. */
  packageVersion?: string;
  protocol?: ProtocolInfo;
  /** The smallest expiry threshold (days) already announced for the current certificate. */
  tlsNotifiedDays?: number;
}

/** What a check tells the state machine: the parts of a probe result that decisions use. */
export interface CheckResult {
  status: Status;
  message: string;
  reason?: Reason;
  phase?: Phase;
  mcp?: Pick<
    NonNullable<ProbeResult['mcp']>,
    'transport' | 'era' | 'protocolVersion' | 'serverInfo' | 'tools' | 'toolsHash'
  >;
  tls?: Pick<NonNullable<ProbeResult['tls']>, 'daysLeft' | 'validTo' | 'subject'>;
  npm?: Pick<NonNullable<ProbeResult['npm']>, 'name' | 'version'>;
}

export type Input =
  | {
      kind: 'result';
      result: CheckResult;
      /**
       * The tool list stored under `state.toolsHash`, loaded by the caller when the result's hash differs;
       * without it a tool change is still reported, by hashes only.
       */
      previousTools?: readonly ToolInfo[];
    }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'heartbeat_missed'; expectedAt?: string; lastPingAt?: string };

export interface TransitionConfig {
  /** Failed checks in a row before a monitor goes down. */
  consecutiveFails: number;
  /** Answered checks in a row before a down monitor recovers; also good checks before degraded clears. */
  recoverAfter: number;
  /** Unhealthy checks in a row, the last one degraded, before an up monitor is called degraded. */
  degradedAfter: number;
  /** Status changes within `flapWindowSec` that start flapping. */
  flapChanges: number;
  flapWindowSec: number;
  /** Seconds without a status change that end flapping. */
  flapQuietSec: number;
  /** Days before certificate expiry that are announced, each once per certificate. */
  tlsExpiryDays: number[];
}

export const DEFAULT_TRANSITION_CONFIG: TransitionConfig = {
  consecutiveFails: 3,
  recoverAfter: 1,
  degradedAfter: 2,
  flapChanges: 4,
  flapWindowSec: 1800,
  flapQuietSec: 1800,
  tlsExpiryDays: [14, 7, 1],
};

export function initialState(now: Date): MonitorState {
  return {
    status: 'pending',
    since: now.toISOString(),
    streak: { down: 0, up: 0, answered: 0, unhealthy: 0 },
    incidentOpen: false,
    recentChanges: [],
  };
}
