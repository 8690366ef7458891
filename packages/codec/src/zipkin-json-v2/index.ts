import type { SpanCodec } from '../span-codec.js';
import { decodeJsonV2 } from './decode.js';
import { encodeJsonV2 } from './encode.js';

/** Zipkin's JSON v2 format (`POST /api/v2/spans`, application/json): a JSON array of v2 spans. */
export const ZIPKIN_JSON_V2: SpanCodec = {
  name: 'zipkin-json-v2',
  contentType: 'application/json',
  decode: decodeJsonV2,
  encode: encodeJsonV2,
};
