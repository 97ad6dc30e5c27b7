import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import { parseConfig } from '../config/load-config.js';
import { DEFAULT_PROBE_MODULES, probeModuleSchema } from '../config/probe-module-schema.js';
import { budgetMs, OptionsCache, planProbe } from './plan.js';

const testdata = fileURLToPath(new URL('../config/testdata/', import.meta.url));
const env = { MCP_TOKEN: 'secret-token' };

/** Each invalid probeModules fixture and the exact text a user sees for it. */
const INVALID: Record<string, string> = {
  'probe-modules-invalid-kind.yaml': [
    'F:3:11: probeModules.ping.kind: "icmp" is not a kind: use one of mcp, http, tcp, npm',
    'F:6:5: probeModules.web.timeout: unknown field: did you mean timeoutMs?',
  ].join('\n'),
  'probe-modules-invalid-name.yaml':
    'F:3:5: probeModules.mcp prod: name modules with letters, digits, _ . - only: the name goes in ?module= and in URLs',
  'probe-modules-invalid-regex.yaml':
    'F:4:22: probeModules.mcp.allowedTargets[0]: not a valid regular expression: check its brackets and escapes',
  'probe-modules-invalid-sse-modern.yaml':
    'F:5:10: probeModules.old_sse.era: the HTTP+SSE transport predates the modern era: use transport streamable-http, or era legacy',
  'probe-modules-invalid-stdio.yaml':
    'F:4:16: probeModules.local.transport: stdio is refused in a probe module: a target chosen by the scraper must never become a command line; watch stdio servers with a monitor instead',
};

describe('probeModules in mcpwatch.yaml', async () => {
  const files = (await readdir(testdata)).filter((f) => f.startsWith('probe-modules-invalid-')).sort();

  it('pairs every invalid fixture with its message', () => {
    expect(files).toEqual(Object.keys(INVALID).sort());
  });

  it.each(files)('%s', async (name) => {
    const file = path.join('testdata', name);
    let error: unknown;
    try {
      parseConfig(await readFile(path.join(testdata, name), 'utf8'), file, { env });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(INVALID[name]?.replaceAll('F:', `${file}:`));
  });

  it("fills each module's options with the defaults a monitor of its kind gets", async () => {
    const text = await readFile(path.join(testdata, 'probe-modules-valid.yaml'), 'utf8');
    const config = parseConfig(text, 'probe-modules-valid.yaml', { env });
    expect(config.monitors).toEqual([]);
    expect(config.probeModules?.mcp_prod).toMatchObject({
      kind: 'mcp',
      timeoutMs: 5000,
      transport: 'auto',
      headers: { Authorization: 'Bearer secret-token' },
      expectTools: ['search'],
      allowedTargets: ['https://[a-z0-9-]+\\.mcp\\.example\\.com/mcp'],
    });
    expect(config.probeModules?.healthz).toMatchObject({ kind: 'http', method: 'GET', timeoutMs: 10_000 });
    expect(config.probeModules?.tls_connect).toMatchObject({ kind: 'tcp', secure: true });
    expect(Object.keys(config.probeModules ?? {})).toEqual([
      'mcp_prod',
      'mcp_legacy_sse',
      'healthz',
      'tls_connect',
      'releases',
    ]);
  });

  it('offers mcp, http_2xx and tcp_connect when none are configured', () => {
    expect(Object.keys(DEFAULT_PROBE_MODULES)).toEqual(['mcp', 'http_2xx', 'tcp_connect']);
    expect(DEFAULT_PROBE_MODULES.http_2xx).toMatchObject({ kind: 'http', expectStatus: ['2xx'] });
  });

  it('has docs/configuration.md examples that load', async () => {
    const docs = await readFile(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');
    const blocks = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1] ?? '')
      .filter((b) => b.includes('probeModules:'));
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      expect(parseConfig(block, 'docs', { env: { MCP_TOKEN: 't' } }).probeModules).toBeDefined();
    }
  });
});

describe('the budget of a probe', () => {
  it("is the module's timeout without a scrape timeout", () => {
    expect(budgetMs(10_000, undefined)).toBe(10_000);
  });

  it('is the scrape timeout less half a second when that is shorter, as blackbox_exporter does', () => {
    expect(budgetMs(10_000, '5')).toBe(4500);
    expect(budgetMs(10_000, '10')).toBe(9500);
    expect(budgetMs(3000, '10')).toBe(3000);
    expect(budgetMs(10_000, ['2.5', '9'])).toBe(2000);
  });

  it('is half a scrape timeout of a second or less, so the answer still arrives in time', () => {
    expect(budgetMs(10_000, '1')).toBe(500);
    expect(budgetMs(10_000, '0.2')).toBe(100);
  });

  it('refuses a header that is not a positive number', () => {
    for (const bad of ['', 'soon', '-1', '0', 'Infinity']) {
      expect(budgetMs(10_000, bad)).toMatch(/^X-Prometheus-Scrape-Timeout-Seconds ".*" is not a positive/);
    }
  });
});

describe('planProbe', () => {
  const modules = {
    ...DEFAULT_PROBE_MODULES,
    releases: probeModuleSchema.parse({ kind: 'npm' }),
  };

  it("hands the probe the module's options with the budget as its deadline", () => {
    const plan = planProbe({ query: { target: 'https://mcp.example.com/mcp' }, scrapeTimeout: '4' }, modules);
    expect(plan).toMatchObject({
      module: 'mcp',
      kind: 'mcp',
      target: 'https://mcp.example.com/mcp',
      budgetMs: 3500,
      options: { timeoutMs: 3500, transport: 'auto' },
    });
    expect(plan).not.toHaveProperty('options.kind');
    expect(plan).not.toHaveProperty('options.allowedTargets');
  });

  it('builds the options of a module and budget once', () => {
    const cache = new OptionsCache();
    const input = { query: { target: 'db:5432', module: 'tcp_connect' }, scrapeTimeout: '10' };
    const first = planProbe(input, modules, cache);
    const second = planProbe(input, modules, cache);
    expect('options' in first && 'options' in second && first.options === second.options).toBe(true);
  });

  it("checks the target against the module's kind", () => {
    const plan = (target: string, module: string) =>
      planProbe({ query: { target, module }, scrapeTimeout: undefined }, modules);
    expect(plan('db.internal:5432', 'tcp_connect')).toMatchObject({ kind: 'tcp' });
    expect(plan('db.internal:70000', 'tcp_connect')).toMatchObject({ code: 'invalid_target' });
    expect(plan('https://db.internal', 'tcp_connect')).toMatchObject({ code: 'invalid_target' });
    expect(plan('@modelcontextprotocol/server-everything', 'releases')).toMatchObject({ kind: 'npm' });
    expect(plan('rm -rf /', 'releases')).toMatchObject({ code: 'invalid_target' });
    expect(plan('/usr/bin/server', 'mcp')).toMatchObject({ code: 'invalid_target' });
  });

  it('never reads a module off the prototype', () => {
    const plan = planProbe(
      { query: { target: 'x:1', module: 'constructor' }, scrapeTimeout: undefined },
      modules,
    );
    expect(plan).toMatchObject({ code: 'unknown_module' });
  });
});
