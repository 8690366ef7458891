import type { Span } from '@skein/model';
import type { SpanCodec } from '../span-codec.js';
import { fromSkeinSpans } from '../internal/otlp/from-skein.js';
import { toSkeinSpans } from '../internal/otlp/to-skein.js';
import { readExportRequest } from './read.js';
import { writeExportRequest } from './write.js';

/** OTLP/protobuf ExportTraceServiceRequest (OTLP/HTTP `application/x-protobuf`, gRPC Export). */
export const OTLP_PROTO: SpanCodec = {
  name: 'otlp-proto',
  contentType: 'application/x-protobuf',
  decode(body: Uint8Array): Span[] {
    return toSkeinSpans(readExportRequest(body), true);
  },
  encode(spans: readonly Span[]): Uint8Array {
    return writeExportRequest(fromSkeinSpans(spans));
  },
};
