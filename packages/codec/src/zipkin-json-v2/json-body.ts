import { CodecError } from '@skein/model';
import { jsonErrorIndex } from './json-error-offset.js';

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

function byteOffset(text: string, charPos: number): number {
  return utf8Encoder.encode(text.slice(0, charPos)).length;
}

function malformed(text: string, err: unknown): CodecError {
  const detail = err instanceof Error ? err.message : String(err);
  const m = /at position (\d+)/.exec(detail);
  let offset = -1;
  const at = m?.[1] !== undefined ? Number(m[1]) : jsonErrorIndex(text);
  if (at >= 0) offset = byteOffset(text, at);
  // V8 quotes the whole input in some messages; keep only its first words.
  const reason = detail.replace(/, ".*" is not valid JSON$/s, '').slice(0, 120);
  const where = offset >= 0 ? ` at byte ${offset}` : '';
  return new CodecError('JSON_MALFORMED', `the body is not valid JSON${where}: ${reason}`, offset);
}

/**
 * Decodes a UTF-8 JSON body. An empty (or all-whitespace) body reads as an empty list, as
 * Zipkin's collector accepts it. Malformed JSON throws CodecError JSON_MALFORMED with the byte offset.
 */
export function parseJsonBody(body: Uint8Array): unknown {
  if (body.length === 0) return [];
  const text = utf8.decode(body);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (text.trim() === '') return [];
    throw malformed(text, err);
  }
}

/** Encodes a string as UTF-8 bytes. */
export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}
