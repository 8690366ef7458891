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
