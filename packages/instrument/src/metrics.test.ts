import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMcpMetrics, OVERFLOW_LABEL, TOOL_CALL_BUCKETS } from './metrics.js';

// One series' value; a histogram's `_count` and `_sum` series are looked up under the histogram's name.
async function value(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const metric = await registry.getSingleMetric(name.replace(/_(count|sum)$/, ''))?.get();
  const found = metric?.values.find(
    (v) => (v.metricName ?? name) === name && Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return found?.value;
}

describe('createMcpMetrics', () => {
  it("counts tool calls by tool and status, with the seed guide's buckets", async () => {
    const m = createMcpMetrics({ collectDefaultMetrics: false });
    m.toolCall('search', true, 0.02);
    m.toolCall('search', true, 0.2);
    m.toolCall('search', false, 3);
    expect(await value(m.registry, 'mcp_tool_calls_total', { tool_name: 'search', status: 'success' })).toBe(
      2,
    );
    expect(await value(m.registry, 'mcp_tool_calls_total', { tool_name: 'search', status: 'error' })).toBe(1);
    const text = await m.registry.metrics();
    for (const le of TOOL_CALL_BUCKETS) {
      expect(text).toContain(`mcp_tool_call_duration_seconds_bucket{le="${le}",tool_name="search"}`);
    }
    expect(text).toContain('mcp_tool_call_duration_seconds_bucket{le="0.05",tool_name="search"} 1');
    expect(text).toContain('mcp_tool_call_duration_seconds_bucket{le="2.5",tool_name="search"} 2');
    expect(text).toContain('mcp_tool_call_duration_seconds_count{tool_name="search"} 3');
    expect(TOOL_CALL_BUCKETS).toEqual([0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  });

  it("keeps at most maxResourceUris distinct URIs and counts the rest as 'other'", async () => {
    const m = createMcpMetrics({ collectDefaultMetrics: false, maxResourceUris: 2 });
    m.resourceRead('file:///a');
    m.resourceRead('file:///b');
    m.resourceRead('file:///c');
    m.resourceRead('file:///d');
    m.resourceRead('file:///a');
    expect(await value(m.registry, 'mcp_resource_reads_total', { resource_uri: 'file:///a' })).toBe(2);
    expect(await value(m.registry, 'mcp_resource_reads_total', { resource_uri: OVERFLOW_LABEL })).toBe(2);
    expect(
      await value(m.registry, 'mcp_resource_reads_total', { resource_uri: 'file:///c' }),
    ).toBeUndefined();
  });

  it('tracks open sessions and how long closed ones lasted', async () => {
    const m = createMcpMetrics({ collectDefaultMetrics: false });
    m.sessionOpened();
    m.sessionOpened();
    m.sessionClosed(42);
    expect(await value(m.registry, 'mcp_active_sessions')).toBe(1);
    expect(await value(m.registry, 'mcp_session_duration_seconds_count')).toBe(1);
    expect(await value(m.registry, 'mcp_session_duration_seconds_sum')).toBe(42);
  });

  it('counts errors by type and HTTP requests by route', async () => {
    const m = createMcpMetrics({ collectDefaultMetrics: false });
    m.error('tool_error');
    m.error('tool_error');
    m.httpRequest('GET', '/ready', 503, 0.01);
    expect(await value(m.registry, 'mcp_errors_total', { type: 'tool_error' })).toBe(2);
    expect(
      await value(m.registry, 'mcp_http_requests_total', { method: 'GET', route: '/ready', status: '503' }),
    ).toBe(1);
  });

  it("uses the user's registry, and a second instance on it reuses the metrics instead of throwing", async () => {
    const registry = new Registry();
    const a = createMcpMetrics({ registry });
    const b = createMcpMetrics({ registry, maxResourceUris: 1 });
    expect(a.registry).toBe(registry);
    a.toolCall('echo', true, 0.001);
    b.toolCall('echo', false, 0.001);
    expect(await value(registry, 'mcp_tool_calls_total', { tool_name: 'echo', status: 'success' })).toBe(1);
    expect(await value(registry, 'mcp_tool_calls_total', { tool_name: 'echo', status: 'error' })).toBe(1);
    // The cardinality limit is shared by both instances: they write one metric.
    a.resourceRead('x://1');
    b.resourceRead('x://2');
    expect(await value(registry, 'mcp_resource_reads_total', { resource_uri: OVERFLOW_LABEL })).toBe(1);
  });

  it('registers the default process metrics unless told not to', async () => {
    const withDefaults = createMcpMetrics();
    expect(await withDefaults.registry.metrics()).toContain('process_resident_memory_bytes');
    const without = createMcpMetrics({ collectDefaultMetrics: false });
    expect(await without.registry.metrics()).not.toContain('process_resident_memory_bytes');
  });
});
