import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { probeMcp } from '@mcpwatch/probe';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1HttpTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleServer, startExampleServer } from '../demo/example-server.js';
import { providerServer } from '../notify/test-fixtures.js';
import { type RunningServer, startServer } from '../start-server.js';
import { callApi, loginCookie } from '../test-fixtures/api-client.js';
import { freePort } from '../test-fixtures/free-port.js';
import { until } from '../test-fixtures/until.js';
import { READ_TOOLS } from './read-tools.js';
import { WRITE_TOOLS } from './write-tools.js';

/**
 * mcpwatch's own MCP server end to end: a real `serve` (SQLite file, config file, real probes of a loopback
 * MCP server), API tokens made through the API, and the official clients (v2 in both eras, v1) over HTTP.
 * The clients check every structuredContent against the tool's outputSchema themselves.
 */
let dir: string;
let server: RunningServer;
let example: ExampleServer;
let receiver: Awaited<ReturnType<typeof providerServer>>;
let cookie = '';
const tokens = { read: '', write: '', viewerWrite: '' };

const api = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  callApi(server.url, cookie, method, url, body, headers);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

type Era = 'modern' | 'legacy' | 'v1';
// The calls the tests make, which both SDK generations' clients offer.
interface AnyClient {
  listTools(): Promise<{ tools: { name: string; annotations?: unknown; outputSchema?: unknown }[] }>;
  // biome-ignore lint/suspicious/noExplicitAny: a test reads the structured content it expects.
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<any>;
  listResources(): Promise<{ resources: { uri: string }[] }>;
  listResourceTemplates(): Promise<{ resourceTemplates: { uriTemplate: string }[] }>;
  readResource(params: { uri: string }): Promise<{ contents: { uri: string; text?: unknown }[] }>;
  close(): Promise<void>;
}

async function connect(era: Era, token: string): Promise<AnyClient> {
  const url = new URL(`${server.url}/mcp`);
  const requestInit = { headers: bearer(token) };
  if (era === 'v1') {
    const client = new V1Client({ name: 'v1-test', version: '1.0.0' });
    await client.connect(new V1HttpTransport(url, { requestInit }));
    return client as unknown as AnyClient;
  }
  const client = new Client(
    { name: `v2-${era}`, version: '1.0.0' },
    era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit }));
  return client as unknown as AnyClient;
}

async function withClient<T>(era: Era, token: string, work: (c: AnyClient) => Promise<T>): Promise<T> {
  const client = await connect(era, token);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mcpwatch-mcp-'));
  example = await startExampleServer();
  receiver = await providerServer(() => ({ status: 204 }));
  const closedPort = await freePort();
  const configFile = path.join(dir, 'mcpwatch.yaml');
  writeFileSync(
    configFile,
    [
      'channels:',
      `  hook: { type: webhook, url: "${receiver.url}/hook" }`,
      'monitors:',
      '  - { kind: mcp, name: example, target: "${EXAMPLE_URL}", intervalSec: 3600, group: prod, tags: [core] }',
      `  - { kind: mcp, name: broken, target: "http://127.0.0.1:${closedPort}/mcp", intervalSec: 3600, consecutiveFails: 1 }`,
      '',
    ].join('\n'),
  );
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    database: path.join(dir, 'mcpwatch.db'),
    configFile,
    env: { MCPWATCH_ADMIN_PASSWORD: 'correct horse battery', EXAMPLE_URL: example.url },
    log: pino({ level: 'silent' }),
  });
  cookie = await loginCookie(server.url, 'correct horse battery');
  for (const scope of ['read', 'write'] as const) {
    const made = await api('POST', '/api/v1/tokens', { name: `mcp-${scope}`, scope });
    expect(made.status).toBe(201);
    tokens[scope] = made.body.secret;
  }
  expect(
    (await api('POST', '/api/v1/users', { name: 'vera', password: 'viewer password 1', role: 'viewer' }))
      .status,
  ).toBe(201);
  const viewerCookie = await loginCookie(server.url, 'viewer password 1', 'vera');
  const viewerToken = await callApi(server.url, viewerCookie, 'POST', '/api/v1/tokens', {
    name: 'v',
    scope: 'write',
  });
  tokens.viewerWrite = viewerToken.body.secret;
  // Checked once now: a schedule of an hour would place the first check anywhere in it.
  for (const m of (await api('GET', '/api/v1/monitors')).body.monitors) {
    expect((await api('POST', `/api/v1/monitors/${m.id}/check`)).status).toBe(200);
  }
});

