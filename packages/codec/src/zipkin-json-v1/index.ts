import { isRecord, SpanValidationError, typeName } from '@skein/model';
import type { Span } from '@skein/model';
import type { SpanCodec } from '../span-codec.js';
import { parseJsonBody, utf8Bytes } from '../zipkin-json-v2/json-body.js';
import { toV1 } from './from-v2.js';
import { readV1Span } from './read.js';
import { V1ToV2 } from './to-v2.js';
import { v1SpanView } from './write.js';

function decodeJsonV1(body: Uint8Array): Span[] {
  const input = parseJsonBody(body);
  if (!Array.isArray(input)) {
    const what = isRecord(input) ? 'an object' : typeName(input);
    throw new SpanValidationError('SPANS_NOT_ARRAY', -1, '', `expected a list of spans (JSON array), not ${what}`);
  }
  const converter = new V1ToV2();
  const out: Span[] = [];
  for (let i = 0; i < input.length; i++) converter.convert(readV1Span(input[i], i), out);
  return out;
}

function encodeJsonV1(spans: readonly Span[]): Uint8Array {
  return utf8Bytes(JSON.stringify(spans.map((s) => v1SpanView(toV1(s)))));
}

/**
 * Zipkin's legacy JSON v1 format (`POST /api/v1/spans`): spans with annotations and binary
 * annotations. decode converts to v2 (one v1 span may become two); encode converts back.
 */
export const ZIPKIN_JSON_V1: SpanCodec = {
  name: 'zipkin-json-v1',
  contentType: 'application/json',
  decode: decodeJsonV1,
  encode: encodeJsonV1,
};
