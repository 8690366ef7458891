import { quote, SpanValidationError } from './errors.js';

/** Describes a JSON value's type for an error message. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string': return `a string (${quote(v)})`;
    case 'number': return `a number (${v})`;
    case 'boolean': return `a boolean (${v})`;
    case 'object': return 'an object';
    default: return typeof v;
  }
}

/** The error for a field holding the wrong JSON type. */
export function typeError(index: number, field: string, expected: string, v: unknown): SpanValidationError {
  return new SpanValidationError('SPAN_INVALID_TYPE', index, field, `${field} must be ${expected}, not ${typeName(v)}`);
}

/** True for a non-null, non-array object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a whole number field; wrong type or a fraction is an error. */
export function wholeNumber(v: unknown, index: number, field: string): number {
  if (typeof v !== 'number') throw typeError(index, field, 'a number', v);
  // Beyond 2^53 a JSON number has already lost digits (and Zipkin's long reader overflows).
  if (!Number.isSafeInteger(v)) {
    throw new SpanValidationError('SPAN_INVALID_NUMBER', index, field, `${field} must be a whole number of at most 16 digits, not ${v}`);
  }
  return v;
}

/** Reads epoch or duration microseconds: absent, zero and negative all mean "absent" (0). */
export function micros(v: unknown, index: number, field: string): number {
  if (v === undefined || v === null) return 0;
  const n = wholeNumber(v, index, field);
  return n > 0 ? n : 0;
}
