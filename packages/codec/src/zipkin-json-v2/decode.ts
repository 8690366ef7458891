import { normalizeSpans } from '@skein/model';
import type { Span } from '@skein/model';
import { parseJsonBody } from './json-body.js';

/** Decodes a Zipkin JSON v2 list of spans into normalized spans. */
export function decodeJsonV2(body: Uint8Array): Span[] {
  return normalizeSpans(parseJsonBody(body));
}
