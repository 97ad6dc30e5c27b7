import { z } from 'zod';
import { configSchema } from './config-schema.js';

/** Where editors find the schema: the checked-in file, as the npm package ships it. */
export const SCHEMA_URL = 'https://unpkg.com/mcpwatch/schemas/mcpwatch.schema.json';

/**
 * The JSON Schema of `mcpwatch.yaml`, generated from the same zod schemas that validate it, so editor
 * completion cannot drift from what the service accepts. It describes the input: defaults are optional.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    ...schema,
    $id: SCHEMA_URL,
    title: 'mcpwatch.yaml',
    description: 'Monitors for mcpwatch. Reference: docs/configuration.md',
  };
}

/** The file's text: stable key order and a final newline, so a regenerated file diffs cleanly. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
