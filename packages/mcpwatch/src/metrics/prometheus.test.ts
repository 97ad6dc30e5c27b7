import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../start-server.js';
import { callApi, loginCookie } from '../test-fixtures/api-client.js';
import {
  describeWithPrometheus,
  promtool,
  type RunningPrometheus,
  startPrometheus,
} from '../test-fixtures/prometheus.js';
import { until } from '../test-fixtures/until.js';

describeWithPrometheus('/metrics scraped by the real Prometheus', () => {
  let dir = '';
  let target: http.Server;
  let server: RunningServer;
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-prom-'));
    target = http.createServer((req, res) => {
      res.writeHead(req.url === '/ok' ? 200 : 500, { 'content-type': 'text/plain' });
      res.end('x');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    const configFile = path.join(dir, 'mcpwatch.yaml');
    writeFileSync(
      configFile,
      [
        'monitors:',
        '  - kind: http',
        '    name: fine "one"',
        `    target: ${base}/ok`,
        '    intervalSec: 2',
        '    group: web',
        '    tags: [prod, eu]',
        '  - kind: http',
        '    name: broken',
        `    target: ${base}/fail`,
        '    intervalSec: 2',
        '',
      ].join('\n'),
    );
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      database: path.join(dir, 'mcpwatch.db'),
      configFile,
      env: { MCPWATCH_ADMIN_PASSWORD: 'correct horse battery', MCPWATCH_METRICS_TOKEN: 'scrape-me' },
      log: pino({ level: 'silent' }),
    });
    const cookie = await loginCookie(server.url, 'correct horse battery');
    const created = await callApi(server.url, cookie, 'POST', '/api/v1/monitors', {
      kind: 'heartbeat',
      name: 'nightly',
      mode: 'period',
      periodSec: 3600,
    });
    expect(created.status).toBe(201);
    const ping = await fetch(`${server.url}/hb/${created.body.heartbeatToken as string}`, {
      method: 'POST',
    });
    expect(ping.status).toBe(200);
    const address = new URL(server.url);
    prometheus = await startPrometheus(dir, [
      'global:',
      '  scrape_interval: 1s',
      'scrape_configs:',
      '  - job_name: mcpwatch',
      '    authorization:',
      '      credentials: scrape-me',
      '    static_configs:',
      `      - targets: ['${address.host}']`,
      '',
    ]);
  }, 30_000);

  afterAll(async () => {
    await prometheus?.stop();
    await server?.close(1000);
    target?.closeAllConnections();
    await new Promise((resolve) => target?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const query = (expr: string) => prometheus.query(expr);

  it('Prometheus scrapes it (with the bearer token, gzipped) and has mcpwatch_probe_success per monitor', async () => {
    const up = await until(
      'Prometheus to scrape mcpwatch',
      () => query('up{job="mcpwatch"}'),
      (r) => r[0]?.value[1] === '1',
      30_000,
    );
    expect(up).toHaveLength(1);
    const success = await until(
      'mcpwatch_probe_success for the two checked monitors and the pinged heartbeat',
      () => query('mcpwatch_probe_success'),
      (r) => r.length === 3,
      30_000,
    );
    const byName = Object.fromEntries(success.map((s) => [s.metric.monitor, s]));
    expect(byName['fine "one"']?.metric).toMatchObject({ kind: 'http', group: 'web', tags: 'prod,eu' });
    expect(byName['fine "one"']?.value[1]).toBe('1');
    // Prometheus keeps no empty label: no group and no tags read as absent.
    expect(byName.broken?.metric).toEqual({
      __name__: 'mcpwatch_probe_success',
      instance: expect.any(String),
      job: 'mcpwatch',
      monitor: 'broken',
      kind: 'http',
    });
    expect(byName.broken?.value[1]).toBe('0');
    // The heartbeat monitor's ping is its check.
    expect(byName.nightly?.value[1]).toBe('1');
    const state = await query('mcpwatch_monitor_state == 1');
    expect(state.map((s) => s.metric.state).sort()).toEqual(expect.arrayContaining(['up']));
    expect(await query('process_resident_memory_bytes{job="mcpwatch"}')).toHaveLength(1);
    // Prometheus asked for OpenMetrics and got it: the counter's family is named without `_total`.
    const metadata = (await (
      await fetch(`${prometheus.url}/api/v1/metadata?metric=mcpwatch_scheduler_overruns`)
    ).json()) as { data: Record<string, { type: string }[]> };
    expect(metadata.data.mcpwatch_scheduler_overruns?.[0]?.type).toBe('counter');
    const [pinged] = await query('mcpwatch_heartbeat_last_ping_timestamp_seconds');
    expect(pinged?.metric).toMatchObject({ monitor: 'nightly', kind: 'heartbeat' });
    expect(Math.abs(Number(pinged?.value[1]) - Date.now() / 1000)).toBeLessThan(120);
  }, 60_000);

  it('is clean for promtool check metrics', async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer scrape-me' } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('mcpwatch_probe_success{');
    const result = await promtool(['check', 'metrics'], text);
    expect(result).toEqual({ code: 0, out: '' });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
  });
});
