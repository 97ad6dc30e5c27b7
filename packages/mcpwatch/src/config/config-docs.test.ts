import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './load-config.js';
import { MONITOR_KINDS, MONITOR_SCHEMAS } from './monitor-schema.js';
import { fieldsOf, schemaAt } from './schema-at.js';

const docs = new URL('../../../../docs/configuration.md', import.meta.url);

describe('docs/configuration.md', () => {
  it('documents every kind and every field of each', async () => {
    const text = await readFile(docs, 'utf8');
    const missing: string[] = [];
    for (const kind of MONITOR_KINDS) {
      if (!text.includes(`### \`${kind}\``)) missing.push(`kind ${kind}`);
      const schema = MONITOR_SCHEMAS[kind];
      const nested = ['tls', 'call', 'target'].map((f) => fieldsOf(schemaAt(schema, { target: {} }, [f])));
      for (const field of [...fieldsOf(schema), ...nested.flat()]) {
        if (!text.includes(`| \`${field}\` |`)) missing.push(`${kind}.${field}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has examples that load', async () => {
    const text = await readFile(docs, 'utf8');
    const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    const configs = blocks.filter((b) => b.includes('monitors:'));
    expect(configs.length).toBeGreaterThanOrEqual(7);
    for (const block of configs) {
      const config = parseConfig(block, 'docs/configuration.md', { env: { DOCS_MCP_TOKEN: 't' } });
      expect(config.monitors.length).toBeGreaterThan(0);
    }
  });
});
