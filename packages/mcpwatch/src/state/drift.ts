import type { ToolInfo } from '@mcpwatch/probe';
import type { MonitorEvent } from './events.js';
import type { CheckResult, MonitorState, ProtocolInfo, TransitionConfig } from './monitor-state.js';
import { diffTools, isEmpty, summary } from './tool-diff.js';

/**
 * What a server reports about itself, compared with what it reported last time: its tools, version,
 * protocol and certificate. The first observation of each is the baseline and announces nothing; a
 * result that lacks a field (a failed probe never reached the tool list) keeps the last value.
 */
export function detectDrift(
  state: MonitorState,
  result: CheckResult,
  previousTools: readonly ToolInfo[] | undefined,
  at: string,
  config: TransitionConfig,
): { state: MonitorState; events: MonitorEvent[] } {
  const events: MonitorEvent[] = [];
  const next = { ...state };
  const mcp = result.mcp;

  if (mcp?.toolsHash !== undefined && mcp.tools !== undefined && mcp.toolsHash !== state.toolsHash) {
    if (state.toolsHash !== undefined) {
      const diff = previousTools === undefined ? undefined : diffTools(previousTools, mcp.tools);
      // Equal hashes mean equal lists; a differing hash with an empty diff only re-keys the snapshot.
      if (diff === undefined || !isEmpty(diff)) {
        const line =
          diff === undefined ? 'the tool list changed (previous list not available)' : summary(diff);
        events.push({
          kind: 'tools_changed',
          at,
          evidence: { previousHash: state.toolsHash, currentHash: mcp.toolsHash, diff, summary: line },
        });
      }
    }
    next.toolsHash = mcp.toolsHash;
  }

  const version = mcp?.serverInfo?.version;
  if (version !== undefined && version !== state.serverVersion) {
    if (state.serverVersion !== undefined) {
      events.push({
        kind: 'server_version_changed',
        at,
        evidence: { name: mcp?.serverInfo?.name, from: state.serverVersion, to: version },
      });
    }
    next.serverVersion = version;
  }

  // A watched package's version moving is a release (or a rollback of the dist-tag): announce both.
  const npm = result.npm;
  if (npm !== undefined && npm.version !== state.packageVersion) {
    if (state.packageVersion !== undefined) {
      events.push({
        kind: 'package_released',
        at,
        evidence: { name: npm.name, from: state.packageVersion, to: npm.version },
      });
    }
    next.packageVersion = npm.version;
  }

  if (mcp?.protocolVersion !== undefined) {
    const protocol: ProtocolInfo = { transport: mcp.transport, version: mcp.protocolVersion };
    if (mcp.era !== undefined) protocol.era = mcp.era;
    const old = state.protocol;
    if (old === undefined || !sameProtocol(old, protocol)) {
      if (old !== undefined)
        events.push({ kind: 'protocol_changed', at, evidence: { from: old, to: protocol } });
      next.protocol = protocol;
    }
  }

  const daysLeft = result.tls?.daysLeft;
  if (daysLeft !== undefined) {
    const crossed = crossedThreshold(daysLeft, config.tlsExpiryDays);
    if (crossed === undefined) {
      // Renewed, or not yet close: the next approach is announced again.
      delete next.tlsNotifiedDays;
    } else if (state.tlsNotifiedDays === undefined || crossed < state.tlsNotifiedDays) {
      const evidence = {
        daysLeft,
        thresholdDays: crossed,
        validTo: result.tls?.validTo,
        subject: result.tls?.subject,
      };
      events.push({ kind: 'tls_expiring', at, evidence });
      next.tlsNotifiedDays = crossed;
    } else if (crossed > state.tlsNotifiedDays) {
      // A renewal to a certificate that is still short-lived: remember where it stands, announce its next crossing.
      next.tlsNotifiedDays = crossed;
    }
  }

  return { state: next, events };
}

function sameProtocol(a: ProtocolInfo, b: ProtocolInfo): boolean {
  return a.transport === b.transport && a.version === b.version && a.era === b.era;
}

/** The smallest threshold the days left are within; a jump past several announces only the nearest. */
export function crossedThreshold(daysLeft: number, thresholds: readonly number[]): number | undefined {
  let crossed: number | undefined;
  for (const t of thresholds) {
    if (daysLeft <= t && (crossed === undefined || t < crossed)) crossed = t;
  }
  return crossed;
}
