import { describe, expect, it } from 'vitest';
import { type JsonSchema, validate } from './json-schema.ts';

const monitor: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    intervalSec: { type: 'integer', exclusiveMinimum: 0, maximum: 86400 },
    method: { type: 'string', enum: ['GET', 'POST'] },
    schedule: { type: 'string', pattern: '^@daily$' },
    target: {
      anyOf: [
        { type: 'string', format: 'uri' },
        {
          type: 'object',
          properties: { command: { type: 'string', minLength: 1 } },
          required: ['command'],
          additionalProperties: false,
        },
      ],
    },
    tags: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
  },
  required: ['target'],
  additionalProperties: false,
};

describe('validate', () => {
  it('accepts a valid value', () => {
    expect(validate(monitor, { target: 'https://a.example/mcp', intervalSec: 30, tags: ['x'] })).toEqual([]);
    expect(validate(monitor, { target: { command: 'npx' } })).toEqual([]);
  });
  it('names each problem by path', () => {
    expect(
      validate(monitor, {
        name: '',
        intervalSec: 0,
        method: 'PUT',
        schedule: 'hourly',
        tags: [''],
        extra: 1,
      }),
    ).toEqual([
      { path: 'target', message: 'is required' },
      { path: 'name', message: 'must not be empty' },
      { path: 'intervalSec', message: 'must be more than 0' },
      { path: 'method', message: 'must be one of GET, POST' },
      { path: 'schedule', message: 'has a form the service does not accept' },
      { path: 'tags.0', message: 'must not be empty' },
      { path: 'extra', message: 'is not a known option' },
    ]);
  });
  it('checks types, integers and bounds', () => {
    expect(validate(monitor, { target: 'https://a.example', intervalSec: 1.5 })).toEqual([
      { path: 'intervalSec', message: 'must be a whole number' },
    ]);
    expect(validate(monitor, { target: 'https://a.example', intervalSec: '10s' })).toEqual([
      { path: 'intervalSec', message: 'must be a whole number' },
    ]);
    expect(validate(monitor, { target: 'https://a.example', intervalSec: 86401 })).toEqual([
      { path: 'intervalSec', message: 'must be at most 86400' },
    ]);
  });
  it('explains a union by its closest variant', () => {
    expect(validate(monitor, { target: 'not a url' })).toEqual([
      { path: 'target', message: 'must be a URL, like https://example.com/mcp' },
    ]);
    expect(validate(monitor, { target: { command: '' } })).toEqual([
      { path: 'target.command', message: 'must not be empty' },
    ]);
  });
});
