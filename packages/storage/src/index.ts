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
/** Preparing spans for the memory store off its thread (see InMemoryStorageOptions.preparer). */
export { prepareBatch } from './memory/prepared-batch.js';
export type { PrepareSettings, PreparedBatch } from './memory/prepared-batch.js';
export { JsonV2Preparer } from './memory/json-v2-preparer.js';
export { SpanPacker } from './memory/span-packer.js';
export type { PackerDelta } from './memory/span-packer.js';
/** Zipkin's trace search predicate, shared by every store that filters whole traces in code. */
export { groupByTraceId, inWindow, matchesQuery, traceTimestamp } from './memory/query-predicate.js';
