/** Stable codes of the query API's 400 answers. */
export type QueryErrorCode =
  | 'QUERY_PARAM_MISSING'
  | 'QUERY_PARAM_NOT_INTEGER'
  | 'QUERY_PARAM_OUT_OF_RANGE'
  | 'QUERY_TRACE_ID_INVALID'
  | 'QUERY_TRACE_IDS_INVALID';

/** A bad query parameter: answered 400 with the message as text/plain, like Zipkin. */
export class QueryError extends Error {
  /** Stable code, also sent in the `skein-error-code` response header. */
  readonly code: QueryErrorCode;
  /** HTTP status to answer with. */
  readonly status = 400;

  constructor(code: QueryErrorCode, message: string) {
    super(message);
    this.name = 'QueryError';
    this.code = code;
  }
}
