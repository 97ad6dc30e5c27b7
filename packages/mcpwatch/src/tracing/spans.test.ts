import type { ProbeResult } from '@mcpwatch/probe';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { type CheckSubject, recordCheck } from './spans.js';

const START = '2026-11-22T08:00:00.000Z';

function record(subject: CheckSubject, result: Partial<ProbeResult>): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  recordCheck(provider.getTracer('test'), subject, {
    kind: subject.kind,
    target: 'x',
    status: 'up',
    message: 'fine',
    startedAt: START,
    durationMs: 0,
    timings: {},
    checks: [],
    ...result,
  });
  return exporter.getFinishedSpans();
}

function ms(time: [number, number]): number {
  return time[0] * 1000 + time[1] / 1e6;
}

const rootOf = (spans: ReadableSpan[]) =>
  spans.find((s) => s.parentSpanContext === undefined) as ReadableSpan;

describe('a check as spans', () => {
  it('names a non-MCP check by its kind and records where it went', () => {
    const spans = record(
      { name: 'db', kind: 'tcp', target: '[::1]:5432' },
      { status: 'down', reason: 'connect_refused', message: 'Connection refused', phase: 'connect' },
    );
    const span = rootOf(spans);
    expect(span.name).toBe('mcpwatch.check tcp');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      'network.transport': 'tcp',
      'server.address': '::1',
      'server.port': 5432,
      'error.type': 'connect_refused',
    });
    expect(span.attributes['mcp.method.name']).toBeUndefined();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Connection refused' });
    // The phase that failed is there even when it took no measurable time, and carries the error too.
    const connect = spans.find((s) => s.name === 'connect');
    expect(connect?.status.code).toBe(SpanStatusCode.ERROR);
    expect(connect?.attributes['mcp.method.name']).toBeUndefined();
  });

  it('strips userinfo, query and fragment from a URL, and knows the default port', () => {
    const spans = record(
      { name: 'api', kind: 'http', target: 'https://me:pw@api.example/health?key=k#top' },
      { http: { status: 200, bodyBytes: 2 } },
    );
    expect(rootOf(spans).attributes).toMatchObject({
      'url.full': 'https://api.example/health',
      'server.address': 'api.example',
      'server.port': 443,
      'http.response.status_code': 200,
    });
  });

  it('leaves a degraded check without error status: the server answered', () => {
    const spans = record(
      { name: 'slow', kind: 'mcp', target: 'http://127.0.0.1:1/mcp' },
      { status: 'degraded', reason: 'slow', durationMs: 50, timings: { handshake: 30, tools: 20 } },
    );
    const root = rootOf(spans);
    expect(root.status.code).toBe(SpanStatusCode.UNSET);
    expect(root.attributes['error.type']).toBeUndefined();
    expect(root.attributes).toMatchObject({
      'mcpwatch.check.status': 'degraded',
      'mcpwatch.check.reason': 'slow',
    });
  });

  it('ends the check after its cleanup phase, which is timed after the verdict', () => {
    const spans = record(
      { name: 's', kind: 'mcp', target: { command: 'node', args: ['server.js', '--key=secret'] } },
      { durationMs: 100, timings: { spawn: 40, handshake: 30, tools: 20, close: 25 } },
    );
    const root = rootOf(spans);
    expect(ms(root.endTime) - ms(root.startTime)).toBeCloseTo(125, 3);
    const close = spans.find((s) => s.name === 'close') as ReadableSpan;
    expect(ms(close.endTime)).toBeCloseTo(ms(root.startTime) + 115, 3);
    expect(root.attributes['network.transport']).toBe('pipe');
    expect(JSON.stringify(root.attributes)).not.toContain('secret');
  });

  it('records a check whose probe threw, with no phases, as the root span alone', () => {
    const spans = record(
      { name: 'bug', kind: 'npm', target: 'left-pad' },
      { status: 'down', reason: 'invalid_response', message: 'The probe itself failed' },
    );
    expect(spans).toHaveLength(1);
    expect(spans[0]?.name).toBe('mcpwatch.check npm');
    expect(spans[0]?.attributes['error.type']).toBe('invalid_response');
  });
});
