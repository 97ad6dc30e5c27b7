import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type ClientConfig,
  type ClientServer,
  editorVariables,
  parseClientConfig,
  readClientConfig,
  resolveServer,
  selectServers,
} from './client-config.js';
import { claudeCodeLocalDb, fixture } from './test-fixtures/client-configs.js';
import { UsageError } from './usage-error.js';

/** The named server of a config; a missing one fails the test here rather than as a type error. */
function server(config: ClientConfig, name: string): ClientServer {
  const found = config.servers.find((s) => s.name === name);
  if (!found) throw new Error(`no server ${name} in the fixture`);
  return found;
}

const env = { GITHUB_TOKEN: 'ghp_x', API_KEY: 'k1', DB_URL: 'postgres://db', NOTES_API_KEY: 'n1' };

describe('client config formats', () => {
  it('reads Claude Desktop: commands with args and env', async () => {
    const config = await readClientConfig(fixture('claude-desktop/claude_desktop_config.json'));
    expect(config.format).toBe('claude-desktop');
    expect(config.workspaceFolder).toBeUndefined();
    expect(config.servers.map((s) => s.name)).toEqual(['filesystem', 'github']);
    const github = resolveServer(server(config, 'github'), config, { env });
    expect(github).toMatchObject({
      transport: 'stdio',
      target: {
        command: 'docker',
        args: ['run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', 'ghcr.io/github/github-mcp-server'],
        env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_x' },
      },
    });
    // A user-level config has no project folder, so the server starts where mcpwatch runs.
    expect((github.target as { cwd?: string }).cwd).toBeUndefined();
  });

  it('reads Claude Code .mcp.json: typed http, sse and stdio entries, ${VAR:-default}', async () => {
    const config = await readClientConfig(fixture('claude-code/.mcp.json'));
    expect(config.format).toBe('claude-code');
    expect(config.workspaceFolder).toBe(fixture('claude-code'));
    const [api, sentry, db] = config.servers.map((s) => resolveServer(s, config, { env }));
    expect(api).toMatchObject({
      transport: 'streamable-http',
      target: 'https://api.example.com/mcp',
      headers: { Authorization: 'Bearer k1' },
    });
    expect(sentry).toMatchObject({ transport: 'sse', target: 'https://mcp.sentry.dev/sse', headers: {} });
    expect(db).toMatchObject({
      transport: 'stdio',
      target: claudeCodeLocalDb({ DB_URL: 'postgres://db' }),
    });
    const overridden = resolveServer(server(config, 'api-server'), config, {
      env: { ...env, API_BASE_URL: 'http://127.0.0.1:3000' },
    });
    expect(overridden.target).toBe('http://127.0.0.1:3000/mcp');
  });

  it('reads Cursor: url with headers, ${env:NAME}, ${workspaceFolder} and ${userHome}', async () => {
    const config = await readClientConfig(fixture('cursor/.cursor/mcp.json'));
    expect(config.format).toBe('cursor');
    expect(config.workspaceFolder).toBe(fixture('cursor'));
    const source = { env, builtins: editorVariables(config, '/home/someone') };
    const [notes, search] = config.servers.map((s) => resolveServer(s, config, source));
    expect(notes).toMatchObject({
      transport: 'auto',
      target: 'https://notes.example.com/mcp',
      headers: { API_KEY: 'n1' },
    });
    expect(search?.target).toMatchObject({
      command: 'npx',
      args: ['-y', 'mcp-server-search', `${fixture('cursor')}/docs`],
      env: { SEARCH_INDEX: '/home/someone/.cache/search' },
    });
  });

  it('reads VS Code: "servers" with types, cwd relative to the workspace, and inputs it cannot resolve', async () => {
    const config = await readClientConfig(fixture('vscode/.vscode/mcp.json'));
    expect(config.format).toBe('vscode');
    expect(config.workspaceFolder).toBe(fixture('vscode'));
    const source = { env, builtins: editorVariables(config, '/home/someone') };
    expect(resolveServer(server(config, 'fetch'), config, source).target).toMatchObject({
      command: 'uvx',
      args: ['mcp-server-fetch'],
      cwd: path.join(fixture('vscode'), 'tools'),
    });
    expect(resolveServer(server(config, 'github'), config, source)).toMatchObject({
      transport: 'streamable-http',
      target: 'https://api.githubcopilot.com/mcp/',
      headers: { Authorization: 'Bearer ghp_x' },
    });
    expect(() => resolveServer(server(config, 'Perplexity'), config, source)).toThrow(
      /\$\{input:perplexity-key\} in env "PERPLEXITY_API_KEY" of server "Perplexity" .* is a VS Code input, which only VS Code can prompt for/,
    );
  });

  it('reads VS Code settings.json, where the servers sit under "mcp"', () => {
    const config = parseClientConfig(
      { mcp: { servers: { local: { command: 'my-server' } } }, 'editor.fontSize': 14 },
      'settings.json',
    );
    expect(config.format).toBe('vscode');
    expect(config.servers[0]).toMatchObject({ name: 'local', transport: 'stdio' });
  });

  it('reads Windsurf: serverUrl, and marks disabled servers', async () => {
    const config = await readClientConfig(fixture('windsurf/mcp_config.json'));
    expect(config.format).toBe('windsurf');
    const [github, figma, old] = config.servers;
    expect(figma).toMatchObject({
      transport: 'auto',
      target: 'https://figma.example.com/sse',
      disabled: false,
    });
    expect(github).toMatchObject({ transport: 'stdio', disabled: false });
    expect(old).toMatchObject({ name: 'old-tool', disabled: true });
    expect(selectServers(config, { all: true }).map((s) => s.name)).toEqual(['github', 'figma']);
    expect(selectServers(config, { server: 'old-tool' }).map((s) => s.name)).toEqual(['old-tool']);
  });
});

