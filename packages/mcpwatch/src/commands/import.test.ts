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

describe('mcpwatch import --wrap', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mcpwatch-import-wrap-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function copy(name: string, to: string) {
    const file = path.join(dir, to);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, await readFile(fixture(name)));
    return file;
  }

  it('wraps every stdio server, keeps the rest and a backup, prints the diff, and changes nothing the second time', async () => {
    const file = await copy('claude-code/.mcp.json', 'cc/.mcp.json');
    const before = await readFile(file, 'utf8');
    const run = await mcpwatch(['import', '--wrap', file], dir);
    expect(run.code).toBe(0);
    const after = JSON.parse(await readFile(file, 'utf8'));
    const old = JSON.parse(before);
    expect(after.mcpServers['local-db']).toEqual({
      type: 'stdio',
      command: 'npx',
      args: [
        '-y',
        'mcpwatch',
        'wrap',
        '--name',
        'local-db',
        '--',
        'node',
        './tools/db-server.js',
        '--readonly',
      ],
      env: { DB_URL: '${DB_URL}' },
    });
    expect(after.mcpServers['api-server']).toEqual(old.mcpServers['api-server']);
    expect(after.mcpServers.sentry).toEqual(old.mcpServers.sentry);
    expect(await readFile(`${file}.bak`, 'utf8')).toBe(before);
    expect(run.stdout).toContain(`--- ${file}\n+++ ${file} (wrapped)\n@@ `);
    expect(run.stdout).toContain('\n-      "command": "node",\n');
    expect(run.stdout).toContain('\n+      "command": "npx",\n');
    expect(run.stderr).toContain(
      `mcpwatch: wrapped 1 stdio server (local-db) in ${file}; the old file is ${file}.bak\n`,
    );
    expect(run.stderr).toContain(`mcpwatch: ${file}: left "sentry" alone: not a stdio server\n`);

    // The wrapped file still reads as the same servers, and a second run leaves it (and the backup) alone.
    const text = await readFile(file, 'utf8');
    const again = await mcpwatch(['import', '--wrap', file], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain(`mcpwatch: ${file}: left "local-db" alone: already wrapped\n`);
    expect(await readFile(file, 'utf8')).toBe(text);
    const monitors = await mcpwatch(['import', file], dir);
    expect(monitors.stdout).toContain('name: local-db');
  });

  it('--dry-run prints the diff and writes nothing; --wrapper names the command that starts mcpwatch', async () => {
    const file = await copy('vscode/.vscode/mcp.json', 'vs/.vscode/mcp.json');
    const before = await readFile(file, 'utf8');
    const dry = await mcpwatch(['import', '--wrap', '--dry-run', '--wrapper', 'mcpwatch', file], dir);
    expect(dry.code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(before);
    await expect(readFile(`${file}.bak`)).rejects.toThrow();
    expect(dry.stdout).toContain('+      "command": "mcpwatch",\n');
    expect(dry.stderr).toContain('mcpwatch: would wrap 2 stdio servers (Perplexity, fetch) in');

    const run = await mcpwatch(['import', '--wrap', '--wrapper', 'mcpwatch', file], dir);
    expect(run.code).toBe(0);
    const doc = JSON.parse(await readFile(file, 'utf8'));
    expect(doc.servers.fetch).toEqual({
      type: 'stdio',
      command: 'mcpwatch',
      args: ['wrap', '--name', 'fetch', '--', 'uvx', 'mcp-server-fetch'],
      cwd: '${workspaceFolder}/tools',
    });
    expect(doc.inputs).toEqual(JSON.parse(before).inputs);
  });

  it('keeps earlier backups, and the comments and layout of the file', async () => {
    const file = path.join(dir, 'commented.json');
    const text =
      '{\n  // my servers\n  "mcpServers": { "a": { "command": "node", "args": ["a.js"], }, },\n}\n';
    await writeFile(file, text);
    await writeFile(`${file}.bak`, 'older');
    const run = await mcpwatch(['import', '--wrap', file], dir);
    expect(run.code).toBe(0);
    expect(await readFile(`${file}.bak`, 'utf8')).toBe('older');
    expect(await readFile(`${file}.bak.1`, 'utf8')).toBe(text);
    expect(await readFile(file, 'utf8')).toBe(
      '{\n  // my servers\n  "mcpServers": { "a": { "command": "npx", "args": ["-y", "mcpwatch", "wrap", "--name", "a", "--", "node", "a.js"], }, },\n}\n',
    );
    expect(run.stderr).not.toContain('comments');
  });

  it('refuses --wrap with --discover or --write, and --wrapper without --wrap', async () => {
    const file = path.join(dir, 'x.json');
    const a = await mcpwatch(['import', '--wrap', '--discover'], dir);
    const b = await mcpwatch(['import', '--wrap', '--write', 'm.yaml', file], dir);
    const c = await mcpwatch(['import', '--wrapper', 'mcpwatch', file], dir);
    const d = await mcpwatch(['import', '--wrap'], dir);
    expect([a.code, b.code, c.code, d.code]).toEqual([3, 3, 3, 3]);
    expect(a.stderr).toContain('--wrap rewrites the client configs you name');
    expect(c.stderr).toBe('mcpwatch: --wrapper goes with --wrap\n');
    expect(d.stderr).toBe('mcpwatch: give the client config files to rewrite with --wrap\n');
  });
});
