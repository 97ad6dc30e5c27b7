import { describe, expect, it } from 'vitest';
import { parseJsonc } from './jsonc.js';

describe('parseJsonc', () => {
  it('accepts comments and trailing commas as VS Code writes them', () => {
    const text = `{
      // the servers VS Code starts
      "servers": {
        /* a local one */
        "local": { "command": "x", "args": ["a", "b",], },
      },
    }`;
    expect(parseJsonc(text)).toEqual({ servers: { local: { command: 'x', args: ['a', 'b'] } } });
  });

  it('leaves comment markers and commas inside strings alone', () => {
    expect(parseJsonc('{"url": "https://x//y", "t": "a,}", "c": "/* no */"}')).toEqual({
      url: 'https://x//y',
      t: 'a,}',
      c: '/* no */',
    });
    expect(parseJsonc('{"q": "say \\"hi\\", // not a comment"}')).toEqual({
      q: 'say "hi", // not a comment',
    });
  });

  it('skips a byte order mark', () => {
    expect(parseJsonc('\uFEFF{"a": 1}')).toEqual({ a: 1 });
  });

  it('points at the line and column of an error, without quoting the file', () => {
    expect(() => parseJsonc('{\n  "a": 1\n  "b": 2\n}')).toThrow(/at line 3 column 3$/);
    for (const text of [
      '{"token": "s3cret", "b": }',
      '{"token": "abcdefghijklmnopqrstuvwxyz0123456789", "b": }',
    ]) {
      let message = '';
      try {
        parseJsonc(text);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^Unexpected token/);
      expect(message).not.toMatch(/s3cret|et"|789/);
    }
  });
});
