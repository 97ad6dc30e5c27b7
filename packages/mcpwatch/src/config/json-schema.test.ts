import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, configJsonSchemaText } from './json-schema.js';
import { MONITOR_KINDS } from './monitor-schema.js';

const checkedIn = new URL('../../../../schemas/mcpwatch.schema.json', import.meta.url);

describe('the JSON Schema for editors', () => {
  it('is checked in and up to date: run `npm run schema` after changing a config schema', async () => {
    // Compared as JSON: the file is formatted by Biome after it is written.
    const text = await readFile(checkedIn, 'utf8').catch(() => 'null');
    expect(JSON.parse(text), 'schemas/mcpwatch.schema.json is stale: run npm run schema').toEqual(
      JSON.parse(configJsonSchemaText()),
    );
  });

  it('offers every kind, with its fields and defaults', () => {
    const schema = configJsonSchema() as {
      properties: { monitors: { items: { oneOf: { properties: Record<string, { const?: string }> }[] } } };
    };
    const variants = schema.properties.monitors.items.oneOf;
    expect(variants.map((v) => v.properties.kind?.const)).toEqual(MONITOR_KINDS);
    const http = variants.find((v) => v.properties.kind?.const === 'http');
    expect(http?.properties.intervalSec).toMatchObject({ default: 60 });
    expect(http?.properties.consecutiveFails).toMatchObject({ default: 3 });
  });
});
