import type { Span } from '@skein/model';
import type { SpanCodec } from '../span-codec.js';
import { toV1 } from '../zipkin-json-v1/from-v2.js';
import { readV1Span } from '../zipkin-json-v1/read.js';
import { V1ToV2 } from '../zipkin-json-v1/to-v2.js';
import type { V1Span } from '../zipkin-json-v1/v1-span.js';
import { readThriftList, type ThriftV1Span } from './read.js';
import { writeThriftList } from './write.js';

function decodeThrift(body: Uint8Array): Span[] {
  const raw = readThriftList(body);
  // The thrift structs are read into the JSON v1 shape, so they share JSON v1's validation and
  // Zipkin's v1 -> v2 conversion (one v1 span shared by client and server becomes two).
  const converter = new V1ToV2();
  const out: Span[] = [];
  for (let i = 0; i < raw.length; i++) converter.convert(readV1Span(raw[i], i), out);
  return out;
}

function toThrift(v1: V1Span): ThriftV1Span {
  const s: ThriftV1Span = {
    traceId: v1.traceId,
    id: v1.id,
    annotations: v1.annotations,
    binaryAnnotations: v1.binaryAnnotations.map((b) => {
      const ba: ThriftV1Span['binaryAnnotations'][number] = { key: b.key, value: b.value ?? true };
      if (b.endpoint !== undefined) ba.endpoint = b.endpoint;
      return ba;
    }),
  };
  if (v1.parentId !== undefined) s.parentId = v1.parentId;
  if (v1.name !== undefined) s.name = v1.name;
  if (v1.timestamp > 0) s.timestamp = v1.timestamp;
  if (v1.duration > 0) s.duration = v1.duration;
  if (v1.debug) s.debug = true;
  return s;
}

/**
 * Zipkin's legacy Thrift format: a TBinaryProtocol list<Span> of zipkinCore.thrift
 * (`POST /api/v1/spans` with `application/x-thrift`, and Zipkin's message transports).
 * decode converts v1 to v2 as Zipkin's V1SpanConverter does; encode converts back (v2 -> v1).
 */
export const ZIPKIN_THRIFT: SpanCodec = {
  name: 'zipkin-thrift',
  contentType: 'application/x-thrift',
  decode: decodeThrift,
  encode(spans: readonly Span[]): Uint8Array {
    return writeThriftList(spans.map((s) => toThrift(toV1(s))));
  },
};
