import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfigFile, parseConfig } from './load-config.js';
import { monitorSchema, probeOptionsOf } from './monitor-schema.js';

const testdata = fileURLToPath(new URL('./testdata/', import.meta.url));
const env = { MCP_TOKEN: 'secret-token' };

/** Each invalid fixture and the exact text a user sees for it, every problem in the file. */
const INVALID: Record<string, string> = {
  'invalid-duplicate-default-name.yaml':
    'F:4:5: monitors[1].name: "https://mcp.example.com/healthz" is already the name of monitors[0]: give each monitor its own name',
  'invalid-duplicate-name.yaml':
    'F:5:11: monitors[1].name: "api" is already the name of monitors[0]: give each monitor its own name',
  'invalid-empty.yaml': 'F:1:1: the file is empty: add a monitors: list',
  'invalid-enum.yaml':
    'F:5:16: monitors[0].transport: "streamable_http" is not allowed: use one of "auto", "streamable-http", "sse", "stdio" (did you mean "streamable-http"?)',
  'invalid-heartbeat-cron.yaml':
    'F:4:15: monitors[0].schedule: give a cron expression of five or six fields, like "*/5 * * * *", or @hourly',
  'invalid-heartbeat-period.yaml': [
    'F:2:5: monitors[0].periodSec: a period heartbeat needs periodSec (seconds between pings) or schedule (a cron expression)',
    'F:8:15: monitors[1].schedule: schedule belongs to mode period: remove it, or set mode: period (activity mode uses windowSec)',
  ].join('\n'),
  'invalid-many-problems.yaml': [
    'F:4:13: monitors[0].target: give an http(s) URL, like https://mcp.example.com/healthz',
    'F:5:18: monitors[0].intervalSec: 0 is too small: give more than 0',
    'F:6:23: monitors[0].consecutiveFails: "three" is a string: give a number',
    'F:7:11: monitors[1].name: "api" is already the name of monitors[0]: give each monitor its own name',
    'F:9:13: monitors[1].target: give host:port, like db.internal:5432',
  ].join('\n'),
  'invalid-mcp-combination.yaml': [
    'F:5:16: monitors[0].transport: stdio needs a command as target, not a URL',
    'F:6:11: monitors[0].mode: keepalive keeps a stdio server running: it needs a command as target, not a URL',
    'F:10:16: monitors[1].transport: sse needs a URL as target, not a command',
  ].join('\n'),
  'invalid-missing-env.yaml':
    'F:6:22: monitors[0].headers.Authorization: ${MCPWATCH_TEST_UNSET_TOKEN} in this value is not set: export MCPWATCH_TEST_UNSET_TOKEN before running mcpwatch (write $${...} for a literal ${...})',
  'invalid-missing-kind.yaml':
    'F:2:5: monitors[0].kind: missing: add kind: one of mcp, http, tcp, npm, heartbeat',
  'invalid-mode.yaml': 'F:5:11: monitors[0].mode: "warm" is not allowed: use one of "cold", "keepalive"',
  'invalid-npm-name.yaml': [
    'F:3:13: monitors[0].target: give an npm package name, like @modelcontextprotocol/server-everything',
    'F:4:15: monitors[0].registry: give the registry as an http(s) URL, like https://registry.npmjs.org/',
  ].join('\n'),
  'invalid-port.yaml': 'F:3:13: monitors[0].target: the port is above 65535: give host:port',
  'invalid-stdio-target.yaml': [
    'F:4:13: monitors[0].target: give the MCP endpoint URL, like https://mcp.example.com/mcp, or a stdio server as {command, args, env, cwd}',
    'F:8:7: monitors[1].target.command: missing: add it (text)',
  ].join('\n'),
  'invalid-tls-field.yaml': 'F:6:7: monitors[0].tls.insecur: unknown field: did you mean insecure?',
  'invalid-top-level.yaml': 'F:1:1: monitor: unknown field: did you mean monitors?',
  'invalid-unknown-field.yaml': 'F:5:5: monitors[0].intervalSecs: unknown field: did you mean intervalSec?',
  'invalid-unknown-kind.yaml':
    'F:3:11: monitors[0].kind: "htp" is not a kind: use one of mcp, http, tcp, npm, heartbeat (did you mean http?)',
  'invalid-unknown-nested-field.yaml': 'F:6:7: monitors[0].target.agrs: unknown field: did you mean args?',
  'invalid-yaml-syntax.yaml': [
    'F:3:11: nested mappings are not allowed in compact mappings: fix the YAML syntax',
    'F:3:11: implicit keys need to be on a single line: fix the YAML syntax',
  ].join('\n'),
};

function errorOf(file: string, text: string, source = { env }): ConfigError {
  try {
    parseConfig(text, file, source);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`${file} loaded without an error`);
}

const EMPTY_ALERTING = {
  channels: {},
  routes: [],
  maintenance: [],
  alerting: { remindAfterMin: 60, maxReminders: 5 },
  statusPages: [],
};

describe('invalid configs', async () => {
  const files = (await readdir(testdata)).filter((f) => f.startsWith('invalid-')).sort();

  it('pairs every invalid fixture with its message, and every message with a fixture', () => {
    expect(files).toEqual(Object.keys(INVALID).sort());
  });

  it.each(files)('%s', async (name) => {
    const file = path.join('testdata', name);
    const error = errorOf(file, await readFile(path.join(testdata, name), 'utf8'));
    expect(error.message).toBe(INVALID[name]?.replaceAll('F:', `${file}:`));
  });
});

