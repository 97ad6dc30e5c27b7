import { describe, expect, it } from 'vitest';
import { mcpOptionsSchema, prepareMcpOptions } from './mcp/options.js';
import { prepare } from './options.js';
import { httpOptionsSchema } from './probes/http.js';

describe('prepared options', () => {
  it('are validated once, frozen, and passed through untouched afterwards', () => {
    const prepared = prepareMcpOptions({ timeoutMs: 3000, expectTools: ['a'] });
    expect(prepared).toMatchObject({ timeoutMs: 3000, slowMs: 5000, era: 'auto', expectTools: ['a'] });
    expect(Object.isFrozen(prepared)).toBe(true);
    expect(prepare(mcpOptionsSchema, prepared)).toBe(prepared);
  });

  it('prepared for one kind are validated again by another', () => {
    const prepared = prepareMcpOptions({ expectTools: ['a'] });
    expect(() => prepare(httpOptionsSchema, prepared)).toThrow(/expectTools/);
  });

  it('still reject bad input with the field named', () => {
    expect(() => prepareMcpOptions({ timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => prepareMcpOptions({ era: 'future' } as never)).toThrow(/era/);
  });
});
