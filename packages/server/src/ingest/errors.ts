import { SkeinError } from '@skein/model';

/** An error of the server with a stable code, the HTTP status it maps to and an optional retry hint. */
export class ServerError extends SkeinError {
  /** HTTP status this error answers with (gRPC and AMQP collectors map it on). */
  readonly statusCode: number;
  /** Seconds a client should wait before retrying, when retrying can help. */
  readonly retryAfter: number | undefined;

  constructor(code: string, statusCode: number, message: string, options: { retryAfter?: number; cause?: unknown } = {}) {
    super(code, message);
    if (options.cause !== undefined) this.cause = options.cause;
    this.statusCode = statusCode;
    this.retryAfter = options.retryAfter;
  }
}

/** The stable error codes the server itself raises (codec and span codes come from @skein/model). */
export const SERVER_ERROR_CODES = {
  INGEST_QUEUE_FULL: 'too many spans are being stored; retry after the Retry-After delay',
  STORAGE_UNAVAILABLE: 'the store failed to accept the spans; nothing of the request was stored',
  INGEST_THREAD_FAILED: 'the memory store\'s ingest thread died while decoding the message; nothing of it was stored',
  SHUTTING_DOWN: 'the server is shutting down',
  BODY_TOO_LARGE: 'the body (after gzip inflation) is larger than --max-body',
  BODY_GZIP_MALFORMED: 'Content-Encoding is gzip but the body is not valid gzip',
  UNSUPPORTED_MEDIA_TYPE: 'the Content-Type is not one this endpoint accepts',
  UNSUPPORTED_ENCODING: 'the Content-Encoding is not gzip or identity',
} as const;
