import type { Span } from '@skein/model';

/** A wire format for lists of spans. decode() returns normalized spans or throws a CodecError. */
export interface SpanCodec {
  /** Stable name, e.g. "zipkin-json-v2". */
  readonly name: string;
  /** The media type this format is sent with, e.g. "application/json". */
  readonly contentType: string;
  decode(body: Uint8Array): Span[];
  encode(spans: readonly Span[]): Uint8Array;
}
