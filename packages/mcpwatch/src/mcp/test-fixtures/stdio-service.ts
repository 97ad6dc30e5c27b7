/**
 * A real `mcpwatch serve` for the tests of mcpwatch's own MCP server from outside the process (`mcpwatch mcp`
 * over stdio, the MCP Inspector, the conformance suite): a SQLite file, a config with an up and a down
 * monitor and a webhook channel, API tokens made through the API, and both monitors checked once.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { type ExampleServer, startExampleServer } from '../../demo/example-server.js';
import { providerServer } from '../../notify/test-fixtures.js';
import { type RunningServer, startServer } from '../../start-server.js';
import { callApi, loginCookie } from '../../test-fixtures/api-client.js';
import { freePort } from '../../test-fixtures/free-port.js';
import { until } from '../../test-fixtures/until.js';

export const bin = fileURLToPath(new URL('../../../bin/mcpwatch.js', import.meta.url));
const built = fileURLToPath(new URL('../../../dist/mcp/stdio-main.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(built)) throw new Error('The CLI is not built: run `npm run build` before these tests');
}

export interface WatchedService {
  url: string;
  dir: string;
  database: string;
  server: RunningServer;
  /** A write token of the admin and a read token of the admin. */
  tokens: { read: string; write: string };
  /** Receives what the `hook` channel sends. */
  receiver: Awaited<ReturnType<typeof providerServer>>;
  /** The id of the open incident of `broken`. */
  incidentId: number;
  close(): Promise<void>;
}

export async function startWatchedService(): Promise<WatchedService> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-stdio-'));
  const example: ExampleServer = await startExampleServer();
  const receiver = await providerServer(() => ({ status: 204 }));
  const closedPort = await freePort();
  const configFile = path.join(dir, 'mcpwatch.yaml');
  writeFileSync(
    configFile,
    [
      'channels:',
      `  hook: { type: webhook, url: "${receiver.url}/hook" }`,
      'monitors:',
      '  - { kind: mcp, name: example, target: "${EXAMPLE_URL}", intervalSec: 3600, notify: [hook] }',
      `  - { kind: mcp, name: broken, target: "http://127.0.0.1:${closedPort}/mcp", intervalSec: 3600, consecutiveFails: 1 }`,
      '',
    ].join('\n'),
  );
  const database = path.join(dir, 'mcpwatch.db');
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    database,
    configFile,
    env: { MCPWATCH_ADMIN_PASSWORD: 'correct horse battery', EXAMPLE_URL: example.url },
    log: pino({ level: 'silent' }),
  });
  const cookie = await loginCookie(server.url, 'correct horse battery');
  const api = (method: string, url: string, body?: unknown) => callApi(server.url, cookie, method, url, body);
  const tokens = { read: '', write: '' };
  for (const scope of ['read', 'write'] as const) {
    const made = await api('POST', '/api/v1/tokens', { name: `stdio-${scope}`, scope });
    if (made.status !== 201) throw new Error(`token: HTTP ${made.status}`);
    tokens[scope] = made.body.secret;
  }
  // Checked once now: a schedule of an hour would place the first check anywhere in it.
  for (const m of (await api('GET', '/api/v1/monitors')).body.monitors) {
    await api('POST', `/api/v1/monitors/${m.id}/check`);
  }
  const incidents = await until(
    'the incident of "broken"',
    async () => (await api('GET', '/api/v1/incidents?open=true')).body.incidents as { id: number }[],
    (list) => list.length > 0,
  );
  return {
    url: server.url,
    dir,
    database,
    server,
    tokens,
    receiver,
    incidentId: (incidents[0] as { id: number }).id,
    close: async () => {
      await server.close(1000);
      await example.close();
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
