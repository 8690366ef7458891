import { normalizeAnnotations } from './annotations.js';
import { normalizeEndpoint } from './endpoint.js';
import { quote, SpanValidationError } from './errors.js';
import { isRecord, micros, typeError, typeName } from './fields.js';
import { normalizeParentId, normalizeSpanId, normalizeTraceId } from './ids.js';
import type { Span, SpanKind } from './span.js';
import { normalizeTags } from './tags.js';

function requiredId(v: unknown, index: number, field: 'traceId' | 'id'): string {
  if (typeof v === 'string') return field === 'id' ? normalizeSpanId(v, index) : normalizeTraceId(v, index);
  if (v === undefined || v === null) {
    const code = field === 'id' ? 'SPAN_MISSING_ID' : 'SPAN_MISSING_TRACE_ID';
    throw new SpanValidationError(code, index, field, `${field} is missing`);
  }
  throw typeError(index, field, 'a lower-hex string', v);
}

function kindOf(v: unknown, index: number): SpanKind {
  if (v === 'CLIENT' || v === 'SERVER' || v === 'PRODUCER' || v === 'CONSUMER') return v;
  if (typeof v !== 'string') throw typeError(index, 'kind', 'a string', v);
  throw new SpanValidationError('SPAN_INVALID_KIND', index, 'kind',
    `kind ${quote(v)} is not one of CLIENT, SERVER, PRODUCER, CONSUMER`);
}

function flag(v: unknown, index: number, field: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw typeError(index, field, 'true or false', v);
  return v;
}

/**
 * Validates an untrusted object in Zipkin v2 JSON shape and returns the span exactly as
 * Zipkin's server stores it. Null fields count as absent; unknown fields are ignored.
 * Throws SpanValidationError naming `index` and the rule broken. The returned span may share
 * its tags object with the input.
 */
export function normalizeSpan(input: unknown, index: number): Span {
  if (!isRecord(input)) {
    throw new SpanValidationError('SPAN_NOT_OBJECT', index, '', `a span must be an object, not ${typeName(input)}`);
  }
  const traceId = requiredId(input.traceId, index, 'traceId');
  const id = requiredId(input.id, index, 'id');
  const span: Span = { traceId, id };
  const p = input.parentId;
  if (p !== undefined && p !== null) {
    if (typeof p !== 'string') throw typeError(index, 'parentId', 'a lower-hex string', p);
    const parentId = normalizeParentId(p, index);
    if (parentId !== undefined && parentId !== id) span.parentId = parentId;
  }
  const k = input.kind;
  const kind = k === undefined || k === null ? undefined : kindOf(k, index);
  if (kind !== undefined) span.kind = kind;
  const name = input.name;
  if (name !== undefined && name !== null) {
    if (typeof name !== 'string') throw typeError(index, 'name', 'a string', name);
    if (name.length > 0) span.name = name.toLowerCase();
  }
  const timestamp = micros(input.timestamp, index, 'timestamp');
  if (timestamp > 0) span.timestamp = timestamp;
  const duration = micros(input.duration, index, 'duration');
  if (duration > 0) span.duration = duration;
  const localEndpoint = normalizeEndpoint(input.localEndpoint, index, 'localEndpoint');
  if (localEndpoint !== undefined) span.localEndpoint = localEndpoint;
  const remoteEndpoint = normalizeEndpoint(input.remoteEndpoint, index, 'remoteEndpoint');
  if (remoteEndpoint !== undefined) span.remoteEndpoint = remoteEndpoint;
  const annotations = normalizeAnnotations(input.annotations, index);
  if (annotations !== undefined) span.annotations = annotations;
  const tags = normalizeTags(input.tags, index);
  if (tags !== undefined) span.tags = tags;
  if (flag(input.debug, index, 'debug')) span.debug = true;
  // shared marks the server half of an RPC span; Zipkin drops it when set on the client side.
  if (flag(input.shared, index, 'shared') && kind !== 'CLIENT') span.shared = true;
  return span;
}

/** Validates a list of spans (must be an array) and normalizes each; see normalizeSpan. */
export function normalizeSpans(input: unknown): Span[] {
  if (!Array.isArray(input)) {
    throw new SpanValidationError('SPANS_NOT_ARRAY', -1, '', `expected a list of spans (JSON array), not ${typeName(input)}`);
  }
  const n = input.length;
  const out = new Array<Span>(n);
  for (let i = 0; i < n; i++) out[i] = normalizeSpan(input[i], i);
  return out;
}
