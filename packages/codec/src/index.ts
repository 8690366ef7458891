export type { SpanCodec } from './span-codec.js';
export { ZIPKIN_JSON_V2 } from './zipkin-json-v2/index.js';
export { detectFormat } from './detect.js';
export type { DetectedFormat } from './detect.js';
