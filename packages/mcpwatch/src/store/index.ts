export { bucketOf, bucketUpperBound, HISTOGRAM_BUCKETS, type LatencySummary } from './latency-histogram.js';
export { DEFAULT_DATABASE_URL, type OpenStoreOptions, openStore, parseStoreUrl } from './open-store.js';
export { backoffMs } from './outbox.js';
export { granularityFor } from './rollups.js';
export type {
  CheckResult,
  ClaimOptions,
  EventInput,
  EventQuery,
  FailOptions,
  Granularity,
  Heartbeat,
  Incident,
  IncidentQuery,
  Millis,
  Monitor,
  MonitorInput,
  MonitorPatch,
  MonitorSource,
  MonitorState,
  NextState,
  OutboxItem,
  PruneReport,
  Range,
  RetentionOptions,
  Store,
  StoredEvent,
  StoredResult,
  UptimePoint,
  UptimeSummary,
} from './store.js';
export { redactUrl, StoreError, type StoreErrorCode } from './store-error.js';
