/**
 * `npm run schema`: writes schemas/mcpwatch.schema.json from the zod schemas. The file is checked in, and
 * json-schema.test.ts fails when it is stale.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { configJsonSchemaText } from './json-schema.js';

const target = fileURLToPath(new URL('../../../../schemas/mcpwatch.schema.json', import.meta.url));
await writeFile(target, configJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
