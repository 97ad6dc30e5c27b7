/**
 * deploy/grafana/mcpwatch-dashboard.json: an importable dashboard (a DS_PROMETHEUS input that every panel
 * and query uses), laid out on Grafana's 24-column grid without overlaps, whose queries select documented
 * metrics, use only variables it defines, and parse as PromQL (promtool, with the variables substituted).
 * test/deploy/prometheus-e2e.test.ts runs the same queries against a Prometheus scraping a real mcpwatch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { describeWithPrometheus, promtool } from '../../packages/mcpwatch/src/test-fixtures/prometheus.js';
import {
  allPanels,
  documentedMetrics,
  loadDashboard,
  metricNames,
  type Panel,
  substituteVariables,
  undocumented,
  variableQuery,
} from './prometheus-fixture.js';

const dashboard = loadDashboard();
const panels = allPanels(dashboard);
const queryPanels = panels.filter((p) => p.type !== 'row');
const exprs = queryPanels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr ?? '' })),
);
const variables = dashboard.templating.list;
const GRAFANA_GLOBALS = new Set(['__rate_interval', '__interval', '__range']);

/** `$name` and `${name}` (with an optional `:format`) in a string. */
function variablesUsed(text: string): string[] {
  return [...text.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g)].map((m) => (m[1] ?? m[2]) as string);
}

describe('the shipped Grafana dashboard', () => {
  it('asks for a Prometheus data source on import, and every panel and query uses it', () => {
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }),
    ]);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    for (const panel of queryPanels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
      expect(panel.targets?.length, `${panel.title} has no query`).toBeGreaterThan(0);
      const refIds = (panel.targets ?? []).map((t) => t.refId);
      expect(new Set(refIds).size, `${panel.title}: refIds repeat`).toBe(refIds.length);
      for (const target of panel.targets ?? []) {
        expect(target.refId, panel.title).toMatch(/^[A-Z]$/);
        expect(target.expr?.trim(), panel.title).toBeTruthy();
        expect(target.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
      }
    }
    for (const v of variables) {
      expect(v.datasource, v.name).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
    }
  });

  it('declares every panel type it uses in __requires', () => {
    const required = new Set(dashboard.__requires.filter((r) => r.type === 'panel').map((r) => r.id));
    for (const type of new Set(queryPanels.map((p) => p.type))) expect(required, type).toContain(type);
  });

  it('has unique panel ids and lays panels out on the grid without overlaps', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const overlaps = (a: Panel, b: Panel) =>
      a.gridPos.x < b.gridPos.x + b.gridPos.w &&
      b.gridPos.x < a.gridPos.x + a.gridPos.w &&
      a.gridPos.y < b.gridPos.y + b.gridPos.h &&
      b.gridPos.y < a.gridPos.y + a.gridPos.h;
    for (const [i, panel] of dashboard.panels.entries()) {
      const { x, y, w, h } = panel.gridPos;
      expect(Number.isInteger(x) && Number.isInteger(y) && Number.isInteger(w) && Number.isInteger(h)).toBe(
        true,
      );
      expect(x, panel.title).toBeGreaterThanOrEqual(0);
      expect(y, panel.title).toBeGreaterThanOrEqual(0);
      expect(w, panel.title).toBeGreaterThanOrEqual(1);
      expect(h, panel.title).toBeGreaterThanOrEqual(1);
      expect(x + w, `${panel.title} passes the 24 columns`).toBeLessThanOrEqual(24);
      if (panel.type === 'row') expect({ x, w, h }, panel.title).toEqual({ x: 0, w: 24, h: 1 });
      for (const other of dashboard.panels.slice(i + 1)) {
        expect(overlaps(panel, other), `"${panel.title}" overlaps "${other.title}"`).toBe(false);
      }
    }
    // Rows are open, and each heads at least one panel.
    dashboard.panels.forEach((panel, i) => {
      if (panel.type !== 'row') return;
      expect(panel.collapsed, panel.title).toBe(false);
      expect(dashboard.panels[i + 1]?.type, `row ${panel.title} is empty`).not.toBe('row');
    });
  });

  it('covers the fleet, uptime, phase latency, tools, certificates, instrumented servers and mcpwatch', () => {
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual([
      'Fleet',
      'Uptime',
      'Check latency',
      'Tools',
      'Certificates and heartbeats',
      'Instrumented MCP servers',
      'mcpwatch',
    ]);
    const used = new Set(exprs.flatMap((e) => metricNames(e.expr)));
    for (const name of [
      'mcpwatch_monitor_state',
      'mcpwatch_uptime_ratio',
      'mcpwatch_probe_duration_seconds',
      'mcpwatch_tools',
      'mcpwatch_tool_list_info',
      'mcpwatch_tls_cert_expiry_timestamp_seconds',
      'mcpwatch_heartbeat_last_ping_timestamp_seconds',
      'mcp_tool_calls_total',
      'mcp_tool_call_duration_seconds_bucket',
      'mcp_errors_total',
      'mcpwatch_ready',
      'mcpwatch_scheduler_lag_seconds',
      'mcpwatch_event_loop_lag_seconds',
      'mcpwatch_checks_in_flight',
      'mcpwatch_notification_outbox_pending',
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
    ]) {
      expect(used, name).toContain(name);
    }
  });

  it('queries only metrics that docs/metrics.md or docs/instrument.md define', () => {
    const documented = documentedMetrics();
    for (const { panel, expr } of exprs) {
      expect(undocumented(metricNames(expr), documented), panel).toEqual([]);
    }
    for (const v of variables) {
      const match = /^label_values\((\w+)/.exec(variableQuery(v));
      expect(match, v.name).not.toBeNull();
      expect(undocumented([match?.[1] as string], documented), v.name).toEqual([]);
    }
  });

  it('uses only variables it defines, and their "All" matches monitors without a group too', () => {
    const defined = new Set(variables.map((v) => v.name));
    const texts = [...exprs.map((e) => e.expr), ...variables.map(variableQuery)];
    for (const text of texts) {
      for (const name of variablesUsed(text)) {
        if (!GRAFANA_GLOBALS.has(name)) expect(defined, `$${name} in ${text}`).toContain(name);
      }
    }
    for (const v of variables) {
      expect(v.type, v.name).toBe('query');
      expect(variableQuery(v), v.name).toMatch(/^label_values\(/);
      // Grafana's default "All" joins the values it knows, which leaves out series without the label.
      expect(v.includeAll && v.allValue, v.name).toBe('.*');
      // A variable may only use variables defined before it.
      const before = new Set(variables.slice(0, variables.indexOf(v)).map((x) => x.name));
      for (const name of variablesUsed(variableQuery(v)))
        expect(before, `${v.name} uses $${name}`).toContain(name);
    }
  });
});

describeWithPrometheus('the dashboard queries, as PromQL', () => {
  it('all parse (promtool checks them as recording rules, the variables substituted)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-dashboard-'));
    try {
      const file = path.join(dir, 'dashboard-queries.yml');
      const rules = exprs.map((e, i) => ({
        record: `dashboard:query_${i}`,
        expr: substituteVariables(e.expr),
      }));
      writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
      const result = await promtool(['check', 'rules', file]);
      expect(result.out).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(result.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
