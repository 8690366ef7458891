/** A list-of-spans wire format that a message's bytes can be recognized as. */
export type DetectedFormat = 'zipkin-json-v2' | 'zipkin-json-v1' | 'zipkin-proto3' | 'zipkin-thrift';

const ENDPOINT_SUFFIX = Buffer.from('Endpoint"');
const TAGS_FIELD = Buffer.from('"tags"');
const KIND_FIELD = Buffer.from('"kind"');

/**
 * Guesses the format of a list of spans from its bytes, as Zipkin's SpanBytesDecoderDetector does
 * for transports without a content type (RabbitMQ, Kafka): JSON starts with '[' and is v2 when it
 * has a "localEndpoint"/"remoteEndpoint" (any `Endpoint"` suffix), "tags" or "kind" field, else v1;
 * proto3 starts with field 1 / wire type 2 (0x0a) followed by a non-zero length; a thrift list
 * starts with its element type STRUCT (12) (or STRING (11), which an old reporter wrote).
 * Returns undefined when the bytes look like none of them (including empty input).
 */
export function detectFormat(bytes: Uint8Array): DetectedFormat | undefined {
  // 0x0a is both proto3's first key and a JSON newline: JSON only if it is a whole '[...]'.
  if (bytes[0] === 0x0a && !looksLikeJsonList(bytes)) return bytes.length > 1 && bytes[1] !== 0 ? 'zipkin-proto3' : undefined;
  let i = 0;
  // JSON may start with whitespace (or a UTF-8 BOM) before '['.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && isSpace(bytes[i])) i++;
  const first = bytes[i];
  if (first === undefined) return undefined;
  if (first === 0x5b /* [ */) {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.includes(ENDPOINT_SUFFIX) || buf.includes(TAGS_FIELD) || buf.includes(KIND_FIELD)) return 'zipkin-json-v2';
    return 'zipkin-json-v1';
  }
  if (i !== 0) return undefined; // binary formats have no leading whitespace
  if (first === 12 || first === 11) return 'zipkin-thrift';
  return undefined;
}

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

function looksLikeJsonList(bytes: Uint8Array): boolean {
  let i = 0;
  let j = bytes.length - 1;
  while (i <= j && isSpace(bytes[i])) i++;
  while (j >= i && isSpace(bytes[j])) j--;
  return i < j && bytes[i] === 0x5b && bytes[j] === 0x5d;
}
