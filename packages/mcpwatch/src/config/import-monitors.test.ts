import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClientConfig, readClientConfig } from '../client-config.js';
import { claudeCodeLocalDb, fixture } from '../test-fixtures/client-configs.js';
import { candidateFiles, discoverClientConfigs } from './discover-client-configs.js';
import { envName, importMonitors } from './import-monitors.js';
import { parseConfig } from './load-config.js';
import { mergeMonitors } from './merge-config.js';
import { readImportSource } from './read-import-sources.js';

const home = '/home/someone';

describe('importMonitors, from each client format', () => {
  it('Claude Desktop: stdio servers become stdio MCP monitors, env references kept', async () => {
    const config = await readClientConfig(fixture('claude-desktop/claude_desktop_config.json'));
    const { monitors, variables } = importMonitors([config], home);
    expect(monitors.map((m) => m.name)).toEqual(['filesystem', 'github']);
    expect(monitors[1]).toEqual({
      name: 'github',
      kind: 'mcp',
      target: {
        command: 'docker',
        args: ['run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', 'ghcr.io/github/github-mcp-server'],
        env: { GITHUB_PERSONAL_ACCESS_TOKEN: '${GITHUB_TOKEN}' },
      },
    });
    expect(variables).toEqual(['GITHUB_TOKEN']);
  });

  it('Claude Code .mcp.json: http and sse transports, headers as references, the project as cwd', async () => {
    const config = await readClientConfig(fixture('claude-code/.mcp.json'));
    const { monitors } = importMonitors([config], home);
    expect(monitors).toEqual([
      {
        name: 'api-server',
        kind: 'mcp',
        target: '${API_BASE_URL:-https://api.example.com}/mcp',
        transport: 'streamable-http',
        headers: { Authorization: 'Bearer ${API_KEY}' },
      },
      { name: 'sentry', kind: 'mcp', target: 'https://mcp.sentry.dev/sse', transport: 'sse' },
      {
        name: 'local-db',
        kind: 'mcp',
        target: claudeCodeLocalDb({ DB_URL: '${DB_URL}' }),
      },
    ]);
  });

  it('Cursor: ${env:NAME} in mcpwatch spelling, editor variables resolved to paths', async () => {
    const config = await readClientConfig(fixture('cursor/.cursor/mcp.json'));
    const { monitors } = importMonitors([config], home);
    expect(monitors[0]).toEqual({
      name: 'remote-notes',
      kind: 'mcp',
      target: 'https://notes.example.com/mcp',
      headers: { API_KEY: '${NOTES_API_KEY}' },
    });
    expect(monitors[1]?.target).toEqual({
      command: 'npx',
      args: ['-y', 'mcp-server-search', `${fixture('cursor')}/docs`],
      env: { SEARCH_INDEX: `${home}/.cache/search` },
      cwd: fixture('cursor'),
    });
  });

  it('VS Code: an input becomes an environment reference, and says so', async () => {
    const config = await readClientConfig(fixture('vscode/.vscode/mcp.json'));
    const { monitors, notes } = importMonitors([config], home);
    expect(monitors.map((m) => m.name)).toEqual(['Perplexity', 'fetch', 'github']);
    expect(monitors[0]?.target).toMatchObject({ env: { PERPLEXITY_API_KEY: '${PERPLEXITY_KEY}' } });
    expect(monitors[1]?.target).toMatchObject({ cwd: path.join(fixture('vscode'), 'tools') });
    expect(monitors[2]).toMatchObject({
      transport: 'streamable-http',
      headers: { Authorization: 'Bearer ${GITHUB_TOKEN}' },
    });
    expect(notes).toEqual([
      `env PERPLEXITY_API_KEY of "Perplexity" (VS Code, ${config.file}) used the VS Code input \${input:perplexity-key}: it is now \${PERPLEXITY_KEY}; export PERPLEXITY_KEY before running mcpwatch`,
    ]);
  });

  it('Windsurf: serverUrl, and a disabled server imported switched off', async () => {
    const config = await readClientConfig(fixture('windsurf/mcp_config.json'));
    const { monitors } = importMonitors([config], home);
    expect(monitors[1]).toEqual({
      name: 'figma',
      kind: 'mcp',
      target: 'https://figma.example.com/sse',
      headers: { Authorization: 'Bearer ${FIGMA_TOKEN}' },
    });
    expect(monitors[2]).toMatchObject({ name: 'old-tool', enabled: false });
  });

  it('never writes a literal secret: literal headers and secret-named env values become references', () => {
    const config = parseClientConfig(
      {
        mcpServers: {
          'remote-notes': {
            url: 'https://notes.example.com/mcp',
            headers: { Authorization: 'Bearer sk-live-123', 'X-Api-Key': 'abc' },
          },
          local: { command: 'srv', env: { GITHUB_TOKEN: 'ghp_literal', LOG_LEVEL: 'debug' } },
        },
      },
      'mcp.json',
    );
    const { monitors, notes, variables } = importMonitors([config], home);
    const text = JSON.stringify(monitors);
    for (const secret of ['sk-live-123', 'abc', 'ghp_literal']) expect(text).not.toContain(secret);
    expect(monitors[0]?.headers).toEqual({
      Authorization: 'Bearer ${REMOTE_NOTES_AUTHORIZATION}',
      'X-Api-Key': '${REMOTE_NOTES_X_API_KEY}',
    });
    expect(monitors[1]?.target).toEqual({
      command: 'srv',
      env: { GITHUB_TOKEN: '${GITHUB_TOKEN}', LOG_LEVEL: 'debug' },
    });
    expect(notes).toEqual([
      'header Authorization of "remote-notes" (Cursor, mcp.json) had a literal value: it is now ${REMOTE_NOTES_AUTHORIZATION}; export REMOTE_NOTES_AUTHORIZATION (the part after "Bearer ") before running mcpwatch',
      'header X-Api-Key of "remote-notes" (Cursor, mcp.json) had a literal value: it is now ${REMOTE_NOTES_X_API_KEY}; export REMOTE_NOTES_X_API_KEY before running mcpwatch',
      'env GITHUB_TOKEN of "local" (Cursor, mcp.json) had a literal value: it is now ${GITHUB_TOKEN}; export GITHUB_TOKEN before running mcpwatch',
    ]);
    expect(variables).toEqual(['GITHUB_TOKEN', 'REMOTE_NOTES_AUTHORIZATION', 'REMOTE_NOTES_X_API_KEY']);
  });

  it('keeps the first of two servers with one name, and says which was skipped', async () => {
    const desktop = await readClientConfig(fixture('claude-desktop/claude_desktop_config.json'));
    const windsurf = await readClientConfig(fixture('windsurf/mcp_config.json'));
    const { monitors, notes } = importMonitors([desktop, windsurf], home);
    expect(monitors.map((m) => m.name)).toEqual(['filesystem', 'github', 'figma', 'old-tool']);
    expect(notes).toEqual([
      `skipped "github" from ${windsurf.file}: a server of that name was already imported from ${desktop.file}`,
    ]);
  });

  it('what it writes loads as a valid mcpwatch.yaml once the variables are set', async () => {
    const configs = await Promise.all(
      [
        'claude-desktop/claude_desktop_config.json',
        'claude-code/.mcp.json',
        'cursor/.cursor/mcp.json',
        'vscode/.vscode/mcp.json',
        'windsurf/mcp_config.json',
      ].map((f) => readClientConfig(fixture(f))),
    );
    const { monitors, variables } = importMonitors(configs, home);
    const { text } = mergeMonitors(undefined, monitors);
    const env = Object.fromEntries(variables.map((v) => [v, 'x']));
    const loaded = parseConfig(text, 'mcpwatch.yaml', {
      env: { ...env, API_BASE_URL: 'https://api.example.com' },
    });
    expect(loaded.monitors.map((m) => m.name)).toEqual(monitors.map((m) => m.name));
  });

  it('names variables as a shell can export them', () => {
    expect(envName('remote-notes_API_KEY')).toBe('REMOTE_NOTES_API_KEY');
    expect(envName('perplexity-key')).toBe('PERPLEXITY_KEY');
    expect(envName('myServer_Authorization')).toBe('MY_SERVER_AUTHORIZATION');
    expect(envName('1password')).toBe('MCP_1PASSWORD');
  });
});

