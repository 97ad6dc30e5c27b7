/**
 * The shipped rules and dashboard against the real thing: a mcpwatch service watching one MCP server that
 * answers, one closed port, a plain http endpoint without TLS, an https one whose certificate expires in ten
 * days, and a heartbeat that stops; an MCP server instrumented with @mcpwatch/instrument whose tool fails,
 * called through the official client; and Debian's Prometheus scraping both with
 * deploy/prometheus/mcpwatch-rules.yml loaded as it ships. Every rule and every dashboard query must parse
 * and evaluate there and return the series expected; McpServerDown must be pending (or firing) for the
 * closed port only, and McpToolsChanged fire when the server's tools change.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as z from 'zod';
import { createInstrumentation, type Instrumentation } from '../../packages/instrument/src/index.js';
import { type RunningServer, startServer } from '../../packages/mcpwatch/src/start-server.js';
import { callApi, loginCookie } from '../../packages/mcpwatch/src/test-fixtures/api-client.js';
import { freePort } from '../../packages/mcpwatch/src/test-fixtures/free-port.js';
import {
  describeWithPrometheus,
  type RunningPrometheus,
  type Series,
  startPrometheus,
} from '../../packages/mcpwatch/src/test-fixtures/prometheus.js';
import { until } from '../../packages/mcpwatch/src/test-fixtures/until.js';
import { makeCa, makeLeaf } from '../../packages/probe/src/test-fixtures/certs.js';
import {
  allPanels,
  loadDashboard,
  loadRules,
  RULES_FILE,
  substituteVariables,
  variableQuery,
} from './prometheus-fixture.js';

interface Answer {
  status: string;
  error?: string;
  data?: { resultType: string; result: Series[] | [number, string] };
}

/** Long enough for a loaded 2-core machine; each wait names what it waited for when it gives up. */
const WAIT_MS = 45_000;

/** Whether the weather server also lists `forecast`: its tool list changes under mcpwatch. */
let forecastTool = false;

