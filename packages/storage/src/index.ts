export type {
  AutocompleteTags,
  CheckResult,
  QueryRequest,
  SpanConsumer,
  SpanStore,
  Storage,
  StorageOptions,
} from './storage.js';
export { InMemoryStorage, StorageOptionError } from './memory/in-memory-storage.js';
export type { InMemoryStorageOptions } from './memory/in-memory-storage.js';
/** Zipkin's trace search predicate, shared by every store that filters whole traces in code. */
export { groupByTraceId, inWindow, matchesQuery, traceTimestamp } from './memory/query-predicate.js';
