// @mcpwatch/instrument: every public export is named here.
export { errorTypeOf } from './error-types.js';
export { PROTOCOL_VERSION_META_KEY } from './exchange.js';
export type {
  CheckOutcome,
  FastifyLike,
  FastifyReplyLike,
  HealthAnswer,
  HealthHandler,
  HealthOptions,
  ReadinessCheck,
} from './health.js';
export {
  createHealthFetchHandler,
  createHealthHandler,
  fastifyHealth,
  HEALTH_PATHS,
  healthAnswer,
  runCheck,
} from './health.js';
export type { Heartbeat, HeartbeatKind, HeartbeatOptions } from './heartbeat.js';
export { createHeartbeat, heartbeatUrl } from './heartbeat.js';
export type { HttpMetricsMiddleware } from './http-metrics.js';
export { httpMetrics } from './http-metrics.js';
export type { HealthEndpointOptions, Instrumentation, InstrumentOptions } from './instrument.js';
export { createInstrumentation, instrument } from './instrument.js';
export type { LoggerOptions, LogLevel, McpLogger, PinoLike } from './logger.js';
export { createLogger, parseLevel } from './logger.js';
export type { McpMetrics, McpMetricsOptions, ToolCallStatus } from './metrics.js';
export {
  createMcpMetrics,
  HTTP_BUCKETS,
  OVERFLOW_LABEL,
  SESSION_BUCKETS,
  TOOL_CALL_BUCKETS,
} from './metrics.js';
export { REDACTED, redact, SECRET_KEY_PATTERN } from './redact.js';
export type { GracefulShutdown, GracefulShutdownOptions } from './shutdown.js';
export { gracefulShutdown } from './shutdown.js';
export { INSTRUMENTATION_NAME, OPERATION_BUCKETS } from './tracing.js';