describe('valid configs', () => {
  it("accepts the seed's shape as it is, filling the defaults and naming the monitor after its target", async () => {
    const config = await loadConfigFile(path.join(testdata, 'valid-seed.yaml'), { env });
    expect(config.monitors).toHaveLength(1);
    expect(config.monitors[0]).toMatchObject({
      name: 'https://mcp.example.com/healthz',
      kind: 'http',
      target: 'https://mcp.example.com/healthz',
      intervalSec: 60,
      consecutiveFails: 3,
      recoverAfter: 1,
      enabled: true,
      tags: [],
      alertMessage: 'The MCP server is down',
      recoveryMessage: 'The MCP server is back',
      method: 'GET',
      expectStatus: ['2xx'],
      timeoutMs: 10_000,
      slowMs: 5_000,
    });
  });

  it('accepts every kind, with its own fields and defaults', async () => {
    const config = await loadConfigFile(path.join(testdata, 'valid-all-kinds.yaml'), { env });
    const byName = Object.fromEntries(config.monitors.map((m) => [m.name, m]));
    expect(byName['docs-search']).toMatchObject({
      kind: 'mcp',
      headers: { Authorization: 'Bearer secret-token' },
      mode: 'cold',
      slowMs: 2000,
      timeoutMs: 8000,
      consecutiveFails: 2,
      recoverAfter: 2,
      group: 'production',
      tags: ['search', 'public'],
    });
    expect(byName['local-files']).toMatchObject({
      kind: 'mcp',
      mode: 'keepalive',
      intervalSec: 30,
      target: {
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-filesystem', '/srv/data'],
        env: { LOG_LEVEL: 'warn' },
      },
    });
    expect(byName.postgres).toMatchObject({ kind: 'tcp', enabled: false, intervalSec: 60 });
    expect(byName['ide-server']).toMatchObject({ kind: 'heartbeat', mode: 'activity', windowSec: 600 });
    expect(byName['nightly-job']).toMatchObject({
      kind: 'heartbeat',
      mode: 'period',
      schedule: '0 3 * * *',
      graceSec: 1800,
    });
    expect(byName['everything-releases']).toMatchObject({
      kind: 'npm',
      target: '@modelcontextprotocol/server-everything',
      registry: 'https://registry.npmjs.org/',
      distTag: 'latest',
      intervalSec: 3600,
    });
  });

  it('hands a probe exactly the options its kind declares', async () => {
    const config = await loadConfigFile(path.join(testdata, 'valid-all-kinds.yaml'), { env });
    const healthz = config.monitors.find((m) => m.name === 'healthz');
    if (healthz?.kind !== 'http') throw new Error('no healthz monitor');
    const options = probeOptionsOf(healthz);
    expect(options).toMatchObject({ jsonPath: '$.status', equals: 'ok', method: 'GET' });
    expect(Object.keys(options)).not.toContain('intervalSec');
    expect(Object.keys(options)).not.toContain('target');
  });

  it('an empty monitors list is a valid config', () => {
    expect(parseConfig('monitors: []\n', 'm.yaml', { env })).toEqual({ monitors: [], ...EMPTY_ALERTING });
  });
});

describe('${ENV} substitution', () => {
  const text = [
    'monitors:',
    '  - name: api',
    '    kind: mcp',
    '    target: ${MCP_URL}',
    '    headers:',
    '      Authorization: Bearer ${env:MCP_TOKEN}',
    '      X-Literal: $${NOT_A_VARIABLE}',
    '    intervalSec: 30',
  ].join('\n');

  it('replaces references in values, both spellings, and keeps the $${ escape', () => {
    const config = parseConfig(text, 'm.yaml', {
      env: { MCP_URL: 'https://mcp.example.com/mcp', MCP_TOKEN: 't0k' },
    });
    expect(config.monitors[0]).toMatchObject({
      target: 'https://mcp.example.com/mcp',
      headers: { Authorization: 'Bearer t0k', 'X-Literal': '${NOT_A_VARIABLE}' },
    });
  });

  it('names every missing variable with its line', () => {
    const error = errorOf('m.yaml', text, { env: {} });
    expect(error.problems.map((p) => [p.line, p.path])).toEqual([
      [4, 'monitors[0].target'],
      [6, 'monitors[0].headers.Authorization'],
    ]);
    expect(error.message).toContain('export MCP_URL before running mcpwatch');
    expect(error.message).toContain('export MCP_TOKEN before running mcpwatch');
  });

  it('never echoes a value that came from the environment', () => {
    const error = errorOf('m.yaml', text.replace('${MCP_URL}', '${MCP_URL}x'), {
      env: { MCP_URL: 'not-a-url-with-a-secret', MCP_TOKEN: 't' },
    });
    expect(error.message).not.toContain('not-a-url-with-a-secret');
  });
});

describe('loadConfigFile', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('says when the file does not exist', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mcpwatch-config-'));
    const file = path.join(dir, 'mcpwatch.yaml');
    await expect(loadConfigFile(file, { env })).rejects.toThrow(
      `${file}:1:1: does not exist: create it, or give the path of your mcpwatch.yaml`,
    );
    await writeFile(file, 'monitors: []\n');
    await expect(loadConfigFile(file, { env })).resolves.toEqual({ monitors: [], ...EMPTY_ALERTING });
  });
});

describe('a monitor named after a URL with a password', () => {
  it('never carries the password into its name', () => {
    const m = monitorSchema.parse({ kind: 'http', target: 'https://ops:s3cret@status.example.com/healthz' });
    expect(m.name).toBe('https://ops:***@status.example.com/healthz');
  });
});
