import { readFile } from 'node:fs/promises';
import type { ProbeResult } from '@mcpwatch/probe';
import { describe, expect, it } from 'vitest';
import { PLAN_ERROR_CODES } from './plan.js';
import { renderProbe } from './probe-metrics.js';

/** A result with every part a probe can fill, so every family is rendered. */
const full: ProbeResult = {
  kind: 'mcp',
  target: 'https://mcp.example.com/mcp',
  status: 'degraded',
  reason: 'tls_expiring',
  message: 'ok; but the certificate expires in 3 days',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 120.5,
  timings: { connect: 10, tls: 20, handshake: 50, tools: 40 },
  checks: [],
  http: { status: 200, bodyBytes: 10 },
  mcp: {
    transport: 'streamable-http',
    era: 'legacy',
    protocolVersion: '2025-06-18',
    serverInfo: { name: 'docs "search"', version: '1.2.3' },
    tools: [{ name: 'search' }],
    toolsHash: 'sha256:abc',
  },
  tls: {
    protocol: 'TLSv1.3',
    validTo: '2026-01-04T00:00:00.000Z',
    chainValid: true,
    hostnameMatch: true,
  },
};

describe('the metrics of one probe', () => {
  it('renders every part of the result, escaping label values', () => {
    const text = renderProbe(full, 'prometheus').toString();
    expect(text).toContain('\nprobe_success 1\n');
    expect(text).toContain('\nprobe_duration_seconds 0.1205\n');
    expect(text).toContain('probe_phase_duration_seconds{phase="tls"} 0.02\n');
    expect(text).toContain('probe_reason_info{reason="tls_expiring",phase=""} 1\n');
    expect(text).toContain('\nprobe_http_status_code 200\n');
    expect(text).toContain(
      'probe_mcp_protocol_info{version="2025-06-18",era="legacy",transport="streamable-http"} 1\n',
    );
    expect(text).toContain('probe_mcp_server_info{name="docs \\"search\\"",version="1.2.3"} 1\n');
    expect(text).toContain('\nprobe_mcp_tools 1\n');
    expect(text).toContain('probe_mcp_tool_list_info{hash="sha256:abc"} 1\n');
    expect(text).toContain(`\nprobe_ssl_earliest_cert_expiry ${Date.parse('2026-01-04T00:00:00Z') / 1000}\n`);
    expect(text).toContain('probe_tls_version_info{version="TLSv1.3"} 1\n');
  });

  it('is documented in docs/metrics.md, every metric and every refusal', async () => {
    const docs = await readFile(new URL('../../../../docs/metrics.md', import.meta.url), 'utf8');
    const text = renderProbe(full, 'prometheus').toString();
    const families = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] as string);
    expect(families.length).toBe(11);
    const missing = [...families, ...PLAN_ERROR_CODES].filter((name) => !docs.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
  });
});
