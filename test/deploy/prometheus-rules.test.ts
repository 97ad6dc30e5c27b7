/**
 * deploy/prometheus/mcpwatch-rules.yml: every alert is complete (severity, summary, description, a runbook
 * section that exists), selects only documented metrics, and has promtool unit tests that fire it and that
 * must not; Debian's promtool checks the rules, runs those tests, and accepts the example prometheus.yml;
 * and amtool accepts the example alertmanager.yml and routes each alert by its severity.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  describeWithPrometheus,
  promtool,
  runTool,
} from '../../packages/mcpwatch/src/test-fixtures/prometheus.js';
import {
  ALERTMANAGER_CONFIG,
  AMTOOL,
  documentedMetrics,
  headingAnchors,
  loadRules,
  metricNames,
  PROMETHEUS_CONFIG,
  RULES_FILE,
  RULES_TEST_FILE,
  RUNBOOKS_FILE,
  undocumented,
} from './prometheus-fixture.js';

interface AlertTest {
  alertname: string;
  eval_time: string;
  exp_alerts?: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[];
}

const groups = loadRules();
const alerts = groups.flatMap((g) => g.rules.filter((r) => r.alert !== undefined));
const alertNames = [...new Set(alerts.map((a) => a.alert as string))];

describe('the shipped alerting rules', () => {
  it('are all alerts, each with a severity, a summary, a description and a runbook', () => {
    expect(alerts.length).toBe(groups.flatMap((g) => g.rules).length);
    expect(alertNames).toEqual(
      expect.arrayContaining([
        'McpServerDown',
        'McpServerDegraded',
        'McpServerHighLatency',
        'McpToolsChanged',
        'McpToolErrorRateHigh',
        'McpToolLatencyHigh',
        'McpTlsCertExpiringSoon',
        'McpHeartbeatMissed',
        'McpwatchDown',
        'McpwatchNotReady',
        'McpwatchSchedulerLagging',
        'McpwatchEventLoopLagging',
        'McpwatchNotificationsFailing',
        'McpwatchNotificationBacklog',
      ]),
    );
    for (const alert of alerts) {
      expect(['critical', 'warning'], alert.alert).toContain(alert.labels?.severity);
      expect(alert.annotations?.summary, alert.alert).toMatch(/\S/);
      expect(alert.annotations?.description, alert.alert).toMatch(/\S/);
      // Summaries and descriptions name what they are about: every alert's text uses a label.
      expect(`${alert.annotations?.summary} ${alert.annotations?.description}`, alert.alert).toContain(
        '{{ $labels.',
      );
    }
  });

  it('link each alert to its own section of docs/runbooks.md, named after it', () => {
    const anchors = headingAnchors(RUNBOOKS_FILE);
    for (const alert of alerts) {
      const url = alert.annotations?.runbook_url ?? '';
      expect(url, alert.alert).toBe(`docs/runbooks.md#${(alert.alert as string).toLowerCase()}`);
      expect(
        anchors.has(url.split('#')[1] as string),
        `${alert.alert}: no "## ${alert.alert}" in runbooks.md`,
      ).toBe(true);
    }
    // And no runbook is left for an alert that no longer exists.
    const sections = [...readFileSync(RUNBOOKS_FILE, 'utf8').matchAll(/^## (\w+)$/gm)].map((m) => m[1]);
    expect(sections.sort()).toEqual([...alertNames].sort());
  });

  it('select only metrics that docs/metrics.md or docs/instrument.md define', () => {
    // The name reader itself: functions, keywords, labels, strings, ranges and groupings are not metrics.
    expect(
      metricNames(
        'sum by (job, le) (rate(mcp_tool_call_duration_seconds_bucket{status="error",x=~"a b"}[5m])) / ' +
          'mcpwatch_tools offset 5m > bool 3 and on (instance) up == 0 unless time() - inf_metric > 1e3',
      ),
    ).toEqual(['mcp_tool_call_duration_seconds_bucket', 'mcpwatch_tools', 'up', 'inf_metric']);
    expect(
      undocumented(['mcp_tool_call_duration_seconds_bucket', 'up', 'nope_total'], documentedMetrics()),
    ).toEqual(['nope_total']);
    const documented = documentedMetrics();
    expect(documented.has('mcpwatch_probe_success')).toBe(true);
    expect(documented.has('mcp_tool_calls_total')).toBe(true);
    for (const alert of alerts) {
      const names = metricNames(alert.expr);
      expect(names.length, `${alert.alert} selects no metric`).toBeGreaterThan(0);
      expect(undocumented(names, documented), alert.alert).toEqual([]);
    }
  });

  it('each have promtool tests that fire them, with labels and annotations, and that must not', () => {
    const tests = (
      parse(readFileSync(RULES_TEST_FILE, 'utf8')) as { tests: { alert_rule_test?: AlertTest[] }[] }
    ).tests;
    const cases = tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const name of alertNames) {
      const mine = cases.filter((c) => c.alertname === name);
      const firing = mine.filter((c) => (c.exp_alerts ?? []).length > 0);
      expect(firing.length, `${name} has no promtool case where it fires`).toBeGreaterThan(0);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${name} has no promtool case where it must not fire`,
      ).toBe(true);
      for (const c of firing) {
        for (const expected of c.exp_alerts ?? []) {
          expect(expected.exp_labels?.severity, name).toBeDefined();
          expect(Object.keys(expected.exp_annotations ?? {}).sort(), name).toEqual([
            'description',
            'runbook_url',
            'summary',
          ]);
        }
      }
    }
    // Both severities of the certificate alert are proven.
    const tls = cases
      .filter((c) => c.alertname === 'McpTlsCertExpiringSoon')
      .flatMap((c) => c.exp_alerts ?? [])
      .map((a) => a.exp_labels?.severity);
    expect(new Set(tls)).toEqual(new Set(['warning', 'critical']));
  });
});

const run = (command: string, ...args: string[]) => runTool(command, args, { cwd: path.dirname(RULES_FILE) });

describeWithPrometheus('promtool', () => {
  it('checks the rules', async () => {
    const result = await promtool(['check', 'rules', RULES_FILE]);
    expect(result.out).toContain(`SUCCESS: ${groups.flatMap((g) => g.rules).length} rules found`);
    expect(result.code).toBe(0);
  });

  it('passes the unit tests of the rules', async () => {
    const result = await promtool(['test', 'rules', RULES_TEST_FILE]);
    expect(result.out).toContain('SUCCESS');
    expect(result.out).not.toContain('FAILED');
    expect(result.code).toBe(0);
  });

  it('accepts the example prometheus.yml with the rule file it loads', async () => {
    const result = await promtool(['check', 'config', PROMETHEUS_CONFIG]);
    expect(result.out).toContain('SUCCESS: 1 rule files found');
    expect(result.code).toBe(0);
  });
});

if (existsSync(AMTOOL)) {
  describe('amtool', () => {
    it('accepts the example alertmanager.yml', async () => {
      const result = await run(AMTOOL, 'check-config', ALERTMANAGER_CONFIG);
      expect(result.out).toContain('SUCCESS');
      expect(result.code).toBe(0);
    });

    it('routes critical alerts to the pager and warnings to chat', async () => {
      const route = async (...labels: string[]) =>
        (await run(AMTOOL, 'config', 'routes', 'test', `--config.file=${ALERTMANAGER_CONFIG}`, ...labels)).out
          .split('\n')
          .find((line) => !line.startsWith('Warning'))
          ?.trim();
      for (const alert of alerts) {
        const expected = alert.labels?.severity === 'critical' ? 'pager' : 'chat';
        expect(
          await route(`alertname=${alert.alert}`, `severity=${alert.labels?.severity}`),
          alert.alert,
        ).toBe(expected);
      }
    });
  });
} else if (process.env.CI === 'true') {
  describe('amtool', () => {
    it('needs amtool under CI', () => {
      throw new Error(
        `${AMTOOL} is missing (apt-get install -y prometheus-alertmanager); CI must run this test.`,
      );
    });
  });
} else {
  console.log(
    `Skipping the amtool check of alertmanager.yml: ${AMTOOL} is missing (apt-get install -y prometheus-alertmanager).`,
  );
  describe.skip('amtool (not installed)', () => {
    it('accepts the example alertmanager.yml', () => {});
  });
}
