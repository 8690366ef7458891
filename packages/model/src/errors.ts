/**
 * Every stable error code raised by the span model and the codecs, with what it means.
 * Codes never change once published: clients and tests match on them.
 */
export const ERROR_CODES = {
  SPANS_NOT_ARRAY: 'the body must be a list (JSON array) of spans',
  SPAN_NOT_OBJECT: 'each span must be an object',
  SPAN_MISSING_TRACE_ID: 'a span must have a traceId',
  SPAN_INVALID_TRACE_ID: 'traceId must be 1 to 32 lower-hex characters, not all zeros',
  SPAN_MISSING_ID: 'a span must have an id',
  SPAN_INVALID_ID: 'id must be 1 to 16 lower-hex characters, not all zeros',
  SPAN_INVALID_PARENT_ID: 'parentId must be 1 to 16 lower-hex characters',
  SPAN_INVALID_KIND: 'kind must be one of CLIENT, SERVER, PRODUCER, CONSUMER',
  SPAN_INVALID_TYPE: 'a field has the wrong JSON type',
  SPAN_INVALID_NUMBER: 'a timestamp, duration or port must be a whole number',
  SPAN_INVALID_PORT: 'port must be at most 65535',
  SPAN_INVALID_ANNOTATION: 'an annotation must have a numeric timestamp and a string value',
  SPAN_INVALID_TAG: 'a tag value must be a string (numbers are converted), never null',
  SPAN_INVALID_BINARY_ANNOTATION: 'a v1 binary annotation must have a string key',
  JSON_MALFORMED: 'the body is not valid JSON',
  BODY_MALFORMED: 'the body could not be decoded in the declared format',
} as const;

/** A stable error code from ERROR_CODES. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Base of every Skein error: carries a stable machine-readable code. */
export class SkeinError extends Error {
  /** Stable code, e.g. SPAN_INVALID_TRACE_ID; see ERROR_CODES. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A span broke a validation rule; message reads `span <index>: <rule>`. */
export class SpanValidationError extends SkeinError {
  /** Position of the span in its request, -1 if unknown. */
  readonly index: number;
  /** The rule that was broken, in words, without the span prefix. */
  readonly rule: string;
  /** The offending field path, e.g. `traceId` or `tags.http.path`, or '' for the whole span. */
  readonly field: string;

  constructor(code: ErrorCode, index: number, field: string, rule: string) {
    super(code, index >= 0 ? `span ${index}: ${rule}` : rule);
    this.index = index;
    this.rule = rule;
    this.field = field;
  }

  /** A copy of this error attributed to the span at `index`. */
  withIndex(index: number): SpanValidationError {
    return new SpanValidationError(this.code as ErrorCode, index, this.field, this.rule);
  }
}

/** A body could not be decoded (malformed bytes or structure), independent of span rules. */
export class CodecError extends SkeinError {
  /** Byte offset in the body where decoding failed, -1 if unknown. */
  readonly offset: number;

  constructor(code: string, message: string, offset = -1) {
    super(code, message);
    this.offset = offset;
  }
}

/** Quotes a user-supplied value for an error message, shortening huge ones. */
export function quote(value: unknown): string {
  let s: string;
  if (typeof value === 'string') s = value;
  else if (value === null) return 'null';
  else if (Array.isArray(value)) return 'an array';
  else if (typeof value === 'object') return 'an object';
  else s = String(value);
  const shown = s.length > 64 ? `${s.slice(0, 64)}…(${s.length} chars)` : s;
  return typeof value === 'string' ? JSON.stringify(shown) : shown;
}
