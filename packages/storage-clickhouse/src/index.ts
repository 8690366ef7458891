export { ClickHouseStorage } from './clickhouse-storage.js';
export type { ClickHouseStorageOptions } from './clickhouse-storage.js';
export { ClickHouseStorageError } from './errors.js';
export type { ClickHouseErrorCode } from './errors.js';
