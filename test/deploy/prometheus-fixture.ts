/**
 * What the tests of deploy/prometheus and deploy/grafana share: the shipped files, the metric names the docs
 * define and the names a PromQL expression uses. Debian's Prometheus and promtool themselves come from
 * packages/mcpwatch/src/test-fixtures/prometheus.ts, which the package's own Prometheus tests use too.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RULES_FILE = path.join(ROOT, 'deploy/prometheus/mcpwatch-rules.yml');
export const RULES_TEST_FILE = path.join(ROOT, 'deploy/prometheus/mcpwatch-rules.test.yml');
export const PROMETHEUS_CONFIG = path.join(ROOT, 'deploy/prometheus/prometheus.yml');
export const ALERTMANAGER_CONFIG = path.join(ROOT, 'deploy/prometheus/alertmanager.yml');
export const DASHBOARD_FILE = path.join(ROOT, 'deploy/grafana/mcpwatch-dashboard.json');
export const RUNBOOKS_FILE = path.join(ROOT, 'docs/runbooks.md');

// amtool, from Debian's prometheus-alertmanager package (.ci/run installs it).
export const AMTOOL = process.env.MCPWATCH_TEST_AMTOOL ?? '/usr/bin/amtool';

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: Rule[];
}

export function loadRules(): RuleGroup[] {
  return (parse(readFileSync(RULES_FILE, 'utf8')) as { groups: RuleGroup[] }).groups;
}

export interface Target {
  expr?: string;
  refId?: string;
  datasource?: { type?: string; uid?: string };
  legendFormat?: string;
  instant?: boolean;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
  collapsed?: boolean;
}

export interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
  definition?: string;
  datasource?: { type?: string; uid?: string };
  includeAll?: boolean;
  allValue?: string;
  multi?: boolean;
}

export interface Dashboard {
  __inputs: { name: string; type: string; pluginId: string }[];
  __requires: { type: string; id: string }[];
  title: string;
  uid: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
}

export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

/** Every panel, rows' children included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** The text of a query variable's query: a string, or the object newer Grafana versions write. */
export function variableQuery(v: Variable): string {
  return typeof v.query === 'string' ? v.query : (v.query?.query ?? v.definition ?? '');
}

/**
 * A dashboard expression as Grafana sends it with every variable at "All": the label regexes match
 * anything, and the range variables get a value Grafana could pick (a rate interval as long as the rules',
 * so a test that made its calls a minute ago still sees them).
 */
export function substituteVariables(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__interval', '30s')
    .replaceAll('$__range', '1h')
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, '.*');
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects: identifiers outside strings, label matchers, ranges and
 * grouping clauses that are not function calls or keywords. Good enough for the expressions shipped here.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.$])([a-zA-Z_:][\w:]*)\s*(\()?/g)) {
    const [, name, call] = match;
    if (!name || call || KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/** Names Prometheus makes itself, which no doc of ours defines. */
const PROMETHEUS_OWN = new Set(['up', 'ALERTS', 'ALERTS_FOR_STATE']);

/** Every metric name that docs/metrics.md (mcpwatch's /metrics) and docs/instrument.md (servers') define. */
export function documentedMetrics(): Set<string> {
  const names = new Set<string>();
  for (const doc of ['docs/metrics.md', 'docs/instrument.md']) {
    const text = readFileSync(path.join(ROOT, doc), 'utf8');
    for (const [, name] of text.matchAll(/`((?:mcpwatch|mcp|process|nodejs)_[a-z0-9_]+)`/g)) {
      if (name) names.add(name);
    }
  }
  return names;
}

/** The names of `names` that no doc defines (a histogram's `_bucket`, `_sum` and `_count` count as its own). */
export function undocumented(names: Iterable<string>, documented: Set<string>): string[] {
  return [...names].filter((name) => {
    if (PROMETHEUS_OWN.has(name) || documented.has(name)) return false;
    const base = name.replace(/_(?:bucket|sum|count)$/, '');
    return !documented.has(base);
  });
}

/** The GitHub anchors of a markdown file's headings. */
export function headingAnchors(file: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, heading] of readFileSync(file, 'utf8').matchAll(/^#{1,6} (.+)$/gm)) {
    if (!heading) continue;
    anchors.add(
      heading
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, '')
        .replace(/ /g, '-'),
    );
  }
  return anchors;
}
