// The one call that makes a server observable. It works on what both SDK versions share: a server
// (McpServer's `.server`, or the low-level Server itself) reaches every transport through `connect`, so
// wrapping `connect` on that instance sees every connection: stdio, Streamable HTTP sessions, the legacy
// SSE transport, and the per-request instances of v2's createMcpHandler alike.
import type { Registry } from 'prom-client';
import { createConnectionTracker } from './connections.js';
import type { ExchangeDeps } from './exchange.js';
import {
  createHealthFetchHandler,
  createHealthHandler,
  type HealthHandler,
  type ReadinessCheck,
} from './health.js';
import { createHeartbeat, type Heartbeat, type HeartbeatOptions } from './heartbeat.js';
import { type HttpMetricsMiddleware, httpMetrics } from './http-metrics.js';
import { createLogger, type LogLevel, type McpLogger, type PinoLike } from './logger.js';
import { createMcpMetrics, type McpMetrics } from './metrics.js';
import type { TransportLike } from './tap.js';
import { createTracing } from './tracing.js';

export interface InstrumentOptions {
  /** Server name on log lines and /health; default the name the server announces. */
  name?: string;
  version?: string;
  /** Metrics to record into (shared with `mcpwatch wrap` or another server); default a new set. */
  metrics?: McpMetrics;
  /** The user's prom-client registry, when `metrics` is not given. */
  registry?: Registry;
  collectDefaultMetrics?: boolean;
  maxResourceUris?: number;
  /** The user's pino logger; default JSON lines on stderr. */
  logger?: PinoLike;
  /** Default `LOG_LEVEL`, else 'info'. */
  logLevel?: LogLevel | string;
  logDestination?: { write(line: string): unknown };
  /** Put tool arguments, redacted, on every tool call line (they are on debug lines anyway). */
  logArguments?: boolean;
  /** Key names whose values are hidden in logged arguments; default SECRET_KEY_PATTERN. */
  redactKeys?: RegExp;
  /** OpenTelemetry spans and the operation histogram; default true (a no-op without an SDK). */
  tracing?: boolean;
  /**
   * mcpwatch heartbeat: its URL, options, or a Heartbeat made elsewhere; default the
   * MCPWATCH_HEARTBEAT_URL environment variable when set. `false` turns it off.
   */
  heartbeat?: string | HeartbeatOptions | Heartbeat | false;
}

export interface HealthEndpointOptions {
  checks?: ReadinessCheck[];
}

export interface Instrumentation {
  readonly metrics: McpMetrics;
  readonly logger: McpLogger;
  readonly heartbeat: Heartbeat | undefined;
  /** Instruments a v1 or v2 McpServer or low-level Server (before or after connect); returns it. */
  instrument<S extends object>(server: S): S;
  /** Open sessions: stdio connections and initialized legacy HTTP sessions. */
  sessions(): number;
  /** Requests received and not yet answered. */
  inFlight(): number;
  /** True once drain() began: new sessions are refused and /ready answers 503. */
  readonly draining: boolean;
  /** /live /ready /health /metrics for Node http and Express, with this server's sessions and version. */
  healthHandler(options?: HealthEndpointOptions): HealthHandler;
  /** Counts the HTTP requests it sees (`mcp_http_requests_total`, `…_duration_seconds`): Express middleware. */
  httpMetrics(): HttpMetricsMiddleware;
  /** The same for the Fetch API (Hono). */
  healthFetchHandler(options?: HealthEndpointOptions): (request: Request) => Promise<Response | undefined>;
  /**
   * Refuses new sessions, waits up to `timeoutMs` for requests in flight, closes every open session,
   * then sends the heartbeat's /stop. Resolves true when nothing was still in flight at the end.
   */
  drain(timeoutMs?: number): Promise<boolean>;
}

/** What we need of a server: the low-level Protocol instance of either SDK. */
interface ProtocolLike {
  connect(transport: TransportLike): Promise<void>;
  close(): Promise<void>;
  transport?: TransportLike;
  _serverInfo?: { name?: string; version?: string };
}

const INSTRUMENTED = Symbol.for('@mcpwatch/instrument.instrumented');

