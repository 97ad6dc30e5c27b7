import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ExampleServer, startExampleServer } from '../demo/example-server.js';
import { freePort } from '../test-fixtures/free-port.js';
import {
  describeWithPrometheus,
  promtool,
  type RunningPrometheus,
  type Series,
  startPrometheus,
} from '../test-fixtures/prometheus.js';
import { until } from '../test-fixtures/until.js';
import { type RunningExporter, startExporter } from './exporter-server.js';

describeWithPrometheus('/probe driven by the real Prometheus through blackbox relabelling', () => {
  let dir = '';
  let up: ExampleServer;
  let stall: http.Server;
  let exporter: RunningExporter;
  let prometheus: RunningPrometheus;
  let downTarget = '';
  let stallTarget = '';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-prom-probe-'));
    up = await startExampleServer();
    downTarget = `http://127.0.0.1:${await freePort()}/mcp`;
    // Takes the request and never answers: only Prometheus's scrape timeout bounds the probe.
    stall = http.createServer(() => {});
    await new Promise<void>((resolve) => stall.listen(0, '127.0.0.1', resolve));
    stallTarget = `http://127.0.0.1:${(stall.address() as AddressInfo).port}/mcp`;
    const configFile = path.join(dir, 'mcpwatch.yaml');
    writeFileSync(
      configFile,
      [
        'probeModules:',
        '  mcp:',
        '    kind: mcp',
        '  slow:',
        '    kind: mcp',
        '    timeoutMs: 60000',
        '',
      ].join('\n'),
    );
    exporter = await startExporter({
      port: 0,
      host: '127.0.0.1',
      configFile,
      env: { MCPWATCH_METRICS_TOKEN: 'scrape-me' },
      log: pino({ level: 'silent' }),
    });
    const address = new URL(exporter.url).host;
    /** The relabelling every blackbox_exporter guide gives, unchanged but for the module. */
    const probeJob = (name: string, module: string, targets: string[]) => [
      `  - job_name: ${name}`,
      '    metrics_path: /probe',
      '    scrape_timeout: 2s',
      '    authorization:',
      '      credentials: scrape-me',
      '    params:',
      `      module: [${module}]`,
      '    static_configs:',
      `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
      '    relabel_configs:',
      '      - source_labels: [__address__]',
      '        target_label: __param_target',
      '      - source_labels: [__param_target]',
      '        target_label: instance',
      '      - target_label: __address__',
      `        replacement: ${address}`,
    ];
    prometheus = await startPrometheus(dir, [
      'global:',
      '  scrape_interval: 3s',
      'scrape_configs:',
      ...probeJob('mcp', 'mcp', [up.url, downTarget]),
      ...probeJob('mcp_slow', 'slow', [stallTarget]),
      '  - job_name: exporter',
      '    scrape_interval: 1s',
      '    authorization:',
      '      credentials: scrape-me',
      '    static_configs:',
      `      - targets: ['${address}']`,
      '',
    ]);
  }, 30_000);

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
    await up?.close();
    stall?.closeAllConnections();
    await new Promise((resolve) => stall?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const query = (expr: string) => prometheus.query(expr);

  const byInstance = (series: Series[]) => Object.fromEntries(series.map((s) => [s.metric.instance, s]));

  it('has probe_success 1 for the live server and 0 for the closed port, each under instance = target', async () => {
    const success = await until(
      'probe_success for both targets',
      () => query('probe_success{job="mcp"}'),
      (r) => r.length === 2,
      30_000,
    );
    const found = byInstance(success);
    expect(found[up.url]?.value[1]).toBe('1');
    expect(found[downTarget]?.value[1]).toBe('0');
    expect(found[up.url]?.metric).toEqual({ __name__: 'probe_success', instance: up.url, job: 'mcp' });
    const reasons = await query('probe_reason_info{job="mcp"}');
    expect(reasons.map((r) => [r.metric.instance, r.metric.reason])).toEqual([
      [downTarget, 'connect_refused'],
    ]);
    const [protocol] = await query('probe_mcp_protocol_info{job="mcp"}');
    expect(protocol?.metric).toMatchObject({
      instance: up.url,
      era: 'modern',
      transport: 'streamable-http',
    });
    expect((await query('probe_mcp_tools{job="mcp"}'))[0]?.value[1]).toBe('3');
    // The scrapes themselves succeeded: a down target is a metric, not a failed scrape.
    const scrapes = await query('up{job="mcp"}');
    expect(scrapes.map((s) => s.value[1])).toEqual(['1', '1']);
  }, 60_000);

  it("ends a stalled server's probe inside Prometheus's 2 s scrape timeout, not the module's 60 s", async () => {
    const success = await until(
      'probe_success for the stalled server',
      () => query('probe_success{job="mcp_slow"}'),
      (r) => r.length === 1,
      30_000,
    );
    expect(success[0]?.value[1]).toBe('0');
    expect(success[0]?.metric.instance).toBe(stallTarget);
    const [reason] = await query('probe_reason_info{job="mcp_slow"}');
    expect(reason?.metric.reason).toBe('timeout');
    expect((await query('up{job="mcp_slow"}'))[0]?.value[1]).toBe('1');
  }, 60_000);

  it("scrapes the exporter's own /metrics, counting the probes by module", async () => {
    // One live and one closed target under module mcp: a success and a failure counted, each above 0.
    const counted = await until(
      'mcpwatch_exporter_probes_total of module mcp',
      () => query('mcpwatch_exporter_probes_total{job="exporter",module="mcp"} > 0'),
      (r) => r.length === 2,
      30_000,
    );
    expect(counted.map((s) => s.metric.result).sort()).toEqual(['failure', 'success']);
    expect(await query('process_resident_memory_bytes{job="exporter"}')).toHaveLength(1);
  }, 60_000);

  it('has a scrape config in docs/metrics.md that promtool check config accepts', async () => {
    const docs = readFileSync(new URL('../../../../docs/metrics.md', import.meta.url), 'utf8');
    const block = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1] ?? '')
      .find((b) => b.includes('metrics_path: /probe'));
    expect(block).toBeDefined();
    const file = path.join(dir, 'docs-prometheus.yml');
    writeFileSync(file, (block ?? '').replace('<MCPWATCH_METRICS_TOKEN>', 'token'));
    const result = await promtool(['check', 'config', file]);
    expect(result.code, result.out).toBe(0);
  });

  it('answers exposition that promtool check metrics finds clean', async () => {
    const res = await fetch(`${exporter.url}/probe?target=${encodeURIComponent(up.url)}`, {
      headers: { authorization: 'Bearer scrape-me' },
    });
    const text = await res.text();
    expect(text).toContain('probe_mcp_tool_list_info{');
    const result = await promtool(['check', 'metrics'], text);
    expect(result).toEqual({ code: 0, out: '' });
  });
});
