import { isLowerHex, quote, SpanValidationError } from '@skein/model';
import type { ErrorCode } from '@skein/model';

const ZEROS = '0000000000000000';

function isZeros(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 48) return false;
  return true;
}

function check(s: string, index: number, field: string, code: ErrorCode): void {
  if (s.length === 0) throw new SpanValidationError(code, index, field, `${field} is empty`);
  if (s.length > 32) {
    throw new SpanValidationError(code, index, field, `${field} ${quote(s)} is ${s.length} characters; the maximum is 32`);
  }
  if (!isLowerHex(s)) {
    throw new SpanValidationError(code, index, field, `${field} ${quote(s)} must be lower-hex (0-9, a-f, no prefix)`);
  }
}

function low64(s: string): string {
  return s.length >= 16 ? s.slice(s.length - 16) : ZEROS.slice(s.length) + s;
}

/**
 * A v1 trace id as Zipkin reads it: up to 32 lower-hex characters; the high 64 bits are kept
 * only when all 32 are given, and a zero high half is dropped. The low 64 bits must not be zero.
 */
export function v1TraceId(s: string, index: number): string {
  check(s, index, 'traceId', 'SPAN_INVALID_TRACE_ID');
  const low = low64(s);
  if (isZeros(low)) {
    throw new SpanValidationError('SPAN_INVALID_TRACE_ID', index, 'traceId', `traceId ${quote(s)} has zero low 64 bits`);
  }
  if (s.length === 32) {
    const high = s.slice(0, 16);
    if (!isZeros(high)) return s;
  }
  return low;
}

/** A v1 span id as Zipkin reads it: up to 32 lower-hex characters, of which the low 64 bits count; not zero. */
export function v1SpanId(s: string, index: number): string {
  check(s, index, 'id', 'SPAN_INVALID_ID');
  const id = low64(s);
  if (isZeros(id)) throw new SpanValidationError('SPAN_INVALID_ID', index, 'id', `id ${quote(s)} must not be zero`);
  return id;
}

/** A v1 parent id: like a span id, except zero means no parent (undefined). */
export function v1ParentId(s: string, index: number): string | undefined {
  check(s, index, 'parentId', 'SPAN_INVALID_PARENT_ID');
  const id = low64(s);
  return isZeros(id) ? undefined : id;
}