/** An MCP server built with the official v2 SDK: `echo` works, `fail` throws (an isError result). */
function weatherServer(): McpServer {
  const server = new McpServer({ name: 'e2e-weather', version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: 'Echoes the text back', inputSchema: z.object({ text: z.string() }) },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  server.registerTool('fail', { description: 'Always fails' }, async () => {
    throw new Error('database unreachable');
  });
  if (forecastTool) {
    server.registerTool('forecast', { description: 'Tomorrow' }, async () => ({
      content: [{ type: 'text', text: 'sunny' }],
    }));
  }
  return server;
}

describeWithPrometheus(
  'the shipped rules and dashboard on a real Prometheus scraping a real mcpwatch',
  () => {
    let dir = '';
    let obs: Instrumentation;
    let instrumented: http.Server;
    let tlsSite: https.Server;
    let serverBase = '';
    let service: RunningServer;
    let prometheus: RunningPrometheus;
    let client: Client;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-deploy-'));
      obs = createInstrumentation({
        name: 'e2e-weather',
        version: '1.0.0',
        logLevel: 'silent',
        heartbeat: false,
      });
      const mcp = toNodeHandler(createMcpHandler(() => obs.instrument(weatherServer())));
      const health = obs.healthHandler();
      instrumented = http.createServer((req, res) => {
        if (req.url?.startsWith('/mcp')) return void mcp(req, res);
        health(req, res);
      });
      await new Promise<void>((resolve) => instrumented.listen(0, '127.0.0.1', resolve));
      const serverHost = `127.0.0.1:${(instrumented.address() as AddressInfo).port}`;
      serverBase = `http://${serverHost}`;

      // An https endpoint whose certificate (from a CA mcpwatch is told to trust) expires in ten days.
      const ca = makeCa();
      const leaf = makeLeaf({ ips: ['127.0.0.1'], toDays: 10, issuer: ca });
      tlsSite = https.createServer({ key: leaf.key, cert: leaf.cert }, (_req, res) => res.end('ok\n'));
      await new Promise<void>((resolve) => tlsSite.listen(0, '127.0.0.1', resolve));
      const tlsPort = (tlsSite.address() as AddressInfo).port;

      const closedPort = await freePort();
      const configFile = path.join(dir, 'mcpwatch.yaml');
      writeFileSync(
        configFile,
        [
          'monitors:',
          '  - kind: mcp',
          '    name: weather',
          `    target: ${serverBase}/mcp`,
          '    intervalSec: 2',
          '    group: e2e',
          '  - kind: mcp',
          '    name: closed port',
          `    target: http://127.0.0.1:${closedPort}/mcp`,
          '    intervalSec: 2',
          '    consecutiveFails: 1',
          '    group: e2e',
          '  - kind: http',
          '    name: plain http',
          `    target: ${serverBase}/live`,
          '    intervalSec: 2',
          '  - kind: http',
          '    name: expiring tls',
          `    target: https://127.0.0.1:${tlsPort}/`,
          '    intervalSec: 2',
          `    tls: { ca: ${JSON.stringify(ca.cert)} }`,
          '',
        ].join('\n'),
      );
      service = await startServer({
        port: 0,
        host: '127.0.0.1',
        database: path.join(dir, 'mcpwatch.db'),
        configFile,
        env: { MCPWATCH_ADMIN_PASSWORD: 'correct horse battery' },
        log: pino({ level: 'silent' }),
      });
      // A heartbeat that is pinged once and then never again: due every second, with no grace.
      const cookie = await loginCookie(service.url, 'correct horse battery');
      const created = await callApi(service.url, cookie, 'POST', '/api/v1/monitors', {
        kind: 'heartbeat',
        name: 'silent job',
        mode: 'period',
        periodSec: 1,
        graceSec: 0,
      });
      expect(created.status).toBe(201);
      const ping = await fetch(`${service.url}/hb/${created.body.heartbeatToken as string}`, {
        method: 'POST',
      });
      expect(ping.status).toBe(200);

      prometheus = await startPrometheus(dir, [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${JSON.stringify(RULES_FILE)}`,
        'scrape_configs:',
        '  - job_name: mcpwatch',
        '    static_configs:',
        `      - targets: ['${new URL(service.url).host}']`,
        '  - job_name: mcp-servers',
        '    static_configs:',
        `      - targets: ['${serverHost}']`,
        '',
      ]);

      client = new Client({ name: 'e2e-agent', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${serverBase}/mcp`)));
    }, 60_000);

    afterAll(async () => {
      await client?.close();
      await prometheus?.stop();
      await service?.close(1000);
      instrumented?.closeAllConnections();
      await new Promise((resolve) => instrumented?.close(resolve));
      tlsSite?.closeAllConnections();
      await new Promise((resolve) => tlsSite?.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    });

    /** POST /api/v1/query, as Grafana sends it; the answer whatever its status (a parse error included). */
    async function ask(expr: string): Promise<Answer> {
      if (prometheus.child.exitCode !== null) throw new Error(`Prometheus exited:\n${prometheus.output()}`);
      try {
        const res = await fetch(`${prometheus.url}/api/v1/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ query: expr }),
        });
        return (await res.json()) as Answer;
      } catch (error) {
        return { status: 'unreachable', error: String(error) }; // not listening yet
      }
    }

    async function query(expr: string): Promise<Series[]> {
      const answer = await ask(expr);
      if (answer.status !== 'success') return [];
      return answer.data?.resultType === 'vector' ? (answer.data.result as Series[]) : [];
    }

    const names = (series: Series[], label: string) => series.map((s) => s.metric[label]).sort();

    it('scrapes mcpwatch and the instrumented server, and has every monitor in its state', async () => {
      await until(
        'Prometheus to scrape both jobs',
        () => query('up == 1'),
        (r) => r.length === 2,
        WAIT_MS,
      );
      await until(
        'the closed port down, weather and plain http up, the expiring certificate degraded, the heartbeat missed',
        () => query('mcpwatch_monitor_state == 1'),
        (r) =>
          JSON.stringify(r.map((s) => [s.metric.monitor, s.metric.state]).sort()) ===
          JSON.stringify([
            ['closed port', 'down'],
            ['expiring tls', 'degraded'],
            ['plain http', 'up'],
            ['silent job', 'down'],
            ['weather', 'up'],
          ]),
        WAIT_MS,
      );
    }, 60_000);

    it('counts the failing tool calls of the official client as errors', async () => {
      await client.callTool({ name: 'echo', arguments: { text: 'first' } });
      const first = await client.callTool({ name: 'fail', arguments: {} });
      expect(first.isError).toBe(true);
      // Prometheus must see each counter once before the calls that make its rate.
      await until(
        'the first calls in Prometheus',
        () => query('mcp_tool_calls_total{job="mcp-servers"}'),
        (r) => r.length === 2,
        WAIT_MS,
      );
      for (let i = 0; i < 20; i++) {
        await client.callTool({ name: 'echo', arguments: { text: String(i) } });
        await client.callTool({ name: 'fail', arguments: {} });
      }
      const [errors] = await until(
        'the 21 failed calls in Prometheus',
        () => query('mcp_tool_calls_total{job="mcp-servers", tool_name="fail", status="error"}'),
        (r) => r[0]?.value[1] === '21',
        WAIT_MS,
      );
      expect(errors?.metric).toMatchObject({ job: 'mcp-servers', tool_name: 'fail', status: 'error' });
    }, 60_000);

    it('parses and evaluates every shipped rule, and each returns the series expected', async () => {
      const rules = loadRules().flatMap((g) => g.rules);
      for (const rule of rules) {
        const answer = await ask(rule.expr);
        expect(answer, `${rule.alert}: ${rule.expr}`).toMatchObject({ status: 'success' });
      }
      const expr = (alert: string, severity?: string) =>
        rules.find((r) => r.alert === alert && (severity === undefined || r.labels?.severity === severity))
          ?.expr as string;

      // The down monitor, and only it; the heartbeat nobody pings has its own alert.
      const down = await query(expr('McpServerDown'));
      expect(down.map((s) => [s.metric.monitor, s.metric.kind, s.metric.group, s.metric.job])).toEqual([
        ['closed port', 'mcp', 'e2e', 'mcpwatch'],
      ]);
      expect(names(await query(expr('McpHeartbeatMissed')), 'monitor')).toEqual(['silent job']);
      // More than 5% of `fail`'s calls failed (all of them), none of `echo`'s.
      const errorRate = await until(
        'McpToolErrorRateHigh to select the failing tool',
        () => query(expr('McpToolErrorRateHigh')),
        (r) => r.length > 0,
        WAIT_MS,
      );
      expect(errorRate.map((s) => [s.metric.tool_name, s.metric.job, Number(s.value[1])])).toEqual([
        ['fail', 'mcp-servers', 1],
      ]);
      // The certificate that expires in ten days: a warning, not critical; mcpwatch holds its monitor degraded.
      const tls = await query(expr('McpTlsCertExpiringSoon', 'warning'));
      expect(names(tls, 'monitor')).toEqual(['expiring tls']);
      expect(Number(tls[0]?.value[1]) / 86_400).toBeGreaterThan(9);
      expect(Number(tls[0]?.value[1]) / 86_400).toBeLessThanOrEqual(10);
      expect(await query(expr('McpTlsCertExpiringSoon', 'critical'))).toEqual([]);
      expect(names(await query(expr('McpServerDegraded')), 'monitor')).toEqual(['expiring tls']);
      // Nothing else holds here: no tool list changed yet, all fast, all scraped, mcpwatch ready and idle.
      for (const alert of [
        'McpServerHighLatency',
        'McpToolsChanged',
        'McpToolLatencyHigh',
        'McpServerMetricsDown',
        'McpwatchDown',
        'McpwatchNotReady',
        'McpwatchSchedulerLagging',
        'McpwatchNotificationsFailing',
        'McpwatchNotificationBacklog',
      ]) {
        expect(await query(expr(alert)), alert).toEqual([]);
      }
      // Only the https target has a certificate: none for the plain http one or the MCP server.
      expect(names(await query('mcpwatch_tls_cert_expiry_timestamp_seconds'), 'monitor')).toEqual([
        'expiring tls',
      ]);
      // The series those rules read are there, so their silence means something.
      expect(names(await query('mcpwatch_tool_list_info'), 'monitor')).toEqual(['weather']);
      expect(names(await query('mcpwatch_probe_duration_seconds{phase="total"}'), 'monitor')).toEqual([
        'closed port',
        'expiring tls',
        'plain http',
        'weather',
      ]);
      expect(await query('mcpwatch_scheduler_lag_seconds{stat="p99"}')).toHaveLength(1);
      expect(await query('mcpwatch_event_loop_lag_seconds{stat="p99"}')).toHaveLength(1);
    }, 90_000);

    it('evaluates the rules without errors, and McpServerDown is pending or firing for the closed port only', async () => {
      interface RuleState {
        name: string;
        health: string;
        lastError?: string;
      }
      const groups = await until(
        'every rule to be evaluated',
        async () => {
          const res = await fetch(`${prometheus.url}/api/v1/rules`);
          return ((await res.json()) as { data: { groups: { name: string; rules: RuleState[] }[] } }).data
            .groups;
        },
        (g) => g.length === 3 && g.every((group) => group.rules.every((r) => r.health !== 'unknown')),
        WAIT_MS,
      );
      const evaluated = groups.flatMap((g) =>
        g.rules.map((r) => `${g.name} ${r.name}: ${r.health} ${r.lastError ?? ''}`),
      );
      expect(evaluated.sort()).toEqual(
        loadRules()
          .flatMap((g) => g.rules.map((r) => `${g.name} ${r.alert}: ok `))
          .sort(),
      );
      const alerts = await until(
        'McpServerDown in ALERTS',
        () => query('ALERTS{alertname="McpServerDown"}'),
        (r) => r.length > 0,
        WAIT_MS,
      );
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.metric).toMatchObject({
        alertname: 'McpServerDown',
        severity: 'critical',
        monitor: 'closed port',
        kind: 'mcp',
        state: 'down',
        job: 'mcpwatch',
      });
      expect(['pending', 'firing']).toContain(alerts[0]?.metric.alertstate);
      const heartbeat = await until(
        'McpHeartbeatMissed firing (it has no for)',
        () => query('ALERTS{alertname="McpHeartbeatMissed", alertstate="firing"}'),
        (r) => r.length > 0,
        WAIT_MS,
      );
      expect(names(heartbeat, 'monitor')).toEqual(['silent job']);
    }, 90_000);

    it('parses every dashboard query with its variables at All, and they return what the panels show', async () => {
      const dashboard = loadDashboard();
      const byTitle = new Map<string, string[]>();
      for (const panel of allPanels(dashboard)) {
        for (const target of panel.targets ?? []) {
          const expr = substituteVariables(target.expr ?? '');
          const answer = await ask(expr);
          expect(answer, `${panel.title}: ${expr}`).toMatchObject({ status: 'success' });
          byTitle.set(panel.title, [...(byTitle.get(panel.title) ?? []), expr]);
        }
      }
      const panelQuery = (title: string, index = 0) => {
        const expr = byTitle.get(title)?.[index];
        if (expr === undefined) throw new Error(`no panel "${title}"`);
        return query(expr);
      };
      // Fleet: two down (the closed port and the heartbeat), one degraded, two up; the timeline codes them.
      expect((await panelQuery('Monitors down'))[0]?.value[1]).toBe('2');
      expect((await panelQuery('Monitors degraded'))[0]?.value[1]).toBe('1');
      expect((await panelQuery('Monitors up'))[0]?.value[1]).toBe('2');
      const states = await panelQuery('Monitor state');
      expect(Object.fromEntries(states.map((s) => [s.metric.monitor, s.value[1]]))).toEqual({
        weather: '1',
        'plain http': '1',
        'closed port': '3',
        'silent job': '3',
        'expiring tls': '2',
      });
      expect(names(await panelQuery('Certificate expires in'), 'monitor')).toEqual(['expiring tls']);
      // Tools and phases of the MCP monitor that answers.
      const tools = await panelQuery('Tools listed');
      expect(tools.map((s) => [s.metric.monitor, s.value[1]])).toEqual([['weather', '2']]);
      const phases = await panelQuery('Check duration by phase');
      expect(phases.filter((s) => s.metric.monitor === 'weather').map((s) => s.metric.phase)).toContain(
        'tools',
      );
      // Instrumented server: `fail` fails on every call, `echo` never.
      const errorRate = await panelQuery('Tool error rate');
      expect(Object.fromEntries(errorRate.map((s) => [s.metric.tool_name, Number(s.value[1])]))).toEqual({
        echo: 0,
        fail: 1,
      });
      const calls = await panelQuery('Tool calls');
      expect(calls.map((s) => s.metric.tool_name).sort()).toEqual(['echo', 'fail']);
      for (const s of calls) expect(Number(s.value[1]), s.metric.tool_name).toBeGreaterThan(0);
      expect((await panelQuery('Tool call latency')).map((s) => s.metric.tool_name).sort()).toEqual([
        'echo',
        'fail',
      ]);
      // mcpwatch's own health.
      expect(await panelQuery('Scheduler lag')).toHaveLength(3);
      expect(await panelQuery('mcpwatch memory')).toHaveLength(1);
      expect(await panelQuery('Server memory')).toHaveLength(1);
    }, 90_000);

    it('fills every dashboard variable from label_values', async () => {
      const values: Record<string, string[]> = {};
      for (const v of loadDashboard().templating.list) {
        const [, selector, label] = /^label_values\((.+),\s*(\w+)\)$/.exec(variableQuery(v)) ?? [];
        expect(label, v.name).toBeDefined();
        const url = `${prometheus.url}/api/v1/label/${label}/values?${new URLSearchParams({
          'match[]': substituteVariables(selector as string),
        })}`;
        const answer = (await (await fetch(url)).json()) as { status: string; data: string[] };
        expect(answer.status, v.name).toBe('success');
        values[v.name] = answer.data;
      }
      expect(values).toEqual({
        group: ['e2e'],
        kind: ['heartbeat', 'http', 'mcp'],
        monitor: ['closed port', 'expiring tls', 'plain http', 'silent job', 'weather'],
        job: ['mcp-servers'],
        instance: [new URL(serverBase).host],
        tool: ['echo', 'fail'],
        mcpwatch: [new URL(service.url).host],
      });
    });

    it('fires McpToolsChanged when the server starts listing another tool', async () => {
      forecastTool = true;
      const rule = loadRules()
        .flatMap((g) => g.rules)
        .find((r) => r.alert === 'McpToolsChanged');
      const changed = await until(
        'McpToolsChanged to count two tool lists',
        () => query(rule?.expr as string),
        (r) => r.length > 0,
        WAIT_MS,
      );
      expect(changed.map((s) => [s.metric.monitor, s.value[1]])).toEqual([['weather', '2']]);
      const firing = await until(
        'McpToolsChanged firing (it has no for)',
        () => query('ALERTS{alertname="McpToolsChanged", alertstate="firing"}'),
        (r) => r.length > 0,
        WAIT_MS,
      );
      expect(firing.map((s) => [s.metric.monitor, s.metric.severity])).toEqual([['weather', 'warning']]);
      expect(names(await query('mcpwatch_tools == 3'), 'monitor')).toEqual(['weather']);
    }, 90_000);
  },
);
