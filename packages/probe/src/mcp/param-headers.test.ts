import { describe, expect, it } from 'vitest';
import { encodeValue, paramHeaders } from './param-headers.js';

const tool = (properties: Record<string, unknown>) => ({
  name: 't',
  inputSchema: { type: 'object', properties },
});

describe('paramHeaders', () => {
  it('mirrors marked arguments, leaving unmarked and null ones out', () => {
    const t = tool({
      region: { type: 'string', 'x-mcp-header': 'Region' },
      priority: { type: 'integer', 'x-mcp-header': 'Priority' },
      verbose: { type: 'boolean', 'x-mcp-header': 'Verbose' },
      note: { type: 'string' },
      gone: { type: 'string', 'x-mcp-header': 'Gone' },
    });
    expect(
      paramHeaders(t, { region: 'eu-west-1', priority: 3, verbose: false, note: 'x', gone: null }),
    ).toEqual({
      'mcp-param-region': 'eu-west-1',
      'mcp-param-priority': '3',
      'mcp-param-verbose': 'false',
    });
  });

  it('refuses tools whose marking is malformed', () => {
    const bad = [
      { a: { type: 'string', 'x-mcp-header': '' } },
      { a: { type: 'string', 'x-mcp-header': 'Has Space' } },
      { a: { type: 'string', 'x-mcp-header': 'Colon:' } },
      { a: { type: 'string', 'x-mcp-header': 'Grüße' } },
      { a: { type: 'number', 'x-mcp-header': 'Score' } },
      { a: { type: 'object', 'x-mcp-header': 'Obj' } },
      { a: { type: 'string', 'x-mcp-header': 'X' }, b: { type: 'string', 'x-mcp-header': 'x' } },
      { a: { type: 'string', 'x-mcp-header': 42 } },
    ];
    for (const properties of bad) {
      expect(() => paramHeaders(tool(properties), {}), JSON.stringify(properties)).toThrow(
        /invalid x-mcp-header/,
      );
    }
  });

  it('encodes values a header cannot carry as Base64', () => {
    expect(encodeValue('plain value')).toBe('plain value');
    expect(encodeValue('')).toBe('');
    expect(encodeValue(' lead')).toBe(`=?base64?${Buffer.from(' lead').toString('base64')}?=`);
    expect(encodeValue('Grüße')).toBe(`=?base64?${Buffer.from('Grüße').toString('base64')}?=`);
    expect(encodeValue('a\tb')).toMatch(/^=\?base64\?/);
  });
});
