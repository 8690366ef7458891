import { ProtoWriter } from '../internal/proto-writer.js';

/** How an OTLP/HTTP answer is encoded: as the request was (protobuf or JSON). */
export type OtlpEncoding = 'proto' | 'json';

const utf8 = new TextEncoder();

/**
 * An ExportTraceServiceResponse. With rejectedSpans > 0 or a message it carries
 * `partial_success` (OTLP spec); otherwise it is the empty message (0 bytes / `{}`).
 */
export function exportTraceResponse(encoding: OtlpEncoding, rejectedSpans = 0, errorMessage = ''): Uint8Array {
  const partial = rejectedSpans > 0 || errorMessage !== '';
  if (encoding === 'json') {
    if (!partial) return utf8.encode('{}');
    const p: Record<string, unknown> = {};
    if (rejectedSpans > 0) p.rejectedSpans = String(rejectedSpans);
    if (errorMessage !== '') p.errorMessage = errorMessage;
    return utf8.encode(JSON.stringify({ partialSuccess: p }));
  }
  const w = new ProtoWriter(64);
  if (partial) {
    const m = w.begin(1);
    if (rejectedSpans > 0) {
      w.tag(1, 0);
      w.varint(rejectedSpans);
    }
    if (errorMessage !== '') {
      w.tag(2, 2);
      w.string(errorMessage);
    }
    w.end(m);
  }
  return w.finish().slice();
}

/**
 * A google.rpc.Status (code, message; no details), the body OTLP/HTTP answers errors with.
 * code is a gRPC status code, e.g. 3 INVALID_ARGUMENT for bad input.
 */
export function rpcStatus(encoding: OtlpEncoding, code: number, message: string): Uint8Array {
  if (encoding === 'json') return utf8.encode(JSON.stringify({ code, message }));
  const w = new ProtoWriter(64 + message.length * 3);
  if (code !== 0) {
    w.tag(1, 0);
    w.varint(code);
  }
  if (message !== '') {
    w.tag(2, 2);
    w.string(message);
  }
  return w.finish().slice();
}
