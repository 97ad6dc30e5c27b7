import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { type ExampleServer, startExampleServer } from '../demo/example-server.js';
import { until } from '../test-fixtures/until.js';
import { type RunningExporter, startExporter } from './exporter-server.js';

let dir = '';
let mcp: ExampleServer;
let exporter: RunningExporter;
let configFile = '';

const modulesYaml = (timeoutMs: number) =>
  ['probeModules:', '  mcp_fast:', '    kind: mcp', `    timeoutMs: ${timeoutMs}`, ''].join('\n');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-exporter-'));
  configFile = path.join(dir, 'mcpwatch.yaml');
  writeFileSync(configFile, modulesYaml(3000));
  mcp = await startExampleServer();
  exporter = await startExporter({
    port: 0,
    host: '127.0.0.1',
    configFile,
    env: { MCPWATCH_METRICS_TOKEN: 'scrape-me' },
    log: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  await exporter?.close();
  await mcp?.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: 'Bearer scrape-me' };

describe('mcpwatch exporter', () => {
  it('serves /probe with the modules of its config file, and counts what it answered', async () => {
    const url = `${exporter.url}/probe?module=mcp_fast&target=${encodeURIComponent(mcp.url)}`;
    const res = await fetch(url, { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('\nprobe_success 1\n');
    expect((await fetch(url)).status).toBe(401);
    const metrics = await (await fetch(`${exporter.url}/metrics`, { headers: auth })).text();
    expect(metrics).toContain('mcpwatch_exporter_probes_total{module="mcp_fast",result="success"} 1\n');
    expect(metrics).toContain('mcpwatch_exporter_config_last_reload_successful 1\n');
    expect(metrics).toMatch(/\nprocess_resident_memory_bytes \d+\n/);
    expect((await fetch(`${exporter.url}/metrics`)).status).toBe(401);
  });

  it('answers /live and /ready without credentials, and nothing else', async () => {
    expect(await (await fetch(`${exporter.url}/live`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${exporter.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { config: true } });
    const other = await fetch(`${exporter.url}/api/v1/monitors`);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { message: string } }).error.message).toContain(
      'mcpwatch exporter serves GET /probe, /metrics, /live and /ready',
    );
  });

  it('keeps the last good modules when the file turns bad, and says so on /ready', async () => {
    writeFileSync(configFile, 'probeModules:\n  broken:\n    kind: mcp\n    transport: stdio\n');
    await until(
      '/ready to report the bad config',
      async () => (await fetch(`${exporter.url}/ready`)).status,
      (status) => status === 503,
    );
    const res = await fetch(`${exporter.url}/probe?module=mcp_fast&target=${encodeURIComponent(mcp.url)}`, {
      headers: auth,
    });
    expect(await res.text()).toContain('\nprobe_success 1\n');
    writeFileSync(configFile, modulesYaml(2000));
    await until(
      '/ready to recover',
      async () => (await fetch(`${exporter.url}/ready`)).status,
      (status) => status === 200,
    );
  });

  it('refuses to start on a config that does not load, with the line to fix', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'probeModules:\n  local:\n    kind: mcp\n    transport: stdio\n');
    let stderr = '';
    const sink = { write: (text: string) => (stderr += text) };
    const code = await main(['exporter', '--config', bad, '--port', '0'], {
      stdout: sink,
      stderr: sink,
      env: {},
      home: dir,
      signal: new AbortController().signal,
    });
    expect(code).toBe(3);
    expect(stderr).toContain(`${bad}:4:16: probeModules.local.transport: stdio is refused in a probe module`);
  });
});