function protocolOf(server: object): ProtocolLike {
  const inner = (server as { server?: unknown }).server;
  const candidate = (
    inner && typeof (inner as ProtocolLike).connect === 'function' ? inner : server
  ) as ProtocolLike;
  if (typeof candidate.connect !== 'function') {
    throw new TypeError(
      'instrument() needs an McpServer or Server from @modelcontextprotocol/server or /sdk',
    );
  }
  return candidate;
}

function heartbeatFrom(option: InstrumentOptions['heartbeat'], logger: McpLogger): Heartbeat | undefined {
  if (option === false) return undefined;
  const onError = (err: Error) => logger.warn('heartbeat failed', { error: err.message });
  if (option === undefined) {
    const url = process.env.MCPWATCH_HEARTBEAT_URL;
    return url ? createHeartbeat({ url, onError }) : undefined;
  }
  if (typeof option === 'string') return createHeartbeat({ url: option, onError });
  if ('activity' in option) return option;
  return createHeartbeat({ onError, ...option });
}

export function createInstrumentation(options: InstrumentOptions = {}): Instrumentation {
  const metrics =
    options.metrics ??
    createMcpMetrics({
      ...(options.registry ? { registry: options.registry } : {}),
      ...(options.collectDefaultMetrics !== undefined
        ? { collectDefaultMetrics: options.collectDefaultMetrics }
        : {}),
      ...(options.maxResourceUris !== undefined ? { maxResourceUris: options.maxResourceUris } : {}),
    });
  let name = options.name;
  let version = options.version;
  const logger = createLogger({
    get name() {
      return name;
    },
    get version() {
      return version;
    },
    ...(options.logLevel ? { level: options.logLevel } : {}),
    ...(options.logger ? { pino: options.logger } : {}),
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const heartbeat = heartbeatFrom(options.heartbeat, logger);
  const deps: ExchangeDeps = {
    metrics,
    logger,
    tracing: options.tracing === false ? undefined : createTracing(),
    logArguments: options.logArguments ?? false,
    redactPattern: options.redactKeys,
  };

  const connections = createConnectionTracker(deps, heartbeat);

  const instrumentation: Instrumentation = {
    metrics,
    logger,
    heartbeat,
    get draining() {
      return connections.refusing;
    },
    instrument(server) {
      const protocol = protocolOf(server);
      const marked = protocol as ProtocolLike & { [INSTRUMENTED]?: true };
      if (marked[INSTRUMENTED]) return server;
      marked[INSTRUMENTED] = true;
      name ??= protocol._serverInfo?.name;
      version ??= protocol._serverInfo?.version;
      const connect = protocol.connect;
      protocol.connect = function instrumentedConnect(this: ProtocolLike, transport: TransportLike) {
        connections.tap(protocol, transport);
        return connect.call(this, transport);
      };
      // Already connected (instrument() called after connect): tap the live transport as it stands.
      if (protocol.transport) connections.tap(protocol, protocol.transport);
      return server;
    },
    sessions: () => connections.sessions(),
    inFlight: () => connections.inFlight(),
    healthHandler(health = {}) {
      return createHealthHandler(healthOptions(health));
    },
    httpMetrics: () => httpMetrics(metrics),
    healthFetchHandler(health = {}) {
      return createHealthFetchHandler(healthOptions(health));
    },
    async drain(timeoutMs = 10_000) {
      connections.refuseNewSessions();
      const drained = await connections.idle(timeoutMs);
      if (!drained) {
        logger.warn('shutting down with requests still in flight', { in_flight: connections.inFlight() });
      }
      await connections.closeAll();
      await heartbeat?.stop();
      return drained;
    },
  };

  function healthOptions(health: HealthEndpointOptions) {
    const draincheck: ReadinessCheck = {
      name: 'shutdown',
      check: async () => {
        if (connections.refusing) throw new Error('the server is shutting down');
      },
    };
    return {
      metrics,
      checks: [draincheck, ...(health.checks ?? [])],
      sessions: instrumentation.sessions,
      get name() {
        return name;
      },
      get version() {
        return version;
      },
    };
  }

  return instrumentation;
}

/** Instruments one server: `const obs = instrument(server, { version: '1.2.0' })`. */
export function instrument(server: object, options: InstrumentOptions = {}): Instrumentation {
  const instrumentation = createInstrumentation(options);
  instrumentation.instrument(server);
  return instrumentation;
}
