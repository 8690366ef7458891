import { normalizeSpan, SpanValidationError, type ErrorCode, type Span } from '@skein/model';
import type { SpanCodec } from '../span-codec.js';
import { readListOfSpans, type RawSpan } from './read.js';
import { writeListOfSpans } from './write.js';

/** zipkin.proto: trace_id is 8 or 16 bytes, id and parent_id 8; anything else is a client bug. */
function checkIdBytes(raw: RawSpan, index: number): void {
  const check = (v: unknown, field: string, code: ErrorCode, allowed: readonly number[]): void => {
    if (typeof v !== 'string' || allowed.includes(v.length)) return;
    const want = allowed.map((n) => n / 2).join(' or ');
    throw new SpanValidationError(code, index, field, `${field} must be ${want} bytes, got ${v.length / 2}`);
  };
  check(raw.traceId, 'traceId', 'SPAN_INVALID_TRACE_ID', [16, 32]);
  check(raw.id, 'id', 'SPAN_INVALID_ID', [16]);
  check(raw.parentId, 'parentId', 'SPAN_INVALID_PARENT_ID', [16]);
}

/** Zipkin proto3 `ListOfSpans` (zipkin.proto), as POSTed with `application/x-protobuf`. */
export const ZIPKIN_PROTO3: SpanCodec = {
  name: 'zipkin-proto3',
  contentType: 'application/x-protobuf',
  decode(body: Uint8Array): Span[] {
    const raw = readListOfSpans(body);
    const out: Span[] = new Array<Span>(raw.length);
    for (let i = 0; i < raw.length; i++) {
      checkIdBytes(raw[i]!, i);
      out[i] = normalizeSpan(raw[i], i);
    }
    return out;
  },
  encode(spans: readonly Span[]): Uint8Array {
    return writeListOfSpans(spans);
  },
};
