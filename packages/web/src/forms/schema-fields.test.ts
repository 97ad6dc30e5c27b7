import { describe, expect, it } from 'vitest';
import configSchema from '../../../../schemas/mcpwatch.schema.json';
import { allNames, errorsByField, readFields, writeFields } from './form-values.ts';
import { type JsonSchema, validate } from './json-schema.ts';
import { branchesOf, commonKeys, fieldsOf, labelOf } from './schema-fields.ts';

// The real schema the service writes, so a change there that the form cannot show fails here.
const monitors = (configSchema as unknown as { properties: { monitors: { items: JsonSchema } } }).properties
  .monitors.items;
const kinds = branchesOf(monitors, 'kind');

describe('fields from the monitor schema', () => {
  it('finds every kind', () => {
    expect([...kinds.keys()]).toEqual(['mcp', 'http', 'tcp', 'npm', 'heartbeat']);
    expect([...commonKeys(kinds.values())]).toEqual(expect.arrayContaining(['name', 'tags', 'notify']));
  });
  it('derives a field per option with its input kind', () => {
    const fields = fieldsOf(kinds.get('mcp') as JsonSchema, '', ['kind']);
    const byName = new Map(fields.map((f) => [f.name, f]));
    expect(byName.get('intervalSec')).toMatchObject({
      kind: 'number',
      label: 'Interval (seconds)',
      required: false,
    });
    expect(byName.get('transport')).toMatchObject({
      kind: 'select',
      options: ['auto', 'streamable-http', 'sse', 'stdio'],
    });
    expect(byName.get('headers')?.kind).toBe('map');
    expect(byName.get('expectTools')?.kind).toBe('list');
    expect(byName.get('ping')?.kind).toBe('checkbox');
    expect(byName.get('tls')?.kind).toBe('group');
    expect(byName.get('tls')?.children?.map((f) => f.name)).toContain('tls.insecure');
    const target = byName.get('target');
    expect(target).toMatchObject({ kind: 'union', required: true });
    expect(target?.variants?.map((v) => [v.label, v.kind])).toEqual([
      ['URL', 'text'],
      ['Command', 'group'],
    ]);
    expect(allNames(fields)).toContain('target.command');
  });
  it('labels keys', () => {
    expect(labelOf('timeoutMs')).toBe('Timeout (ms)');
    expect(labelOf('expectTools')).toBe('Expect tools');
  });
});

describe('inputs to a monitor and back', () => {
  const mcp = kinds.get('mcp') as JsonSchema;
  const fields = fieldsOf(mcp, '', ['kind']);
  it('reads a stdio command, leaving empty inputs out', () => {
    const value = readFields(fields, {
      name: 'files',
      'target@variant': '1',
      'target.command': 'npx',
      'target.args': '-y\n@modelcontextprotocol/server-filesystem\n',
      'target.env': 'LOG=debug\nAuthorization: Bearer x=y',
      intervalSec: '30',
      ping: true,
      timeoutMs: '',
    });
    expect(value).toEqual({
      name: 'files',
      target: {
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-filesystem'],
        env: { LOG: 'debug', Authorization: 'Bearer x=y' },
      },
      intervalSec: 30,
    });
    expect(validate(mcp, { ...value, kind: 'mcp' })).toEqual([]);
  });
  it('reports what the schema refuses on the input that shows it', () => {
    const value = readFields(fields, { target: 'nope', intervalSec: '-1', expectTools: 'a' });
    const errors = errorsByField(validate(mcp, { ...value, kind: 'mcp' }), allNames(fields));
    expect(errors.get('target')).toBe('must be a URL, like https://example.com/mcp');
    expect(errors.get('intervalSec')).toBe('must be more than 0');
    const http = kinds.get('http') as JsonSchema;
    const httpFields = fieldsOf(http, '', ['kind']);
    const parsed = readFields(httpFields, { target: 'https://x.example', expectStatus: '200\n3xx' });
    expect(parsed.expectStatus).toEqual([200, '3xx']);
  });
  it('reports input it cannot read', () => {
    const errors: { path: string; message: string }[] = [];
    readFields(fields, { headers: 'no separator', 'call.arguments': '{' }, errors);
    expect(errors).toEqual([
      { path: 'headers', message: '"no separator" needs a name and a value: name: value' },
      { path: 'call.arguments', message: 'must be JSON, like {"key": "value"}' },
    ]);
  });
  it('writes a stored monitor back to the same inputs', () => {
    const stored = {
      name: 'files',
      target: { command: 'npx', args: ['-y'], env: { A: '1' } },
      intervalSec: 60,
      ping: false,
      tls: { insecure: true, expiryWarnDays: 14 },
      headers: { 'X-A': 'b' },
    };
    const raw = writeFields(fields, stored);
    expect(raw).toMatchObject({
      'target@variant': '1',
      'target.command': 'npx',
      'target.args': '-y',
      'target.env': 'A: 1',
      intervalSec: '60',
      ping: false,
      'tls.insecure': true,
      headers: 'X-A: b',
    });
    expect(readFields(fields, raw)).toMatchObject({
      name: 'files',
      target: stored.target,
      ping: false,
      tls: stored.tls,
    });
  });
});

describe("a list of objects (a status page's items)", () => {
  const page = (configSchema as unknown as { properties: { statusPages: { items: JsonSchema } } }).properties
    .statusPages.items;
  const fields = fieldsOf(page);
  const items = fields.find((f) => f.name === 'items');
  it('is one row of fields per entry', () => {
    expect(items?.kind).toBe('rows');
    expect(items?.children?.map((f) => f.name)).toEqual(['items.monitor', 'items.group', 'items.publicName']);
  });
  it('reads and writes rows, dropping empty ones', () => {
    const raw = {
      slug: 'public',
      title: 'Public',
      'items@rows': '3',
      'items.0.monitor': 'api',
      'items.0.publicName': 'Public API',
      'items.1.monitor': '',
      'items.2.group': 'search',
    };
    const value = readFields(fields, raw);
    expect(value.items).toEqual([{ monitor: 'api', publicName: 'Public API' }, { group: 'search' }]);
    expect(validate(page, value)).toEqual([]);
    expect(writeFields(fields, value)).toMatchObject({
      'items@rows': '2',
      'items.0.monitor': 'api',
      'items.1.group': 'search',
    });
    const none = readFields(fields, { slug: 'p', title: 'P', 'items@rows': '1' });
    expect(errorsByField(validate(page, none), allNames(fields)).get('items')).toBe('is required');
  });
});
