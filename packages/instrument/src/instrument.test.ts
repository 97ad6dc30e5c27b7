/**
 * instrument() on real servers from both SDKs, driven by the official clients: what the metrics, the
 * health endpoints and the log lines say must match the calls made, failures and isError results included.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport as V1HttpClient } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport as V1InMemory } from '@modelcontextprotocol/sdk/inMemory.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { createMcpHandler, InMemoryTransport, McpServer, Server } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { createInstrumentation, instrument } from './instrument.js';
import {
  listen,
  logSink,
  readJson,
  sample,
  v1LowLevel,
  v1Server,
  v1SessionEndpoint,
  v2Server,
} from './test-fixtures/servers.js';
import { until } from './test-fixtures/until.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

async function connectV2InMemory(server: McpServer): Promise<Client> {
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(clientSide);
  cleanup.push(() => client.close());
  return client;
}

describe('instrument() on a v2 McpServer', () => {
  it('counts tool calls by tool and status, isError and thrown errors as errors, and reads by URI', async () => {
    const server = v2Server();
    const obs = instrument(server, { collectDefaultMetrics: false, logLevel: 'silent' });
    const client = await connectV2InMemory(server);
    await client.callTool({ name: 'echo', arguments: { text: 'a' } });
    await client.callTool({ name: 'echo', arguments: { text: 'b' } });
    expect((await client.callTool({ name: 'fail', arguments: {} })).isError).toBe(true);
    expect((await client.callTool({ name: 'throws', arguments: {} })).isError).toBe(true);
    await expect(client.callTool({ name: 'missing', arguments: {} })).rejects.toThrow();
    await client.readResource({ uri: 'config://app' });

    const text = await obs.metrics.registry.metrics();
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'echo', status: 'success' })).toBe(2);
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'echo', status: 'error' })).toBe(0);
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'fail', status: 'error' })).toBe(1);
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'throws', status: 'error' })).toBe(1);
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'missing', status: 'error' })).toBe(1);
    expect(sample(text, 'mcp_tool_call_duration_seconds_count', { tool_name: 'echo' })).toBe(2);
    expect(sample(text, 'mcp_errors_total', { type: 'tool_error' })).toBe(2);
    expect(sample(text, 'mcp_errors_total', { type: 'invalid_params' })).toBe(1);
    expect(sample(text, 'mcp_resource_reads_total', { resource_uri: 'config://app' })).toBe(1);
    expect(obs.inFlight()).toBe(0);
  });

  it('counts a connection as a session while it is open, then its duration', async () => {
    const server = v2Server();
    const obs = instrument(server, { collectDefaultMetrics: false, logLevel: 'silent' });
    const client = await connectV2InMemory(server);
    await client.listTools();
    expect(obs.sessions()).toBe(1);
    expect(sample(await obs.metrics.registry.metrics(), 'mcp_active_sessions')).toBe(1);
    await client.close();
    expect(obs.sessions()).toBe(0);
    const text = await obs.metrics.registry.metrics();
    expect(sample(text, 'mcp_active_sessions')).toBe(0);
    expect(sample(text, 'mcp_session_duration_seconds_count')).toBe(1);
  });

  it('writes one JSON line per tool call with server, version, tool, request id and duration; secrets redacted', async () => {
    const server = v2Server('weather');
    const sink = logSink();
    instrument(server, {
      collectDefaultMetrics: false,
      logDestination: sink,
      logLevel: 'info',
      logArguments: true,
    });
    const client = await connectV2InMemory(server);
    await client.callTool({ name: 'login', arguments: { user: 'ada', password: 'hunter2' } });
    await client.callTool({ name: 'fail', arguments: {} });

    const calls = sink.lines.filter((l) => l.tool !== undefined);
    expect(calls).toHaveLength(2);
    const [login, fail] = calls as Record<string, unknown>[];
    expect(login).toMatchObject({
      level: 'INFO',
      server: 'weather',
      version: '2.0.0',
      message: 'tool call completed',
      tool: 'login',
      status: 'success',
      arguments: { user: 'ada', password: '[REDACTED]' },
    });
    expect(typeof login?.request_id).toBe('number');
    expect(typeof login?.duration_ms).toBe('number');
    expect(Number.isNaN(Date.parse(String(login?.timestamp)))).toBe(false);
    expect(JSON.stringify(sink.lines)).not.toContain('hunter2');
    expect(fail).toMatchObject({
      level: 'WARN',
      tool: 'fail',
      status: 'error',
      error_type: 'tool_error',
      error: 'database unreachable',
    });
    expect(login?.request_id).not.toBe(fail?.request_id);
  });

  it('follows the log level: at warn, successful calls write nothing and failures still do', async () => {
    const server = v2Server();
    const sink = logSink();
    instrument(server, { collectDefaultMetrics: false, logDestination: sink, logLevel: 'WARN' });
    const client = await connectV2InMemory(server);
    await client.callTool({ name: 'echo', arguments: { text: 'quiet' } });
    await client.callTool({ name: 'throws', arguments: {} });
    expect(sink.lines.map((l) => [l.level, l.tool])).toEqual([['WARN', 'throws']]);
    expect(sink.lines[0]).not.toHaveProperty('arguments');
  });

  it('instruments once however many times it is called', async () => {
    const server = v2Server();
    const obs = createInstrumentation({ collectDefaultMetrics: false, logLevel: 'silent' });
    obs.instrument(server);
    obs.instrument(server);
    const client = await connectV2InMemory(server);
    await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    expect(sample(await obs.metrics.registry.metrics(), 'mcp_tool_calls_total', { tool_name: 'echo' })).toBe(
      1,
    );
  });

  it('instruments a server that is already connected', async () => {
    const server = v2Server();
    const client = await connectV2InMemory(server);
    const obs = instrument(server, { collectDefaultMetrics: false, logLevel: 'silent' });
    await client.callTool({ name: 'echo', arguments: { text: 'late' } });
    await client.callTool({ name: 'fail', arguments: {} });
    const text = await obs.metrics.registry.metrics();
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'echo', status: 'success' })).toBe(1);
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'fail', status: 'error' })).toBe(1);
  });
});

describe('v2 createMcpHandler: a server built per request', () => {
  it('counts calls from the v2 client and, through the legacy fallback, the v1 client, with no sessions', async () => {
    const obs = createInstrumentation({
      collectDefaultMetrics: false,
      logLevel: 'silent',
      name: 'per-request',
    });
    const handler = createMcpHandler(() => obs.instrument(v2Server()), { legacy: 'stateless' });
    const node = toNodeHandler(handler);
    const health = obs.healthHandler();
    const http = await listen((req, res) => {
      if (req.url?.startsWith('/mcp')) return void node(req, res);
      health(req, res);
    });
    cleanup.push(() => http.close());

    // The v2 client in the modern era (2026-07-28, stateless), the v1 client in the legacy one.
    const v2 = new Client({ name: 'v2-client', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await v2.connect(new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`)));
    cleanup.push(() => v2.close());
    await v2.callTool({ name: 'echo', arguments: { text: 'modern' } });
    await v2.callTool({ name: 'fail', arguments: {} });

    const v1 = new V1Client({ name: 'v1-client', version: '1.0.0' });
    await v1.connect(new V1HttpClient(new URL(`${http.url}/mcp`)));
    cleanup.push(() => v1.close());
    await v1.callTool({ name: 'echo', arguments: { text: 'legacy' } });

    const metrics = await (await fetch(`${http.url}/metrics`)).text();
    expect(sample(metrics, 'mcp_tool_calls_total', { tool_name: 'echo', status: 'success' })).toBe(2);
    expect(sample(metrics, 'mcp_tool_calls_total', { tool_name: 'fail', status: 'error' })).toBe(1);
    // Stateless HTTP has no sessions to count, in either era.
    expect(sample(metrics, 'mcp_active_sessions')).toBe(0);
    const healthBody = await (await fetch(`${http.url}/health`)).json();
    expect(healthBody).toMatchObject({ status: 'ok', name: 'per-request', sessions: 0 });
  });
});

describe('instrument() on v1 servers', () => {
  it('v1 McpServer over stateful Streamable HTTP: sessions open and close, lines carry the session id', async () => {
    const sink = logSink();
    const obs = createInstrumentation({
      collectDefaultMetrics: false,
      logDestination: sink,
      logLevel: 'info',
    });
    const http = await v1SessionEndpoint(obs);
    cleanup.push(() => http.close());

    const clientTransport = new V1HttpClient(new URL(`${http.url}/mcp`));
    const client = new V1Client({ name: 'v1-client', version: '1.0.0' });
    await client.connect(clientTransport);
    await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    expect((await client.callTool({ name: 'fail', arguments: {} })).isError).toBe(true);
    expect((await client.callTool({ name: 'throws', arguments: {} })).isError).toBe(true);
    await client.readResource({ uri: 'config://app' });
    expect(obs.sessions()).toBe(1);

    const sessionId = clientTransport.sessionId;
    expect(sessionId).toBeTruthy();
    const echo = sink.lines.find((l) => l.tool === 'echo');
    expect(echo).toMatchObject({
      session_id: sessionId,
      status: 'success',
      server: 'v1-demo',
      version: '1.0.0',
    });

    await clientTransport.terminateSession();
    await client.close();
    expect(obs.sessions()).toBe(0);
    const text = await obs.metrics.registry.metrics();
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'echo', status: 'success' })).toBe(1);
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'fail', status: 'error' })).toBe(1);
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'throws', status: 'error' })).toBe(1);
    expect(sample(text, 'mcp_resource_reads_total', { resource_uri: 'config://app' })).toBe(1);
    expect(sample(text, 'mcp_session_duration_seconds_count')).toBe(1);
    expect(sink.lines.filter((l) => l.message === 'session opened')).toHaveLength(1);
    expect(sink.lines.filter((l) => l.message === 'session closed')).toHaveLength(1);
  });

  it('v1 low-level Server: a thrown handler error is a JSON-RPC error, counted and logged as one', async () => {
    const sink = logSink();
    const server = v1LowLevel();
    const obs = instrument(server, { collectDefaultMetrics: false, logDestination: sink, logLevel: 'info' });
    const [serverSide, clientSide] = V1InMemory.createLinkedPair();
    await server.connect(serverSide);
    const client = new V1Client({ name: 'v1-client', version: '1.0.0' });
    await client.connect(clientSide);
    cleanup.push(() => client.close());

    await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    expect((await client.callTool({ name: 'fail', arguments: {} })).isError).toBe(true);
    await expect(client.callTool({ name: 'other', arguments: {} })).rejects.toThrow(/unknown tool other/);

    const text = await obs.metrics.registry.metrics();
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'echo', status: 'success' })).toBe(1);
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'fail', status: 'error' })).toBe(1);
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'other', status: 'error' })).toBe(1);
    expect(sample(text, 'mcp_errors_total', { type: 'internal_error' })).toBe(1);
    expect(sample(text, 'mcp_errors_total', { type: 'tool_error' })).toBe(1);
    const other = sink.lines.find((l) => l.tool === 'other');
    expect(other).toMatchObject({ level: 'ERROR', error_type: '-32603', error: 'unknown tool other' });
  });
});

describe('other server shapes and transports', () => {
  it('v2 low-level Server with its own tools/call handler', async () => {
    const server = new Server({ name: 'v2-low', version: '2.0.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler('tools/list', async () => ({
      tools: [{ name: 'echo', inputSchema: { type: 'object' } }],
    }));
    server.setRequestHandler('tools/call', async (request) => {
      if (request.params.name === 'echo') return { content: [{ type: 'text', text: 'ok' }] };
      return { content: [{ type: 'text', text: 'no such tool' }], isError: true };
    });
    const obs = instrument(server, { collectDefaultMetrics: false, logLevel: 'silent' });
    const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'c', version: '1' });
    await client.connect(clientSide);
    cleanup.push(() => client.close());
    await client.callTool({ name: 'echo', arguments: {} });
    await client.callTool({ name: 'other', arguments: {} });
    const text = await obs.metrics.registry.metrics();
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'echo', status: 'success' })).toBe(1);
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'other', status: 'error' })).toBe(1);
    expect(obs.sessions()).toBe(1);
  });

  it('v1 legacy HTTP+SSE transport: a session per SSE connection, calls counted', async () => {
    const obs = createInstrumentation({ collectDefaultMetrics: false, logLevel: 'silent' });
    const transports = new Map<string, SSEServerTransport>();
    const http = await listen(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/sse') {
        const transport = new SSEServerTransport('/messages', res);
        transports.set(transport.sessionId, transport);
        await obs.instrument(v1Server()).connect(transport);
        return;
      }
      const transport = transports.get(url.searchParams.get('sessionId') ?? '');
      if (!transport) return void res.writeHead(404).end();
      await transport.handlePostMessage(req, res, await readJson(req));
    });
    cleanup.push(() => http.close());
    const client = new V1Client({ name: 'v1-client', version: '1.0.0' });
    await client.connect(new SSEClientTransport(new URL(`${http.url}/sse`)));
    await client.callTool({ name: 'echo', arguments: { text: 'sse' } });
    expect((await client.callTool({ name: 'fail', arguments: {} })).isError).toBe(true);
    expect(obs.sessions()).toBe(1);
    const text = await obs.metrics.registry.metrics();
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'echo', status: 'success' })).toBe(1);
    expect(sample(text, 'mcp_tool_calls_total', { tool_name: 'fail', status: 'error' })).toBe(1);
    await client.close();
    // The SSE stream closing ends the session.
    await until(() => obs.sessions() === 0, 'the session to close');
    expect(sample(await obs.metrics.registry.metrics(), 'mcp_session_duration_seconds_count')).toBe(1);
  });
});

describe('heartbeat', () => {
  it('takes its URL from MCPWATCH_HEARTBEAT_URL: /start on the first tool call (not before), /stop on drain', async () => {
    const paths: string[] = [];
    const receiver = await listen((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(200).end('OK\n');
    });
    cleanup.push(() => receiver.close());
    const saved = process.env.MCPWATCH_HEARTBEAT_URL;
    process.env.MCPWATCH_HEARTBEAT_URL = `${receiver.url}/hb/env-token`;
    let obs: ReturnType<typeof createInstrumentation>;
    try {
      obs = createInstrumentation({ collectDefaultMetrics: false, logLevel: 'silent' });
    } finally {
      if (saved === undefined) delete process.env.MCPWATCH_HEARTBEAT_URL;
      else process.env.MCPWATCH_HEARTBEAT_URL = saved;
    }
    expect(obs.heartbeat).toBeDefined();
    const server = obs.instrument(v2Server());
    const client = await connectV2InMemory(server);
    await client.listTools();
    await client.readResource({ uri: 'config://app' });
    await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    await client.callTool({ name: 'echo', arguments: { text: 'y' } });
    await obs.drain(1_000);
    expect(paths).toEqual(['/hb/env-token/start', '/hb/env-token/stop']);
    expect(
      createInstrumentation({ heartbeat: false, collectDefaultMetrics: false }).heartbeat,
    ).toBeUndefined();
  });
});

describe('drain()', () => {
  it('waits for the call in flight, refuses new sessions meanwhile, then closes the open ones', async () => {
    const server = new McpServer({ name: 'slow', version: '1.0.0' });
    let release: () => void = () => {};
    const started = new Promise<void>((resolveStarted) => {
      server.registerTool('slow', { description: 'Waits to be released' }, async () => {
        resolveStarted();
        await new Promise<void>((r) => {
          release = r;
        });
        return { content: [{ type: 'text', text: 'done' }] };
      });
    });
    const obs = instrument(server, { collectDefaultMetrics: false, logLevel: 'silent' });
    const client = await connectV2InMemory(server);
    const call = client.callTool({ name: 'slow', arguments: {} });
    await started;
    expect(obs.inFlight()).toBe(1);

    const drained = obs.drain(10_000);
    expect(obs.draining).toBe(true);
    // A second client trying to start a session on the draining instrumentation is refused.
    const other = new McpServer({ name: 'other', version: '1.0.0' });
    obs.instrument(other);
    await expect(connectV2InMemory(other)).rejects.toThrow(/shutting down/);

    release();
    expect((await call).content).toEqual([{ type: 'text', text: 'done' }]);
    expect(await drained).toBe(true);
    expect(obs.sessions()).toBe(0);
    const ready = await obs.healthFetchHandler()(new Request('http://localhost/ready'));
    expect(ready?.status).toBe(503);
    expect(await ready?.json()).toMatchObject({ status: 'not_ready', failing: ['shutdown'] });
  });
});
