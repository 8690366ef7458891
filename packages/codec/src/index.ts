export type { SpanCodec } from './span-codec.js';
export { detectFormat } from './detect.js';
export type { DetectedFormat } from './detect.js';
