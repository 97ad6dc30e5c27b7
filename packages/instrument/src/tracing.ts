// OpenTelemetry spans and the operation histogram for each MCP request, named as the OpenTelemetry MCP
// semantic conventions name them. Only @opentelemetry/api is used: with no SDK registered every call
// here is the API's no-op, so an uninstrumented deployment pays next to nothing.
import {
  type Attributes,
  type Context,
  context,
  type Histogram,
  type Link,
  metrics,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';

export const INSTRUMENTATION_NAME = '@mcpwatch/instrument';

/**
 * The conventions' recommended boundaries, in seconds, for `mcp.server.operation.duration` and (the same
 * list) `mcp.server.session.duration`.
 */
export const OPERATION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/** What is known about a request when it arrives. */
export interface RequestInfo {
  method: string;
  id: string | number;
  /** The tool or prompt the request names (the span's target). */
  target?: string;
  targetKind?: 'tool' | 'prompt';
  resourceUri?: string;
  protocolVersion?: string;
  /** Only for legacy-era sessions (Streamable HTTP with Mcp-Session-Id, SSE); modern requests have none. */
  sessionId?: string;
  transport: 'pipe' | 'tcp';
  meta?: Record<string, unknown>;
}

/** How a request ended; `errorType` is the JSON-RPC code as a string, or 'tool_error' for isError. */
export interface RequestOutcome {
  errorType?: string;
  errorMessage?: string;
  rpcCode?: number;
}

export interface RequestTrace {
  /** The context the request's handler runs in, so spans the tool makes are children of this one. */
  readonly context: Context;
  /** Set when the span is recorded, so log lines can name the trace. */
  readonly traceId: string | undefined;
  end(outcome: RequestOutcome, seconds: number): void;
}

const metaGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const v = carrier[key];
    return typeof v === 'string' ? v : undefined;
  },
};

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The parent named by `_meta`: through the registered propagator when there is one, else by reading a
 * W3C `traceparent` directly, since an SDK set up without propagators would otherwise lose every parent.
 */
export function parentFromMeta(
  meta: Record<string, unknown> | undefined,
  base: Context,
): Context | undefined {
  if (!meta || (meta.traceparent === undefined && meta.baggage === undefined)) return undefined;
  const extracted = propagation.extract(base, meta, metaGetter);
  if (trace.getSpanContext(extracted) !== trace.getSpanContext(base)) return extracted;
  const m = typeof meta.traceparent === 'string' ? TRACEPARENT.exec(meta.traceparent) : null;
  if (!m || /^0+$/.test(m[1] as string) || /^0+$/.test(m[2] as string)) return undefined;
  return trace.setSpanContext(base, {
    traceId: m[1] as string,
    spanId: m[2] as string,
    traceFlags: Number.parseInt(m[3] as string, 16) & 1,
    isRemote: true,
  });
}

export interface Tracing {
  start(info: RequestInfo): RequestTrace;
  /** Records `mcp.server.session.duration` for a session that closed. */
  sessionEnded(seconds: number, transport: 'pipe' | 'tcp', protocolVersion: string | undefined): void;
}

export function createTracing(): Tracing {
  // Both come from proxies: an SDK registered after instrument() is still picked up.
  const tracer: Tracer = trace.getTracer(INSTRUMENTATION_NAME);
  const meter = metrics.getMeter(INSTRUMENTATION_NAME);
  const duration: Histogram = meter.createHistogram('mcp.server.operation.duration', {
    description: 'MCP request duration as observed on the server, from receipt until the response is sent.',
    unit: 's',
    advice: { explicitBucketBoundaries: OPERATION_BUCKETS },
  });
  const sessionDuration: Histogram = meter.createHistogram('mcp.server.session.duration', {
    description: 'The duration of the MCP session as observed on the MCP server.',
    unit: 's',
    advice: { explicitBucketBoundaries: OPERATION_BUCKETS },
  });

  return {
    sessionEnded(seconds, transport, protocolVersion) {
      const attributes: Attributes = { 'network.transport': transport };
      if (protocolVersion) attributes['mcp.protocol.version'] = protocolVersion;
      sessionDuration.record(seconds, attributes);
    },
    start(info) {
      const active = context.active();
      const fromMeta = parentFromMeta(info.meta, active);
      // The conventions: the client's context from _meta is the parent; the ambient one (an HTTP server
      // span, say) is linked, since one HTTP request can carry several MCP requests.
      const ambient = fromMeta ? trace.getSpanContext(active) : undefined;
      const links: Link[] = ambient ? [{ context: ambient }] : [];
      const attributes: Attributes = {
        'mcp.method.name': info.method,
        'jsonrpc.request.id': String(info.id),
        'network.transport': info.transport,
      };
      if (info.transport === 'tcp') attributes['network.protocol.name'] = 'http';
      if (info.protocolVersion) attributes['mcp.protocol.version'] = info.protocolVersion;
      if (info.sessionId) attributes['mcp.session.id'] = info.sessionId;
      if (info.resourceUri) attributes['mcp.resource.uri'] = info.resourceUri;
      if (info.target && info.targetKind === 'tool') {
        attributes['gen_ai.tool.name'] = info.target;
        attributes['gen_ai.operation.name'] = 'execute_tool';
      } else if (info.target && info.targetKind === 'prompt') {
        attributes['gen_ai.prompt.name'] = info.target;
      }
      const name = info.target ? `${info.method} ${info.target}` : info.method;
      const parent = fromMeta ?? active;
      const span: Span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes, links }, parent);
      return {
        // With no SDK the span records nothing; then only a parent from _meta is worth carrying along.
        context: span.isRecording() || fromMeta ? trace.setSpan(parent, span) : active,
        traceId: span.isRecording() ? span.spanContext().traceId : undefined,
        end(outcome, seconds) {
          const metricAttributes: Attributes = {
            'mcp.method.name': info.method,
            'network.transport': info.transport,
          };
          if (info.protocolVersion) metricAttributes['mcp.protocol.version'] = info.protocolVersion;
          if (info.targetKind === 'tool' && info.target) metricAttributes['gen_ai.tool.name'] = info.target;
          if (outcome.errorType) {
            span.setAttribute('error.type', outcome.errorType);
            metricAttributes['error.type'] = outcome.errorType;
            if (outcome.rpcCode !== undefined) {
              span.setAttribute('rpc.response.status_code', String(outcome.rpcCode));
              metricAttributes['rpc.response.status_code'] = String(outcome.rpcCode);
            }
            span.setStatus({
              code: SpanStatusCode.ERROR,
              ...(outcome.errorMessage ? { message: outcome.errorMessage } : {}),
            });
          }
          span.end();
          duration.record(seconds, metricAttributes);
        },
      };
    },
  };
}

/** Runs `fn` in `ctx`; a plain call when that is already the active context (the no-SDK case). */
export function runIn<T>(ctx: Context, fn: () => T): T {
  return ctx === context.active() ? fn() : context.with(ctx, fn);
}