afterAll(async () => {
  await server?.close(1000);
  await example?.close();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

/** A raw POST, with headers fetch would not let a test set (Host). */
function rawPost(
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  const url = new URL(`${server.url}/mcp`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(INIT));
  });
}

describe('/mcp access', () => {
  it('answers 401 with a Bearer challenge without a token or with a wrong one', async () => {
    const none = await rawPost({});
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer /);
    expect((await rawPost(bearer('mcpw_not_a_real_token'))).status).toBe(401);
    expect((await rawPost(bearer(tokens.read))).status).toBe(200);
  });

  it('refuses another site’s Origin and a rebound Host with 403, and takes its own origin', async () => {
    expect((await rawPost({ ...bearer(tokens.write), origin: 'https://evil.example' })).status).toBe(403);
    expect((await rawPost({ ...bearer(tokens.write), host: 'evil.example' })).status).toBe(403);
    expect((await rawPost({ ...bearer(tokens.write), origin: server.url })).status).toBe(200);
  });
});

describe.each(['modern', 'legacy', 'v1'] as const)('the %s client', (era) => {
  it('sees the read tools with a read token and every tool with a write token, each with schemas and annotations', async () => {
    const readNames = await withClient(era, tokens.read, async (c) =>
      (await c.listTools()).tools.map((t) => t.name),
    );
    expect(readNames.sort()).toEqual([...READ_TOOLS].sort());
    const tools = await withClient(era, tokens.write, async (c) => (await c.listTools()).tools);
    expect(tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
    for (const tool of tools) {
      expect(tool.outputSchema, tool.name).toBeDefined();
      expect(tool.annotations, tool.name).toMatchObject({ readOnlyHint: expect.any(Boolean) });
    }
    expect(tools.find((t) => t.name === 'pause_monitor')?.annotations).toMatchObject({
      destructiveHint: true,
    });
    expect(tools.find((t) => t.name === 'probe')?.annotations).toMatchObject({ openWorldHint: true });
  });

  it('lists and reads monitors, and says what to do about an unknown name', async () => {
    await withClient(era, tokens.read, async (c) => {
      const list = await c.callTool({ name: 'list_monitors', arguments: { tag: 'core' } });
      expect(list.isError).toBeFalsy();
      expect(list.structuredContent.monitors.map((m: { name: string }) => m.name)).toEqual(['example']);
      const down = await c.callTool({ name: 'list_monitors', arguments: { status: 'down' } });
      expect(down.structuredContent.monitors.map((m: { name: string }) => m.name)).toEqual(['broken']);
      const one = await c.callTool({ name: 'get_monitor', arguments: { name: 'example' } });
      expect(one.structuredContent.monitor).toMatchObject({ name: 'example', status: 'up', group: 'prod' });
      expect(one.structuredContent.lastResult).toMatchObject({ status: 'up', reason: null });
      expect(Object.keys(one.structuredContent.lastResult.timings)).toContain('tools');
      expect(one.structuredContent.tools.list.map((t: { name: string }) => t.name)).toEqual(
        expect.arrayContaining(['echo', 'add', 'time']),
      );
      expect(Object.keys(one.structuredContent.uptime)).toEqual(['24h', '7d', '30d']);
      const typo = await c.callTool({ name: 'get_monitor', arguments: { name: 'exampel' } });
      expect(typo.isError).toBe(true);
      expect(typo.content[0].text).toContain('Did you mean "example"?');
    });
  });

  it('lists the status and each monitor as resources', async () => {
    await withClient(era, tokens.read, async (c) => {
      const { resources } = await c.listResources();
      expect(resources.map((r) => r.uri)).toEqual(
        expect.arrayContaining([
          'mcpwatch://status',
          'mcpwatch://monitors/example',
          'mcpwatch://monitors/broken',
        ]),
      );
      const templates = await c.listResourceTemplates();
      expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toContain('mcpwatch://monitors/{name}');
      const status = JSON.parse(
        String((await c.readResource({ uri: 'mcpwatch://status' })).contents[0]?.text),
      );
      expect(status.counts).toMatchObject({ up: 1, down: 1 });
      expect(status.unhealthy[0]).toMatchObject({ name: 'broken', status: 'down' });
      const latest = await c.readResource({ uri: 'mcpwatch://monitors/example' });
      expect(JSON.parse(String(latest.contents[0]?.text)).lastResult).toMatchObject({ status: 'up' });
    });
  });
});

describe('write tools', () => {
  it('are refused to read tokens and to a viewer’s write token, over MCP and REST', async () => {
    await withClient('modern', tokens.read, async (c) => {
      const refused = await c
        .callTool({ name: 'pause_monitor', arguments: { name: 'example', durationMinutes: 5 } })
        .catch((error: Error) => ({ isError: true, content: [{ text: error.message }] }));
      expect(refused.isError).toBe(true);
    });
    const viewerTools = await withClient(
      'legacy',
      tokens.viewerWrite,
      async (c) => (await c.listTools()).tools,
    );
    expect(viewerTools.map((t) => t.name).sort()).toEqual([...READ_TOOLS].sort());
    const rest = await callApi(
      server.url,
      '',
      'POST',
      '/api/v1/notifications',
      { monitor: 'example', title: 't', message: 'm' },
      bearer(tokens.read),
    );
    expect(rest.status).toBe(403);
    expect((await api('GET', '/api/v1/maintenance')).body.windows).toEqual([]);
  });

  it('probe a URL or a monitor, never a command line', async () => {
    await withClient('modern', tokens.write, async (c) => {
      const byUrl = await c.callTool({ name: 'probe', arguments: { url: example.url } });
      expect(byUrl.structuredContent.result).toMatchObject({
        status: 'up',
        protocol: { transport: 'streamable-http' },
      });
      expect(byUrl.structuredContent.result.tools.map((t: { name: string }) => t.name)).toContain('echo');
      const byName = await c.callTool({ name: 'probe', arguments: { monitor: 'broken' } });
      expect(byName.structuredContent.result).toMatchObject({ status: 'down', reason: expect.any(String) });
      const command = await c.callTool({ name: 'probe', arguments: { url: 'file:///bin/sh' } });
      expect(command.isError).toBe(true);
      expect(command.content[0].text).toContain('Only http:// and https://');
    });
    const rest = await callApi(
      server.url,
      '',
      'POST',
      '/api/v1/probe',
      { url: example.url },
      bearer(tokens.write),
    );
    expect(rest.status).toBe(200);
    expect(rest.body.result.status).toBe('up');
  });

  it('check now, then the incident: list, read and acknowledge it', async () => {
    await withClient('legacy', tokens.write, async (c) => {
      const checked = await c.callTool({ name: 'check_now', arguments: { name: 'broken' } });
      expect(checked.structuredContent.monitor).toMatchObject({
        name: 'broken',
        status: 'down',
        incidentOpen: true,
      });
      const list = await c.callTool({ name: 'list_incidents', arguments: { open: true } });
      const incident = list.structuredContent.incidents[0];
      expect(incident).toMatchObject({ monitor: 'broken', open: true, acknowledgedBy: null });
      const read = await c.callTool({ name: 'get_incident', arguments: { id: incident.id } });
      expect(read.structuredContent.timeline.map((e: { kind: string }) => e.kind)).toContain('down');
      const acked = await c.callTool({ name: 'acknowledge_incident', arguments: { id: incident.id } });
      expect(acked.structuredContent.incident.acknowledgedBy).toBe('admin');
      const missing = await c.callTool({ name: 'get_incident', arguments: { id: 9999 } });
      expect(missing.isError).toBe(true);
      expect(missing.content[0].text).toContain('list_incidents');
    });
  });

  it('pause for a duration is a maintenance window of the monitor, and resume ends it', async () => {
    await withClient('v1', tokens.write, async (c) => {
      const paused = await c.callTool({
        name: 'pause_monitor',
        arguments: { name: 'example', durationMinutes: 30, reason: 'upgrade' },
      });
      expect(paused.isError).toBeFalsy();
      const { window, monitor } = paused.structuredContent;
      expect(monitor.maintenance).toBe(window.name);
      expect(Date.parse(window.end) - Date.parse(window.start)).toBe(30 * 60_000);
      const windows = (await api('GET', '/api/v1/maintenance')).body.windows;
      expect(windows).toEqual([
        expect.objectContaining({ id: window.id, monitors: ['example'], active: true, source: 'api' }),
      ]);
      expect(window.name).toContain('upgrade');
      const shown = await api('GET', '/api/v1/monitors');
      expect(shown.body.monitors.find((m: { name: string }) => m.name === 'example').maintenance).toBe(
        window.name,
      );

      const resumed = await c.callTool({ name: 'resume_monitor', arguments: { name: 'example' } });
      expect(resumed.structuredContent.ended.map((w: { id: number }) => w.id)).toEqual([window.id]);
      expect(resumed.structuredContent.monitor.maintenance).toBeNull();
      const again = await c.callTool({ name: 'resume_monitor', arguments: { name: 'example' } });
      expect(again.structuredContent.ended).toEqual([]);
    });
    // The REST API does the same through the same service functions; a read token may not.
    const id = (await api('GET', '/api/v1/monitors')).body.monitors.find(
      (m: { name: string }) => m.name === 'example',
    ).id;
    const asReader = await callApi(
      server.url,
      '',
      'POST',
      `/api/v1/monitors/${id}/pause`,
      { durationMinutes: 5 },
      bearer(tokens.read),
    );
    expect(asReader.status).toBe(403);
    const paused = await callApi(
      server.url,
      '',
      'POST',
      `/api/v1/monitors/${id}/pause`,
      { durationMinutes: 5 },
      bearer(tokens.write),
    );
    expect(paused.body).toMatchObject({
      monitor: { status: 'up' },
      window: { name: 'Paused: example (by admin)' },
    });
    const resumed = await callApi(
      server.url,
      '',
      'POST',
      `/api/v1/monitors/${id}/resume`,
      undefined,
      bearer(tokens.write),
    );
    expect(resumed.body).toMatchObject({
      ended: [{ id: paused.body.window.id }],
      unpaused: false,
      monitor: { maintenance: null },
    });
  });

  it('send_notification goes through the outbox to the channel and is listed in the deliveries', async () => {
    await withClient('modern', tokens.write, async (c) => {
      const sent = await c.callTool({
        name: 'send_notification',
        arguments: {
          monitor: 'example',
          title: 'Deploy at noon',
          message: 'example restarts at 12:00',
          priority: 'high',
          channel: 'hook',
        },
      });
      expect(sent.structuredContent.channels).toEqual(['hook']);
      const wrong = await c.callTool({
        name: 'send_notification',
        arguments: { monitor: 'example', title: 't', message: 'm', channel: 'nope' },
      });
      expect(wrong.isError).toBe(true);
      expect(wrong.content[0].text).toContain('"hook"');
    });
    const received = await until(
      'the webhook called',
      () => receiver.received.map((r) => JSON.parse(r.body)),
      (bodies) => bodies.some((b) => b.title === 'Deploy at noon'),
    );
    expect(received.find((b) => b.title === 'Deploy at noon')).toMatchObject({ kind: 'notice', priority: 7 });
    const deliveries = await until(
      'the delivery recorded',
      async () => (await api('GET', '/api/v1/deliveries?channel=hook')).body.deliveries,
      (list: { status: string; event: { kind: string } }[]) =>
        list.some((d) => d.event.kind === 'notice' && d.status === 'sent'),
    );
    expect(deliveries[0]).toMatchObject({ channel: 'hook', event: { kind: 'notice' } });
  });
});

describe("mcpwatch's own probe", () => {
  it('reports /mcp up with its tool list when given the token', async () => {
    const result = await probeMcp(`${server.url}/mcp`, {
      headers: bearer(tokens.write),
      expectTools: ['list_monitors', 'send_notification'],
    });
    expect(result).toMatchObject({ status: 'up' });
    expect(result.mcp?.tools?.map((t) => t.name).sort()).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
    const refused = await probeMcp(`${server.url}/mcp`, {});
    expect(refused.status).toBe('down');
    expect(refused.auth?.status).toBe(401);
  });
});
