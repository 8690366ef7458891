import { quote, SpanValidationError } from './errors.js';

const ZEROS = '00000000000000000000000000000000';

/** True when s is non-empty and only 0-9 and a-f. */
export function isLowerHex(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 102 || c < 48 || (c > 57 && c < 97)) return false;
  }
  return true;
}

/**
 * Length of the run of leading '0' characters, or -1 when s is not lower-hex.
 * One pass serves both validation and the all-zeros / 128-bit-prefix checks.
 */
function zeroPrefix(s: string): number {
  let zeros = 0;
  let inPrefix = true;
  for (let i = 0, n = s.length; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 48) {
      if (inPrefix) zeros++;
    } else if (c > 102 || c < 48 || (c > 57 && c < 97)) {
      return -1;
    } else {
      inPrefix = false;
    }
  }
  return zeros;
}

function hexRule(field: string, value: string, max: number): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 65 && c <= 70) return `${field} ${quote(value)} must be lower-hex: use a-f, not A-F`;
  }
  return `${field} ${quote(value)} must be lower-hex (0-9, a-f, no prefix), at most ${max} characters`;
}

/**
 * Validates and normalizes a trace id as Zipkin does: lower-hex, left-padded to 16 or 32
 * characters. A 128-bit id whose high 64 bits are zero is the same trace as its 64-bit form,
 * so it is shortened to 16 characters (this also applies after padding, unlike Zipkin, so a
 * trace has one canonical id).
 */
export function normalizeTraceId(traceId: string, index = -1): string {
  const n = traceId.length;
  if (n === 16 || n === 32) {
    const zeros = zeroPrefix(traceId);
    if (zeros >= 0 && zeros < n) return n === 32 && zeros >= 16 ? traceId.slice(16) : traceId;
  }
  if (n === 0) throw new SpanValidationError('SPAN_INVALID_TRACE_ID', index, 'traceId', 'traceId is empty');
  if (n > 32) {
    throw new SpanValidationError('SPAN_INVALID_TRACE_ID', index, 'traceId',
      `traceId ${quote(traceId)} is ${n} characters; it must be 16 or 32 lower-hex characters`);
  }
  const zeros = zeroPrefix(traceId);
  if (zeros < 0) throw new SpanValidationError('SPAN_INVALID_TRACE_ID', index, 'traceId', hexRule('traceId', traceId, 32));
  if (zeros === n) {
    throw new SpanValidationError('SPAN_INVALID_TRACE_ID', index, 'traceId', `traceId ${quote(traceId)} must not be all zeros`);
  }
  if (n < 16) return ZEROS.slice(0, 16 - n) + traceId;
  if (n - zeros <= 16) return traceId.slice(n - 16);
  return ZEROS.slice(0, 32 - n) + traceId;
}

/** Validates and normalizes a span id: 1 to 16 lower-hex characters, left-padded to 16, not all zeros. */
export function normalizeSpanId(id: string, index = -1, field = 'id'): string {
  const n = id.length;
  const zeros = n <= 16 ? zeroPrefix(id) : -1;
  if (zeros >= 0 && zeros < n) return n === 16 ? id : ZEROS.slice(0, 16 - n) + id;
  const code = field === 'id' ? 'SPAN_INVALID_ID' : 'SPAN_INVALID_PARENT_ID';
  if (n === 0) throw new SpanValidationError(code, index, field, `${field} is empty`);
  if (n > 16) {
    throw new SpanValidationError(code, index, field,
      `${field} ${quote(id)} is ${n} characters; it must be at most 16 lower-hex characters`);
  }
  if (zeros < 0) throw new SpanValidationError(code, index, field, hexRule(field, id, 16));
  throw new SpanValidationError(code, index, field, `${field} ${quote(id)} must not be all zeros`);
}

/** Validates a parent id like a span id, except all zeros means "no parent" (undefined), as in Zipkin. */
export function normalizeParentId(parentId: string, index = -1): string | undefined {
  const n = parentId.length;
  if (n > 0 && n <= 16) {
    const zeros = zeroPrefix(parentId);
    if (zeros === n) return undefined;
  }
  return normalizeSpanId(parentId, index, 'parentId');
}

/** The low 64 bits of a normalized trace id (its last 16 characters). */
export function lowTraceId(traceId: string): string {
  return traceId.length === 32 ? traceId.slice(16) : traceId;
}
