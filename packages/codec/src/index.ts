export type { SpanCodec } from './span-codec.js';
