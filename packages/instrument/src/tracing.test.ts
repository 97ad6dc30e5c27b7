/**
 * Spans and the operation histogram with an OpenTelemetry SDK registered, checked against the MCP semantic
 * conventions: names, kind, attributes, errors, and the parent taken from `params._meta`. No propagator is
 * registered until the last block, so the first ones also prove the direct `traceparent` reading.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1HttpClient } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport, type McpServer } from '@modelcontextprotocol/server';
import {
  context,
  metrics,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createInstrumentation, instrument } from './instrument.js';
import { listen, logSink, v1SessionEndpoint, v2Server } from './test-fixtures/servers.js';
import { parentFromMeta } from './tracing.js';

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const exporter = new InMemorySpanExporter();
const reader = new TestReader();
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
});

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
  exporter.reset();
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const traceparent = `00-${TRACE_ID}-${PARENT_ID}-01`;

async function connect(server: McpServer): Promise<Client> {
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(clientSide);
  cleanup.push(() => client.close());
  return client;
}

const serverSpans = () => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);

describe('spans per request', () => {
  it("names a tool call '{method} {tool}', a SERVER span with the conventions' attributes, parented by _meta", async () => {
    const server = v2Server();
    const sink = logSink();
    instrument(server, { collectDefaultMetrics: false, logDestination: sink, logLevel: 'info' });
    const client = await connect(server);
    await client.callTool({ name: 'echo', arguments: { text: 'hi' }, _meta: { traceparent } });

    const names = serverSpans().map((s) => s.name);
    expect(names).toContain('initialize');
    const span = serverSpans().find((s) => s.name === 'tools/call echo');
    expect(span).toBeDefined();
    expect(span?.spanContext().traceId).toBe(TRACE_ID);
    expect(span?.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(span?.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'echo',
      'gen_ai.operation.name': 'execute_tool',
      'mcp.protocol.version': '2025-11-25',
      'network.transport': 'pipe',
    });
    expect(typeof span?.attributes['jsonrpc.request.id']).toBe('string');
    // No session id outside a legacy HTTP session, and no error.
    expect(span?.attributes).not.toHaveProperty('mcp.session.id');
    expect(span?.attributes).not.toHaveProperty('error.type');
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    // The log line names the same trace.
    expect(sink.lines.find((l) => l.tool === 'echo')?.trace_id).toBe(TRACE_ID);
  });

  it("marks isError results 'tool_error' and JSON-RPC errors by code, with ERROR status and the message", async () => {
    const server = v2Server();
    instrument(server, { collectDefaultMetrics: false, logLevel: 'silent' });
    const client = await connect(server);
    await client.callTool({ name: 'fail', arguments: {} });
    await expect(client.callTool({ name: 'missing', arguments: {} })).rejects.toThrow();

    const fail = serverSpans().find((s) => s.name === 'tools/call fail');
    expect(fail?.attributes['error.type']).toBe('tool_error');
    expect(fail?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'database unreachable' });
    const missing = serverSpans().find((s) => s.name === 'tools/call missing');
    expect(missing?.attributes['error.type']).toBe('-32602');
    expect(missing?.attributes['rpc.response.status_code']).toBe('-32602');
    expect(missing?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("runs the tool inside the request's span, so the tool's own spans are its children", async () => {
    const server = v2Server();
    server.registerTool('traced', { description: 'Makes a span' }, async () => {
      trace.getTracer('tool').startSpan('database query').end();
      return { content: [{ type: 'text', text: 'ok' }] };
    });
    instrument(server, { collectDefaultMetrics: false, logLevel: 'silent' });
    const client = await connect(server);
    await client.callTool({ name: 'traced', arguments: {} });
    const outer = serverSpans().find((s) => s.name === 'tools/call traced');
    const inner = exporter.getFinishedSpans().find((s) => s.name === 'database query');
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
  });

  it('puts mcp.session.id on spans of a legacy Streamable HTTP session', async () => {
    const obs = createInstrumentation({ collectDefaultMetrics: false, logLevel: 'silent' });
    const http = await v1SessionEndpoint(obs);
    cleanup.push(() => http.close());
    const clientTransport = new V1HttpClient(new URL(`${http.url}/mcp`));
    const client = new V1Client({ name: 'v1-client', version: '1.0.0' });
    await client.connect(clientTransport);
    cleanup.push(() => client.close());
    await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    await client.readResource({ uri: 'config://app' });

    const call = serverSpans().find((s) => s.name === 'tools/call echo');
    expect(call?.attributes['mcp.session.id']).toBe(clientTransport.sessionId);
    expect(call?.attributes['network.transport']).toBe('tcp');
    expect(call?.attributes['network.protocol.name']).toBe('http');
    const read = serverSpans().find((s) => s.name === 'resources/read');
    expect(read?.attributes['mcp.resource.uri']).toBe('config://app');
  });

  it('takes the protocol version of a modern (stateless) request from its _meta, with no session id', async () => {
    const { createMcpHandler } = await import('@modelcontextprotocol/server');
    const { toNodeHandler } = await import('@modelcontextprotocol/node');
    const obs = createInstrumentation({ collectDefaultMetrics: false, logLevel: 'silent' });
    const node = toNodeHandler(createMcpHandler(() => obs.instrument(v2Server()), { legacy: 'reject' }));
    const http = await listen((req, res) => void node(req, res));
    cleanup.push(() => http.close());
    const client = new Client(
      { name: 'v2-client', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await client.connect(new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`)));
    cleanup.push(() => client.close());
    await client.callTool({ name: 'echo', arguments: { text: 'modern' } });
    const span = serverSpans().find((s) => s.name === 'tools/call echo');
    expect(span?.attributes['mcp.protocol.version']).toBe('2026-07-28');
    expect(span?.attributes).not.toHaveProperty('mcp.session.id');
  });

  it('records mcp.server.operation.duration by method, tool and error type', async () => {
    type Point = { attributes: Record<string, unknown>; value: { count: number } };
    const points = async (): Promise<Point[]> => {
      const { resourceMetrics } = await reader.collect();
      const metric = resourceMetrics.scopeMetrics
        .flatMap((s) => s.metrics)
        .find((m) => m.descriptor.name === 'mcp.server.operation.duration');
      if (metric) expect(metric.descriptor.unit).toBe('s');
      return (metric?.dataPoints ?? []) as Point[];
    };
    // Cumulative across the file: count what this test adds.
    const count = (all: Point[], tool: string, errorType?: string) =>
      all.find((p) => p.attributes['gen_ai.tool.name'] === tool && p.attributes['error.type'] === errorType)
        ?.value.count ?? 0;
    const before = await points();
    const server = v2Server();
    instrument(server, { collectDefaultMetrics: false, logLevel: 'silent' });
    const client = await connect(server);
    await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    await client.callTool({ name: 'fail', arguments: {} });
    await client.callTool({ name: 'fail', arguments: {} });
    const after = await points();
    expect(count(after, 'echo') - count(before, 'echo')).toBe(1);
    expect(count(after, 'fail', 'tool_error') - count(before, 'fail', 'tool_error')).toBe(2);
    const echo = after.find((p) => p.attributes['gen_ai.tool.name'] === 'echo');
    expect(echo?.attributes).toMatchObject({ 'mcp.method.name': 'tools/call', 'network.transport': 'pipe' });
  });
});

describe('mcp.server.session.duration', () => {
  it('is recorded when a session closes, by transport and protocol version', async () => {
    const sessionPoints = async () => {
      const { resourceMetrics } = await reader.collect();
      const metric = resourceMetrics.scopeMetrics
        .flatMap((s) => s.metrics)
        .find((m) => m.descriptor.name === 'mcp.server.session.duration');
      return (metric?.dataPoints ?? []) as {
        attributes: Record<string, unknown>;
        value: { count: number };
      }[];
    };
    const count = (points: Awaited<ReturnType<typeof sessionPoints>>) =>
      points.find(
        (p) =>
          p.attributes['network.transport'] === 'pipe' &&
          p.attributes['mcp.protocol.version'] === '2025-11-25',
      )?.value.count ?? 0;
    const before = count(await sessionPoints());
    const server = v2Server();
    instrument(server, { collectDefaultMetrics: false, logLevel: 'silent' });
    const client = await connect(server);
    await client.listTools();
    expect(count(await sessionPoints())).toBe(before);
    await client.close();
    expect(count(await sessionPoints())).toBe(before + 1);
  });
});

describe('parentFromMeta', () => {
  it('ignores a missing, malformed or all-zero traceparent', () => {
    expect(parentFromMeta(undefined, ROOT_CONTEXT)).toBeUndefined();
    expect(parentFromMeta({ traceparent: 'nonsense' }, ROOT_CONTEXT)).toBeUndefined();
    expect(
      parentFromMeta({ traceparent: `00-${'0'.repeat(32)}-${PARENT_ID}-01` }, ROOT_CONTEXT),
    ).toBeUndefined();
  });

  it('uses the registered propagator when there is one (tracestate included)', () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const ctx = parentFromMeta({ traceparent, tracestate: 'rojo=00f067aa0ba902b7' }, ROOT_CONTEXT);
      const parent = ctx ? trace.getSpanContext(ctx) : undefined;
      expect(parent?.traceId).toBe(TRACE_ID);
      expect(parent?.isRemote).toBe(true);
      expect(parent?.traceState?.get('rojo')).toBe('00f067aa0ba902b7');
    } finally {
      propagation.disable();
    }
  });
});
