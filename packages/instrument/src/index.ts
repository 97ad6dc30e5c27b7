// @mcpwatch/instrument: every public export is named here.

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
export type { McpMetrics, McpMetricsOptions, ToolCallStatus } from './metrics.js';
export {
  createMcpMetrics,
  HTTP_BUCKETS,
  OVERFLOW_LABEL,
  SESSION_BUCKETS,
  TOOL_CALL_BUCKETS,
} from './metrics.js';
