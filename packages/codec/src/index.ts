export type { SpanCodec } from './span-codec.js';
export { ZIPKIN_JSON_V2 } from './zipkin-json-v2/index.js';
export { ZIPKIN_JSON_V1 } from './zipkin-json-v1/index.js';
export { ZIPKIN_PROTO3 } from './zipkin-proto3/index.js';
export { ZIPKIN_THRIFT } from './zipkin-thrift/index.js';
export { OTLP_PROTO } from './otlp-proto/index.js';
export { OTLP_JSON } from './otlp-json/index.js';
export { detectFormat } from './detect.js';
export type { DetectedFormat } from './detect.js';
