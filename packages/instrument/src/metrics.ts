// Prometheus metrics for an MCP server, with the names, labels and buckets of the seed monitoring guide
// (docs/instrument.md lists them). Everything an instrumented server or `mcpwatch wrap` counts goes through
// the small McpMetrics surface, so the metric names live in this one file.
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Metric, Registry } from 'prom-client';

export interface McpMetricsOptions {
  /** The user's registry; a fresh one when absent (never prom-client's global one, which the user owns). */
  registry?: Registry;
  /** Register prom-client's default process metrics (CPU, memory, fds, event loop lag). Default true. */
  collectDefaultMetrics?: boolean;
  /** Distinct `resource_uri` label values kept before new ones are counted as 'other'. Default 100. */
  maxResourceUris?: number;
  /** Distinct `tool_name` label values kept before new ones are counted as 'other'. Default 200. */
  maxToolNames?: number;
}

export type ToolCallStatus = 'success' | 'error';

export interface McpMetrics {
  readonly registry: Registry;
  /** One finished tools/call: ok=false for a thrown error, a JSON-RPC error or an `isError: true` result. */
  toolCall(tool: string, ok: boolean, seconds: number): void;
  resourceRead(uri: string): void;
  sessionOpened(): void;
  sessionClosed(seconds: number): void;
  /** A protocol-level failure, by a short type such as 'tool_error', 'invalid_params' or 'transport'. */
  error(type: string): void;
  /** One HTTP request served by the MCP endpoint or the health handler; route is a path, never a full URL. */
  httpRequest(method: string, route: string, status: number, seconds: number): void;
}

/** The seed guide's tool latency buckets, in seconds. */
export const TOOL_CALL_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
/** Sessions live from seconds (a probe) to a working day (an IDE left open). */
export const SESSION_BUCKETS = [1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400];
export const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The label value that replaces values past a cardinality limit. */
export const OVERFLOW_LABEL = 'other';

// A second createMcpMetrics on the same registry (the server and `mcpwatch wrap` in one process, or a
// server factory called per request) must reuse the metrics, so each one is looked up by name first.
function reuse<M extends Metric<string>>(registry: Registry, name: string, make: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

// The set of label values already seen belongs to the metric, not to one McpMetrics, so two instances on one
// registry share a single limit instead of each letting `max` new values through.
const seenByMetric = new WeakMap<object, Set<string>>();

function guarded(metric: object, max: number): (value: string) => string {
  let seen = seenByMetric.get(metric);
  if (!seen) {
    seen = new Set();
    seenByMetric.set(metric, seen);
  }
  const values = seen;
  return (value) => {
    if (values.has(value)) return value;
    if (values.size >= max) return OVERFLOW_LABEL;
    values.add(value);
    return value;
  };
}

export function createMcpMetrics(options: McpMetricsOptions = {}): McpMetrics {
  const registry = options.registry ?? new Registry();
  const registers = [registry];

  // Default metrics register under fixed names; checking one avoids prom-client's duplicate-name throw.
  if (options.collectDefaultMetrics !== false && !registry.getSingleMetric('process_cpu_seconds_total')) {
    collectDefaultMetrics({ register: registry });
  }

  const toolCalls = reuse(
    registry,
    'mcp_tool_calls_total',
    () =>
      new Counter({
        name: 'mcp_tool_calls_total',
        help: 'Total MCP tool calls, by tool name and status (success or error; isError results count as error).',
        labelNames: ['tool_name', 'status'] as const,
        registers,
      }),
  );
  const toolDuration = reuse(
    registry,
    'mcp_tool_call_duration_seconds',
    () =>
      new Histogram({
        name: 'mcp_tool_call_duration_seconds',
        help: 'Duration of MCP tool calls in seconds, by tool name.',
        labelNames: ['tool_name'] as const,
        buckets: TOOL_CALL_BUCKETS,
        registers,
      }),
  );
  const resourceReads = reuse(
    registry,
    'mcp_resource_reads_total',
    () =>
      new Counter({
        name: 'mcp_resource_reads_total',
        help: `Total MCP resource reads, by resource URI (past the URI limit, '${OVERFLOW_LABEL}').`,
        labelNames: ['resource_uri'] as const,
        registers,
      }),
  );
  const activeSessions = reuse(
    registry,
    'mcp_active_sessions',
    () => new Gauge({ name: 'mcp_active_sessions', help: 'Currently open MCP client sessions.', registers }),
  );
  const sessionDuration = reuse(
    registry,
    'mcp_session_duration_seconds',
    () =>
      new Histogram({
        name: 'mcp_session_duration_seconds',
        help: 'How long MCP client sessions lasted before they closed, in seconds.',
        buckets: SESSION_BUCKETS,
        registers,
      }),
  );
  const errors = reuse(
    registry,
    'mcp_errors_total',
    () =>
      new Counter({
        name: 'mcp_errors_total',
        help: 'Total MCP protocol-level errors, by error type.',
        labelNames: ['type'] as const,
        registers,
      }),
  );
  const httpRequests = reuse(
    registry,
    'mcp_http_requests_total',
    () =>
      new Counter({
        name: 'mcp_http_requests_total',
        help: 'Total HTTP requests to the MCP server (MCP endpoint and health endpoints).',
        labelNames: ['method', 'route', 'status'] as const,
        registers,
      }),
  );
  const httpDuration = reuse(
    registry,
    'mcp_http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'mcp_http_request_duration_seconds',
        help: 'HTTP request latency by route, in seconds.',
        labelNames: ['method', 'route'] as const,
        buckets: HTTP_BUCKETS,
        registers,
      }),
  );

  const toolLabel = guarded(toolCalls, options.maxToolNames ?? 200);
  const uriLabel = guarded(resourceReads, options.maxResourceUris ?? 100);
  // Error types and routes come from this library, but a route is a request path: guard it as well.
  const routeLabel = guarded(httpRequests, 50);

  return {
    registry,
    toolCall(tool, ok, seconds) {
      const tool_name = toolLabel(tool);
      toolCalls.inc({ tool_name, status: ok ? 'success' : 'error' });
      toolDuration.observe({ tool_name }, seconds);
    },
    resourceRead(uri) {
      resourceReads.inc({ resource_uri: uriLabel(uri) });
    },
    sessionOpened() {
      activeSessions.inc();
    },
    sessionClosed(seconds) {
      activeSessions.dec();
      sessionDuration.observe(seconds);
    },
    error(type) {
      errors.inc({ type });
    },
    httpRequest(method, route, status, seconds) {
      const r = routeLabel(route);
      httpRequests.inc({ method, route: r, status: String(status) });
      httpDuration.observe({ method, route: r }, seconds);
    },
  };
}
