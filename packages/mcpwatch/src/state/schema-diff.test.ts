import { describe, expect, it } from 'vitest';
import { type Direction, diffSchema, type Severity } from './schema-diff.js';

const base = {
  type: 'object',
  properties: {
    query: { type: 'string', description: 'What to look for' },
    limit: { type: 'integer', minimum: 1, maximum: 100 },
    mode: { type: 'string', enum: ['fast', 'full'] },
  },
  required: ['query'],
};

function withProps(
  props: Record<string, unknown>,
  required = ['query'],
  extra: Record<string, unknown> = {},
) {
  return { ...base, properties: { ...base.properties, ...props }, required, ...extra };
}

const { limit: _limit, ...withoutLimit } = base.properties;

type Case = [name: string, next: unknown, direction: Direction, severity: Severity, what: string];

const cases: Case[] = [
  ['property removed', { ...base, properties: withoutLimit }, 'input', 'breaking', 'limit removed'],
  ['property newly required', withProps({}, ['query', 'limit']), 'input', 'breaking', 'limit now required'],
  [
    'required property added',
    withProps({ page: { type: 'integer' } }, ['query', 'page']),
    'input',
    'breaking',
    'page added, required',
  ],
  [
    'optional property added',
    withProps({ page: { type: 'integer' } }),
    'input',
    'compatible',
    'page added, optional',
  ],
  ['property no longer required', withProps({}, []), 'input', 'compatible', 'query now optional'],
  [
    'type changed',
    withProps({ limit: { type: 'string' } }),
    'input',
    'breaking',
    'limit type changed from integer to string',
  ],
  [
    'type widened',
    withProps({ limit: { type: ['integer', 'null'], minimum: 1, maximum: 100 } }),
    'input',
    'compatible',
    'limit type changed from integer to integer | null',
  ],
  [
    'integer widened to number',
    withProps({ limit: { type: 'number', minimum: 1, maximum: 100 } }),
    'input',
    'compatible',
    'limit type changed from integer to number',
  ],
  [
    'enum value removed',
    withProps({ mode: { type: 'string', enum: ['fast'] } }),
    'input',
    'breaking',
    'mode value "full" removed',
  ],
  [
    'enum widened',
    withProps({ mode: { type: 'string', enum: ['fast', 'full', 'deep'] } }),
    'input',
    'compatible',
    'mode value "deep" added',
  ],
  [
    'additionalProperties closed',
    withProps({}, ['query'], { additionalProperties: false }),
    'input',
    'breaking',
    'additionalProperties closed',
  ],
  [
    'bound tightened',
    withProps({ limit: { type: 'integer', minimum: 1, maximum: 50 } }),
    'input',
    'breaking',
    'limit maximum changed to 50',
  ],
  [
    'bound loosened',
    withProps({ limit: { type: 'integer', minimum: 0, maximum: 100 } }),
    'input',
    'compatible',
    'limit minimum changed to 0',
  ],
  [
    'pattern added',
    withProps({ query: { type: 'string', description: 'What to look for', pattern: '^[a-z]+$' } }),
    'input',
    'breaking',
    'query pattern now ^[a-z]+$',
  ],
  [
    'description only',
    withProps({ query: { type: 'string', description: 'Words to search for' } }),
    'input',
    'compatible',
    ' documentation changed (description, title or examples)',
  ],
  [
    'combinator changed',
    withProps({ mode: { anyOf: [{ const: 'fast' }] } }),
    'input',
    'breaking',
    'mode `anyOf` changed (not analysed, treated as breaking)',
  ],
  ['output property removed', { ...base, properties: withoutLimit }, 'output', 'breaking', 'limit removed'],
  [
    'output property type changed',
    withProps({ limit: { type: 'string' } }),
    'output',
    'breaking',
    'limit type changed from integer to string',
  ],
  [
    'output type widened',
    withProps({ limit: { type: ['integer', 'null'], minimum: 1, maximum: 100 } }),
    'output',
    'breaking',
    'limit type changed from integer to integer | null',
  ],
  ['output property may be absent', withProps({}, []), 'output', 'breaking', 'query may now be absent'],
  [
    'output property added',
    withProps({ page: { type: 'integer' } }, ['query', 'page']),
    'output',
    'compatible',
    'page added, required',
  ],
  [
    'output enum widened',
    withProps({ mode: { type: 'string', enum: ['fast', 'full', 'deep'] } }),
    'output',
    'breaking',
    'mode value "deep" added',
  ],
  [
    'output enum narrowed',
    withProps({ mode: { type: 'string', enum: ['fast'] } }),
    'output',
    'compatible',
    'mode value "full" removed',
  ],
  [
    'output additionalProperties closed',
    withProps({}, ['query'], { additionalProperties: false }),
    'output',
    'compatible',
    'additionalProperties closed',
  ],
];

describe('diffSchema', () => {
  it.each(cases)('%s', (_name, next, direction, severity, what) => {
    const changes = diffSchema(base, next, direction);
    const rendered = changes.map((c) => `${c.path} ${c.what}`.trim());
    expect(rendered).toContain(what.trim());
    const match = changes.find((c) => `${c.path} ${c.what}`.trim() === what.trim());
    expect(match?.severity).toBe(severity);
  });

  it('reports nothing when only key order differs', () => {
    const reordered = {
      required: ['query'],
      properties: {
        mode: { enum: ['fast', 'full'], type: 'string' },
        limit: { maximum: 100, minimum: 1, type: 'integer' },
        query: { description: 'What to look for', type: 'string' },
      },
      type: 'object',
    };
    expect(diffSchema(base, reordered, 'input')).toEqual([]);
  });

  it('walks nested objects and array items, naming the path', () => {
    const nest = (tags: unknown) => ({
      type: 'object',
      properties: { filter: { type: 'object', properties: { tags: { type: 'array', items: tags } } } },
    });
    const changes = diffSchema(nest({ type: 'string' }), nest({ type: 'integer' }), 'input');
    expect(changes).toEqual([
      { severity: 'breaking', path: 'filter.tags[]', what: 'type changed from string to integer' },
    ]);
  });

  it('calls a narrowed type breaking for input and compatible for output', () => {
    const prev = { type: ['string', 'null'] };
    const next = { type: 'string' };
    const what = 'type changed from null | string to string';
    expect(diffSchema(prev, next, 'input')).toEqual([{ severity: 'breaking', path: '', what }]);
    expect(diffSchema(prev, next, 'output')).toEqual([{ severity: 'compatible', path: '', what }]);
  });

  it('reads property names as own keys, so one named like an Object method is removed and added', () => {
    const named = (name: string) => ({ type: 'object', properties: { [name]: { type: 'string' } } });
    const empty = { type: 'object', properties: {} };
    expect(diffSchema(named('constructor'), empty, 'input')).toEqual([
      { severity: 'breaking', path: 'constructor', what: 'removed' },
    ]);
    expect(diffSchema(empty, named('toString'), 'input')).toEqual([
      { severity: 'compatible', path: 'toString', what: 'added, optional' },
    ]);
  });

  it('treats a missing schema as accepting anything', () => {
    expect(diffSchema(undefined, base, 'input').some((c) => c.severity === 'breaking')).toBe(true);
    expect(diffSchema(base, undefined, 'input').every((c) => c.what !== 'now required')).toBe(true);
  });
});