describe('mergeMonitors', () => {
  const existing = [
    '# my monitors',
    'monitors:',
    '  - name: github # the hosted one',
    '    kind: http',
    '    target: https://example.com/healthz',
    '',
  ].join('\n');

  it("keeps the file's monitors and comments, adds the new ones, and reports duplicates", () => {
    const result = mergeMonitors(existing, [
      { name: 'github', kind: 'mcp', target: 'https://api.githubcopilot.com/mcp/' },
      { name: 'notes', kind: 'mcp', target: 'https://notes.example.com/mcp' },
    ]);
    expect(result.added).toEqual(['notes']);
    expect(result.duplicates).toEqual(['github']);
    expect(result.text).toBe(
      [
        '# my monitors',
        'monitors:',
        '  - name: github # the hosted one',
        '    kind: http',
        '    target: https://example.com/healthz',
        '  - name: notes',
        '    kind: mcp',
        '    target: https://notes.example.com/mcp',
        '',
      ].join('\n'),
    );
  });

  it('starts a new file with the schema reference for editors', () => {
    const { text } = mergeMonitors(undefined, [
      { name: 'a', kind: 'mcp', target: 'https://a.example.com/mcp' },
    ]);
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=https://unpkg.com/mcpwatch/schemas/mcpwatch.schema.json',
    );
  });

  it('refuses a file that is not YAML rather than overwrite it', () => {
    expect(() => mergeMonitors('monitors: [\n', [])).toThrow(/is not valid YAML/);
  });
});

