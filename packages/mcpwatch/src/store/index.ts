export { bucketOf, bucketUpperBound, HISTOGRAM_BUCKETS, type LatencySummary } from './latency-histogram.js';
export { DEFAULT_DATABASE_URL, type OpenStoreOptions, openStore, parseStoreUrl } from './open-store.js';
export { backoffMs, OPENING_KINDS } from './outbox.js';
export { granularityFor } from './rollups.js';
export type * from './store.js';
export { redactUrl, StoreError, type StoreErrorCode } from './store-error.js';
