/** Codes of SqliteStorageError: what went wrong, stable for clients and tests. */
export type SqliteErrorCode =
  | 'STORAGE_DATA_DIR' // the data directory cannot be created, opened or written
  | 'STORAGE_FULL' // the disk (or the database's size limit) is full
  | 'STORAGE_READ_ONLY' // the database file or its directory became read-only
  | 'STORAGE_IO' // any other SQLite failure
  | 'STORAGE_CLOSED'; // the store was closed

/** An error of the SQLite store, with a stable code and a message naming the data directory. */
export class SqliteStorageError extends Error {
  /** Stable code, see SqliteErrorCode. */
  readonly code: SqliteErrorCode;
  constructor(code: SqliteErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SqliteStorageError';
    this.code = code;
  }
}

/** Maps a better-sqlite3 / file system error to a SqliteStorageError that names the location. */
export function storageError(err: unknown, where: string, doing: string): SqliteStorageError {
  if (err instanceof SqliteStorageError) return err;
  const code = (err as { code?: unknown }).code;
  const msg = err instanceof Error ? err.message : String(err);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return new SqliteStorageError('STORAGE_FULL', `SQLite store at ${where} is full while ${doing}: free disk space (${msg})`, { cause: err });
  }
  if (typeof code === 'string' && (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES')) {
    return new SqliteStorageError('STORAGE_READ_ONLY', `SQLite store at ${where} is read-only while ${doing}: ${msg}`, { cause: err });
  }
  return new SqliteStorageError('STORAGE_IO', `SQLite store at ${where} failed while ${doing}: ${msg}`, { cause: err });
}
