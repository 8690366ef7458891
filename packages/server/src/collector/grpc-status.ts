import { SkeinError } from '@skein/model';
import { tooLarge } from './raw-body.js';
import { ServerError } from '../ingest/errors.js';

/** gRPC status codes the collectors answer with (google.rpc.Code). */
export const GRPC_CODE = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

/**
 * Any error thrown while ingesting, as a ServerError: codec and span errors (SkeinError
 * without a status) are bad input (400); Fastify's own errors keep their status.
 */
export function asServerError(error: unknown, maxBody: number): ServerError {
  if (error instanceof ServerError) return error;
  const e = error as Error & { code?: unknown; statusCode?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'INTERNAL';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return tooLarge(maxBody);
  const message = e instanceof Error ? e.message : String(error);
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (error instanceof SkeinError || (status === undefined && code !== 'INTERNAL')) return new ServerError(code, 400, message, { cause: error });
  if (status !== undefined && status < 500) return new ServerError(code, status, message, { cause: error });
  return new ServerError(code, status ?? 500, `internal error: ${message}`, { cause: error });
}

/** The gRPC code of a server error, as the OTLP specification names them. */
export function grpcCodeOf(err: ServerError): number {
  if (err.statusCode === 429 || err.statusCode === 413) return GRPC_CODE.RESOURCE_EXHAUSTED;
  if (err.statusCode === 503) return GRPC_CODE.UNAVAILABLE;
  if (err.statusCode < 500) return GRPC_CODE.INVALID_ARGUMENT;
  return GRPC_CODE.INTERNAL;
}

function varint(out: number[], n: number): void {
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

function field(out: number[], tag: number, bytes: Uint8Array | readonly number[]): void {
  varint(out, (tag << 3) | 2);
  varint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

/**
 * A google.rpc.Status carrying one google.rpc.RetryInfo detail (retry_delay = seconds), the
 * `grpc-status-details-bin` the OTLP specification asks for with RESOURCE_EXHAUSTED/UNAVAILABLE.
 */
export function statusWithRetryInfo(code: number, message: string, seconds: number): Buffer {
  const duration: number[] = [];
  if (seconds > 0) {
    varint(duration, 1 << 3);
    varint(duration, seconds);
  }
  const retryInfo: number[] = [];
  field(retryInfo, 1, duration);
  const any: number[] = [];
  field(any, 1, Buffer.from('type.googleapis.com/google.rpc.RetryInfo'));
  field(any, 2, retryInfo);
  const status: number[] = [];
  varint(status, 1 << 3);
  varint(status, code);
  field(status, 2, Buffer.from(message));
  field(status, 3, any);
  return Buffer.from(status);
}
