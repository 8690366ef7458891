export type {
  AutocompleteTags,
  CheckResult,
  QueryRequest,
  SpanConsumer,
  SpanStore,
  Storage,
  StorageOptions,
} from './storage.js';
