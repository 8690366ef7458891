export { DB_FILE, SqliteStorage } from './sqlite-storage.js';
export type { SqliteStorageOptions } from './sqlite-storage.js';
export { SqliteStorageError } from './errors.js';
export type { SqliteErrorCode } from './errors.js';
