import { describe, expect, it } from 'vitest';
import { parseJsonc } from '../jsonc.js';
import { lineDiff, wrapClientConfig } from './rewrite-config.js';

describe('wrapClientConfig', () => {
  it('changes only the command and args of stdio servers, wherever the file keeps them', () => {
    // A VS Code settings.json: servers under "mcp.servers", comments holding braces and quotes, escapes in
    // strings, trailing commas, a server without args.
    const text = `{
  "editor.fontSize": 14, // { "not": "a key" }
  /* "mcp": { "servers": {} } */
  "mcp": {
    "servers": {
      "quoted \\"name\\"": { "command": "C:\\\\tools\\\\srv.exe", "env": { "X": "//not a comment" } },
      "remote": { "type": "http", "url": "https://example.com/mcp" },
    },
  },
}
`;
    const result = wrapClientConfig(text, 'settings.json', ['mcpwatch']);
    expect(result.wrapped).toEqual(['quoted "name"']);
    expect(result.skipped).toEqual([{ name: 'remote', why: 'not a stdio server' }]);
    expect(result.lostComments).toBe(false);
    const expected = parseJsonc(text) as { mcp: { servers: Record<string, Record<string, unknown>> } };
    const entry = expected.mcp.servers['quoted "name"'] as Record<string, unknown>;
    entry.command = 'mcpwatch';
    entry.args = ['wrap', '--name', 'quoted "name"', '--', 'C:\\tools\\srv.exe'];
    expect(parseJsonc(result.text)).toEqual(expected);
    // Every line but the edited one is as it was.
    const before = text.split('\n');
    const after = result.text.split('\n');
    expect(after.filter((l, i) => l !== before[i])).toEqual([
      '      "quoted \\"name\\"": { "command": "mcpwatch", "args": ["wrap", "--name", "quoted \\"name\\"", "--", "C:\\\\tools\\\\srv.exe"], "env": { "X": "//not a comment" } },',
    ]);
  });

  it('leaves a file with nothing to wrap untouched', () => {
    const text = '{"mcpServers":{"w":{"command":"mcpwatch","args":["wrap","--","node","s.js"]}}}';
    expect(wrapClientConfig(text, 'x.json')).toEqual({
      text,
      wrapped: [],
      skipped: [{ name: 'w', why: 'already wrapped' }],
      lostComments: false,
    });
  });
});

describe('lineDiff', () => {
  it('shows changed lines with their context in unified hunks', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'].join('\n');
    const b = ['1', '2', 'three', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13'].join('\n');
    expect(lineDiff(a, b, ['a', 'b'], 1)).toBe(
      '--- a\n+++ b\n@@ -2,3 +2,3 @@\n 2\n-3\n+three\n 4\n@@ -12,1 +12,2 @@\n 12\n+13\n',
    );
  });
});
