import { normalizeSpan, type Span } from '@skein/model';
import type { SpanCodec } from '../span-codec.js';
import { readListOfSpans } from './read.js';
import { writeListOfSpans } from './write.js';

/** Zipkin proto3 `ListOfSpans` (zipkin.proto), as POSTed with `application/x-protobuf`. */
export const ZIPKIN_PROTO3: SpanCodec = {
  name: 'zipkin-proto3',
  contentType: 'application/x-protobuf',
  decode(body: Uint8Array): Span[] {
    const raw = readListOfSpans(body);
    const out: Span[] = new Array<Span>(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = normalizeSpan(raw[i], i);
    return out;
  },
  encode(spans: readonly Span[]): Uint8Array {
    return writeListOfSpans(spans);
  },
};
