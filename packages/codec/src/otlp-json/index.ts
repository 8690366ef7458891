import type { Span } from '@skein/model';
import type { SpanCodec } from '../span-codec.js';
import { fromSkeinSpans } from '../internal/otlp/from-skein.js';
import { toSkeinSpans } from '../internal/otlp/to-skein.js';
import { readExportRequestJson } from './read.js';
import { writeExportRequestJson } from './write.js';

/** OTLP/JSON ExportTraceServiceRequest (OTLP/HTTP `application/json`); mapping in MAPPING.md. */
export const OTLP_JSON: SpanCodec = {
  name: 'otlp-json',
  contentType: 'application/json',
  decode(body: Uint8Array): Span[] {
    return toSkeinSpans(readExportRequestJson(body));
  },
  encode(spans: readonly Span[]): Uint8Array {
    return writeExportRequestJson(fromSkeinSpans(spans));
  },
};
