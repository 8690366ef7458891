import { isRecord, micros, normalizeEndpoint, SpanValidationError, typeError, typeName, wholeNumber } from '@skein/model';
import { v1ParentId, v1SpanId, v1TraceId } from './ids.js';
import { compareV1Annotations, compareV1BinaryAnnotations } from './v1-span.js';
import type { V1Annotation, V1BinaryAnnotation, V1Span } from './v1-span.js';

function readId(v: unknown, index: number, field: 'traceId' | 'id'): string {
  if (typeof v === 'string') return field === 'id' ? v1SpanId(v, index) : v1TraceId(v, index);
  if (v === undefined || v === null) {
    throw new SpanValidationError(field === 'id' ? 'SPAN_MISSING_ID' : 'SPAN_MISSING_TRACE_ID', index, field, `${field} is missing`);
  }
  throw typeError(index, field, 'a lower-hex string', v);
}

function readAnnotations(v: unknown, index: number): V1Annotation[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw typeError(index, 'annotations', 'an array', v);
  const out: V1Annotation[] = [];
  for (let i = 0; i < v.length; i++) {
    const a: unknown = v[i];
    const field = `annotations[${i}]`;
    if (!isRecord(a)) throw new SpanValidationError('SPAN_INVALID_ANNOTATION', index, field, `${field} must be an object, not ${typeName(a)}`);
    const value = a.value;
    if (typeof value !== 'string') {
      throw new SpanValidationError('SPAN_INVALID_ANNOTATION', index, `${field}.value`,
        `${field}.value ${value == null ? 'is missing' : `must be a string, not ${typeName(value)}`}`);
    }
    if (a.timestamp === undefined || a.timestamp === null) {
      throw new SpanValidationError('SPAN_INVALID_ANNOTATION', index, `${field}.timestamp`, `${field}.timestamp is missing`);
    }
    const ann: V1Annotation = { timestamp: wholeNumber(a.timestamp, index, `${field}.timestamp`), value };
    const endpoint = normalizeEndpoint(a.endpoint, index, `${field}.endpoint`);
    if (endpoint !== undefined) ann.endpoint = endpoint;
    out.push(ann);
  }
  return out.sort(compareV1Annotations);
}

function readBinaryAnnotations(v: unknown, index: number): V1BinaryAnnotation[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw typeError(index, 'binaryAnnotations', 'an array', v);
  const out: V1BinaryAnnotation[] = [];
  for (let i = 0; i < v.length; i++) {
    const b: unknown = v[i];
    const field = `binaryAnnotations[${i}]`;
    if (!isRecord(b)) {
      throw new SpanValidationError('SPAN_INVALID_BINARY_ANNOTATION', index, field, `${field} must be an object, not ${typeName(b)}`);
    }
    const key = b.key;
    if (typeof key !== 'string') {
      throw new SpanValidationError('SPAN_INVALID_BINARY_ANNOTATION', index, `${field}.key`,
        key == null ? `${field}.key is missing` : `${field}.key must be a string, not ${typeName(key)}`);
    }
    const endpoint = normalizeEndpoint(b.endpoint, index, `${field}.endpoint`);
    const value = b.value;
    // As Zipkin's reader: string values become tags; `true` on ca/sa/ma is an address;
    // numbers, other booleans and typed (base64) values are dropped.
    if (typeof value === 'string') {
      const ba: V1BinaryAnnotation = { key, value };
      if (endpoint !== undefined) ba.endpoint = endpoint;
      out.push(ba);
    } else if (value === true && endpoint !== undefined && (key === 'ca' || key === 'sa' || key === 'ma')) {
      out.push({ key, endpoint });
    }
  }
  return out.sort(compareV1BinaryAnnotations);
}

/** Validates one untrusted v1 JSON span; errors name `index`. */
export function readV1Span(input: unknown, index: number): V1Span {
  if (!isRecord(input)) {
    throw new SpanValidationError('SPAN_NOT_OBJECT', index, '', `a span must be an object, not ${typeName(input)}`);
  }
  const span: V1Span = {
    traceId: readId(input.traceId, index, 'traceId'),
    id: readId(input.id, index, 'id'),
    timestamp: micros(input.timestamp, index, 'timestamp'),
    duration: micros(input.duration, index, 'duration'),
    annotations: readAnnotations(input.annotations, index),
    binaryAnnotations: readBinaryAnnotations(input.binaryAnnotations, index),
    debug: false,
  };
  const p = input.parentId;
  if (p !== undefined && p !== null) {
    if (typeof p !== 'string') throw typeError(index, 'parentId', 'a lower-hex string', p);
    const parentId = v1ParentId(p, index);
    if (parentId !== undefined) span.parentId = parentId;
  }
  const name = input.name;
  if (name !== undefined && name !== null) {
    if (typeof name !== 'string') throw typeError(index, 'name', 'a string', name);
    if (name.length > 0) span.name = name.toLowerCase();
  }
  const debug = input.debug;
  if (debug !== undefined && debug !== null) {
    if (typeof debug !== 'boolean') throw typeError(index, 'debug', 'true or false', debug);
    span.debug = debug;
  }
  return span;
}
