/** Codes of ClickHouseStorageError: what went wrong, stable for clients and tests. */
export type ClickHouseErrorCode =
  | 'STORAGE_UNAVAILABLE' // ClickHouse (or one of its shards) cannot be reached; retry later
  | 'STORAGE_QUERY' // ClickHouse answered with an error
  | 'STORAGE_CLOSED'; // the store was closed

/** An error of the ClickHouse store, with a stable code and a message naming the server. */
export class ClickHouseStorageError extends Error {
  /** Stable code, see ClickHouseErrorCode. */
  readonly code: ClickHouseErrorCode;
  /** HTTP status a server answers with (503 while ClickHouse is unreachable, else 500): a store failure is never the client's fault. */
  readonly statusCode: number;
  constructor(code: ClickHouseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClickHouseStorageError';
    this.code = code;
    this.statusCode = code === 'STORAGE_QUERY' ? 500 : 503;
  }
}

// Socket errors, and ClickHouse's own codes for a server or shard it cannot reach:
// 210 NETWORK_ERROR, 209 SOCKET_TIMEOUT, 279 ALL_CONNECTION_TRIES_FAILED, 159 TIMEOUT_EXCEEDED, 394 QUERY_WAS_CANCELLED.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
const UNREACHABLE = /Code: (209|210|279|159)\b|Connection refused|socket hang up|Timeout/i;

/** Maps a client or server failure to a ClickHouseStorageError naming the server and what was being done. */
export function storageError(err: unknown, url: string, doing: string): ClickHouseStorageError {
  if (err instanceof ClickHouseStorageError) return err;
  const code = (err as { code?: unknown } | undefined)?.code;
  const msg = err instanceof Error ? err.message : String(err);
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if ((typeof code === 'string' && SOCKET_CODES.has(code)) || (typeof cause === 'string' && SOCKET_CODES.has(cause)) || UNREACHABLE.test(msg)) {
    return new ClickHouseStorageError('STORAGE_UNAVAILABLE',
      `clickhouse at ${url} is unavailable while ${doing}: ${msg.trim() || String(code)}; retry once ClickHouse and all its shards are up`, { cause: err });
  }
  return new ClickHouseStorageError('STORAGE_QUERY', `clickhouse at ${url} failed while ${doing}: ${msg.trim()}`, { cause: err });
}