describe('choosing servers', () => {
  const config = parseClientConfig(
    { mcpServers: { a: { command: 'a' }, b: { url: 'https://b.example.com/mcp' } } },
    'mcp.json',
  );

  it('lists the names when the server is unknown', () => {
    expect(() => selectServers(config, { server: 'c' })).toThrow(
      new UsageError('There is no server "c" in mcp.json: pick one of a, b'),
    );
  });

  it('asks for --server or --all when there are several', () => {
    expect(() => selectServers(config, {})).toThrow(/has 2 servers \(a, b\): pick one with --server NAME/);
  });

  it('takes the only server without being asked', () => {
    const one = parseClientConfig({ mcpServers: { only: { command: 'x' } } }, 'mcp.json');
    expect(selectServers(one, {}).map((s) => s.name)).toEqual(['only']);
  });
});

describe('config errors', () => {
  it('names a file that is not a client config', () => {
    expect(() => parseClientConfig({ servers: [] }, 'x.json')).toThrow(/x.json is not an MCP client config/);
    expect(() => parseClientConfig([1], 'x.json')).toThrow(UsageError);
  });

  it('names the server with neither command nor url', () => {
    expect(() => parseClientConfig({ mcpServers: { broken: { args: [] } } }, 'x.json')).toThrow(
      /server "broken" in x.json has neither "command" nor "url"/,
    );
  });

  it('names an unknown type', () => {
    expect(() =>
      parseClientConfig({ servers: { w: { type: 'websocket', url: 'ws://x' } } }, 'x.json'),
    ).toThrow(/"type": "websocket": use "stdio", "http" or "sse"/);
  });

  it('rejects args that are not strings', () => {
    expect(() => parseClientConfig({ mcpServers: { s: { command: 'x', args: [1] } } }, 'x.json')).toThrow(
      /"args" of server "s" in x.json must be an array of strings/,
    );
  });

  it('reports a missing file and bad JSON with the file name', async () => {
    await expect(readClientConfig(fixture('nope.json'))).rejects.toThrow(/nope.json does not exist/);
    await expect(readClientConfig(fileURLToPath(import.meta.url))).rejects.toThrow(/is not valid JSON/);
  });

  it('names the variable and the place of a missing one', () => {
    const config = parseClientConfig(
      {
        mcpServers: {
          api: { type: 'http', url: 'https://x/mcp', headers: { Authorization: 'Bearer ${TOKEN}' } },
        },
      },
      '.mcp.json',
    );
    expect(() => resolveServer(server(config, 'api'), config, { env: {} })).toThrow(
      '${TOKEN} in header "Authorization" of server "api" in .mcp.json is not set',
    );
  });
});
