import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { parseConfig } from '../config/load-config.js';

const fixtures = fileURLToPath(new URL('../test-fixtures/client-configs/', import.meta.url));
const fixture = (name: string) => path.join(fixtures, name);

async function mcpwatch(args: string[], home: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    home,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

describe('mcpwatch import', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mcpwatch-import-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the monitors as YAML when not told to write', async () => {
    const run = await mcpwatch(['import', fixture('claude-code/.mcp.json')], dir);
    expect(run.code).toBe(0);
    const config = parseConfig(run.stdout, 'out.yaml', { env: { API_KEY: 'k', DB_URL: 'd' } });
    expect(config.monitors.map((m) => m.name)).toEqual(['api-server', 'sentry', 'local-db']);
    expect(run.stderr).toContain('mcpwatch: imported 3 monitors from 1 file\n');
    expect(run.stderr).toContain(
      'mcpwatch: these monitors read API_BASE_URL, API_KEY, DB_URL from the environment\n',
    );
  });

  it('merges into an existing file, keeping its monitors and reporting duplicates', async () => {
    const file = path.join(dir, 'mcpwatch.yaml');
    const before = 'monitors:\n  - name: github\n    kind: http\n    target: https://example.com/healthz\n';
    await writeFile(file, before);
    const args = ['import', fixture('windsurf/mcp_config.json'), '--write', file];

    const dry = await mcpwatch([...args, '--dry-run'], dir);
    expect(dry.code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(dry.stdout.startsWith(before)).toBe(true);
    expect(dry.stderr).toContain(`mcpwatch: would add 2 monitors from 1 file to ${file}\n`);

    const run = await mcpwatch(args, dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      `mcpwatch: ${file} already has monitors named github: kept those, skipped the imported ones\n`,
    );
    expect(run.stderr).toContain(`mcpwatch: added 2 monitors from 1 file to ${file}\n`);
    const config = parseConfig(await readFile(file, 'utf8'), file, { env: { FIGMA_TOKEN: 'f' } });
    expect(config.monitors.map((m) => [m.name, m.kind])).toEqual([
      ['github', 'http'],
      ['figma', 'mcp'],
      ['old-tool', 'mcp'],
    ]);
  });

  it('--discover lists what it found under HOME and imports it', async () => {
    const home = path.join(dir, 'home');
    await mkdir(path.join(home, '.cursor'), { recursive: true });
    await writeFile(path.join(home, '.cursor/mcp.json'), await readFile(fixture('cursor/.cursor/mcp.json')));
    const run = await mcpwatch(['import', '--discover'], home);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`mcpwatch: found Cursor config ${path.join(home, '.cursor/mcp.json')}\n`);
    expect(run.stdout).toContain('name: remote-notes');
  });

  it('asks for files when given none', async () => {
    const run = await mcpwatch(['import'], dir);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('mcpwatch: give client config files to import, or --discover to find them\n');
  });

  it('names a file that is not a client config', async () => {
    const file = path.join(dir, 'other.json');
    await writeFile(file, '{"name": "x"}');
    const run = await mcpwatch(['import', file], dir);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`mcpwatch: ${file} is not an MCP client config`);
  });
});