describe('--discover', () => {
  let root: string;
  let fakeHome: string;
  let project: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'mcpwatch-discover-'));
    fakeHome = path.join(root, 'home');
    project = path.join(root, 'project');
    const put = async (file: string, from: string) => {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, await readFile(fixture(from), 'utf8'));
    };
    await put(
      path.join(fakeHome, '.config/Claude/claude_desktop_config.json'),
      'claude-desktop/claude_desktop_config.json',
    );
    await put(path.join(fakeHome, '.codeium/windsurf/mcp_config.json'), 'windsurf/mcp_config.json');
    await put(path.join(project, '.vscode/mcp.json'), 'vscode/.vscode/mcp.json');
    await writeFile(
      path.join(fakeHome, '.claude.json'),
      JSON.stringify({
        numStartups: 3,
        mcpServers: { docs: { type: 'http', url: 'https://docs.example.com/mcp' } },
        projects: { [project]: { mcpServers: { local: { type: 'stdio', command: 'local-mcp' } } } },
      }),
    );
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('knows the usual places on each OS', () => {
    const place = { home: '/h', cwd: '/p', env: {} };
    const files = (platform: NodeJS.Platform, env = {}) =>
      candidateFiles({ ...place, platform, env }).map((c) => c.file);
    expect(files('darwin')).toContain('/h/Library/Application Support/Claude/claude_desktop_config.json');
    expect(files('darwin')).toContain('/h/Library/Application Support/Code/User/mcp.json');
    expect(files('linux')).toContain('/h/.config/Claude/claude_desktop_config.json');
    expect(files('linux', { XDG_CONFIG_HOME: '/x' })).toContain('/x/Code/User/mcp.json');
    expect(files('linux')).toEqual(
      expect.arrayContaining([
        '/h/.claude.json',
        '/h/.cursor/mcp.json',
        '/h/.codeium/windsurf/mcp_config.json',
        '/p/.mcp.json',
        '/p/.cursor/mcp.json',
        '/p/.vscode/mcp.json',
      ]),
    );
  });

  it('finds the files that exist under a fake HOME and project', async () => {
    const found = await discoverClientConfigs({ home: fakeHome, cwd: project, platform: 'linux', env: {} });
    expect(found).toEqual([
      { client: 'Claude Desktop', file: path.join(fakeHome, '.config/Claude/claude_desktop_config.json') },
      { client: 'Claude Code', file: path.join(fakeHome, '.claude.json') },
      { client: 'Windsurf', file: path.join(fakeHome, '.codeium/windsurf/mcp_config.json') },
      { client: 'VS Code', file: path.join(project, '.vscode/mcp.json') },
    ]);
  });

  it("reads ~/.claude.json's user servers and the project's local ones", async () => {
    const config = await readImportSource(path.join(fakeHome, '.claude.json'), project);
    expect(config.format).toBe('claude-code');
    expect(config.servers.map((s) => s.name)).toEqual(['docs', 'local']);
    const elsewhere = await readImportSource(path.join(fakeHome, '.claude.json'), root);
    expect(elsewhere.servers.map((s) => s.name)).toEqual(['docs']);
  });
});
