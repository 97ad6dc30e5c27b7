import { describe, expect, it } from 'vitest';
import { parseMcpJson, stripJsonc } from './mcp-json.ts';

describe('parseMcpJson', () => {
  it('reads Claude Desktop commands, keeping references and hiding secrets', () => {
    const servers = parseMcpJson(
      JSON.stringify({
        mcpServers: {
          files: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] },
          github: { command: 'gh-mcp', env: { GITHUB_TOKEN: 'ghp_secret', LOG: 'debug', KEY: '${MY_KEY}' } },
          off: { command: 'x', disabled: true },
        },
      }),
    );
    expect(servers.map((s) => s.monitor)).toEqual([
      {
        name: 'files',
        kind: 'mcp',
        target: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] },
      },
      {
        name: 'github',
        kind: 'mcp',
        target: {
          command: 'gh-mcp',
          env: { GITHUB_TOKEN: '${GITHUB_TOKEN}', LOG: 'debug', KEY: '${MY_KEY}' },
        },
      },
      { name: 'off', kind: 'mcp', target: { command: 'x' }, enabled: false },
    ]);
    expect(servers[1]?.notes).toEqual([
      'env GITHUB_TOKEN had a literal value: it is now ${GITHUB_TOKEN}; export GITHUB_TOKEN where mcpwatch runs',
    ]);
  });
  it('reads Claude Code and Cursor URLs with transports and headers', () => {
    const servers = parseMcpJson(
      JSON.stringify({
        mcpServers: {
          notes: { type: 'http', url: 'https://notes.example/mcp', headers: { Authorization: 'Bearer abc' } },
          legacy: { type: 'sse', url: 'https://old.example/sse' },
        },
      }),
    );
    expect(servers.map((s) => s.monitor)).toEqual([
      {
        name: 'notes',
        kind: 'mcp',
        target: 'https://notes.example/mcp',
        transport: 'streamable-http',
        headers: { Authorization: 'Bearer ${NOTES_AUTHORIZATION}' },
      },
      { name: 'legacy', kind: 'mcp', target: 'https://old.example/sse', transport: 'sse' },
    ]);
  });
  it('reads VS Code servers with comments, env and input references', () => {
    const text = `{
      // the team's servers
      "servers": {
        "docs": { "type": "http", "url": "https://docs.example/mcp", "headers": { "X-Key": "\${input:docs-key}" } },
        "local": { "type": "stdio", "command": "node", "args": ["server.js"], "env": { "HOME_DIR": "\${env:HOME}" } },
      },
    }`;
    const [docs, local] = parseMcpJson(text);
    expect(docs?.monitor.headers).toEqual({ 'X-Key': '${DOCS_KEY}' });
    expect(docs?.notes[0]).toContain('VS Code input');
    expect(local?.monitor.target).toEqual({
      command: 'node',
      args: ['server.js'],
      env: { HOME_DIR: '${HOME}' },
    });
  });
  it('says what is wrong', () => {
    expect(() => parseMcpJson('{')).toThrow(/not valid JSON/);
    expect(() => parseMcpJson('{"other": {}}')).toThrow(/"mcpServers" object/);
    const [bad, empty, good] = parseMcpJson(
      '{"mcpServers": {"a": {"type": "grpc", "url": "x"}, "b": {}, "c": {"command": "x"}}}',
    );
    expect(bad?.error).toBe('server "a" has "type": "grpc": use stdio, http or sse');
    expect(empty?.error).toMatch(/neither "command" nor "url"/);
    expect(good).toEqual({
      name: 'c',
      monitor: { name: 'c', kind: 'mcp', target: { command: 'x' } },
      notes: [],
    });
  });
  it('keeps // inside strings', () => {
    expect(stripJsonc('{"u": "https://x" /* c */, }')).toBe('{"u": "https://x"  }');
  });
});
