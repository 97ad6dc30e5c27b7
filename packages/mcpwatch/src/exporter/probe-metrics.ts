import type { ProbeResult } from '@mcpwatch/probe';
import { Exposition, escapeLabel, type Format } from '../metrics/exposition.js';

/**
 * The metrics of one `/probe` run, built fresh for each request (nothing kept between scrapes). Names keep
 * blackbox_exporter's `probe_` prefix without `mcpwatch_`: rules and dashboards written for blackbox
 * (`probe_success`, `probe_duration_seconds`, `probe_http_status_code`, `probe_ssl_earliest_cert_expiry`)
 * work unchanged; what only MCP has is under `probe_mcp_`. Families a probe has nothing for are left out.
 */
export function renderProbe(result: ProbeResult, format: Format): Buffer {
  const out = new Exposition(format, 4096);
  const gauge = (name: string, help: string, value: number) => out.family(name, 'gauge', help, [['', value]]);
  const info = (name: string, help: string, labels: Record<string, string>) =>
    out.family(name, 'info', help, [[labelText(labels), 1]]);

  gauge(
    'probe_success',
    'Whether the probe succeeded (1: up or degraded, 0: down).',
    result.status === 'down' ? 0 : 1,
  );
  gauge(
    'probe_duration_seconds',
    'How long the probe took to complete in seconds.',
    result.durationMs / 1000,
  );
  const phases = Object.entries(result.timings).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number',
  );
  if (phases.length > 0) {
    out.family(
      'probe_phase_duration_seconds',
      'gauge',
      'Duration of each phase of the probe in seconds.',
      phases.map(([phase, ms]) => [`phase="${phase}"`, ms / 1000]),
    );
  }
  if (result.reason) {
    info('probe_reason_info', 'Why the probe is down or degraded: a reason code of docs/reasons.md.', {
      reason: result.reason,
      phase: result.phase ?? '',
    });
  }
  if (result.http) {
    gauge('probe_http_status_code', 'Response HTTP status code.', result.http.status);
  }
  const mcp = result.mcp;
  if (mcp) {
    info('probe_mcp_protocol_info', 'MCP protocol version, era and transport the probe agreed on.', {
      version: mcp.protocolVersion ?? '',
      era: mcp.era ?? '',
      transport: mcp.transport,
    });
    if (mcp.serverInfo) {
      info('probe_mcp_server_info', 'The name and version the MCP server gave.', {
        name: mcp.serverInfo.name ?? '',
        version: mcp.serverInfo.version ?? '',
      });
    }
    if (mcp.tools) gauge('probe_mcp_tools', 'Number of tools the server listed.', mcp.tools.length);
    if (mcp.toolsHash) {
      info('probe_mcp_tool_list_info', 'sha256 of the tool list (names, descriptions, schemas).', {
        hash: mcp.toolsHash,
      });
    }
  }
  const tls = result.tls;
  const validTo = tls?.validTo ? Date.parse(tls.validTo) : Number.NaN;
  if (!Number.isNaN(validTo)) {
    gauge(
      'probe_ssl_earliest_cert_expiry',
      'When the server certificate expires, in seconds since the epoch.',
      validTo / 1000,
    );
  }
  if (tls?.protocol) info('probe_tls_version_info', 'The TLS version used.', { version: tls.protocol });
  return out.finish();
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}="${escapeLabel(value)}"`)
    .join(',');
}
