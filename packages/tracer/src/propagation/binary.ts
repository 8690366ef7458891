import { padTraceId32 } from '../ids.js';
import { FLAG_DEBUG, FLAG_DECIDED, FLAG_SAMPLED, type SkeinSpanContext } from '../span-context.js';
import type { WireIds } from './ids-wire.js';
import { extractBaggage, injectBaggage } from './w3c.js';

// Layout (the OpenCensus/W3C binary trace context, plus one field for baggage):
// [0x00 version][0x00][16 bytes trace id][0x01][8 bytes span id][0x02][1 byte flags]
// then optionally [0x03][2 bytes big-endian length][W3C baggage header, UTF-8].
const BASE_LEN = 29;

function hex(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('hex');
}

/** Encodes a context for FORMAT_BINARY. Bit 0 of the flags byte is sampled, bit 1 debug, bit 2 "decided". */
export function encodeBinary(ctx: SkeinSpanContext): Uint8Array {
  let baggage = '';
  if (ctx.baggage !== undefined) injectBaggage(ctx.baggage, (_k, v) => (baggage = v));
  const bag = Buffer.from(baggage, 'utf8');
  const out = Buffer.alloc(BASE_LEN + (bag.length > 0 ? 3 + bag.length : 0));
  out[0] = 0;
  out[1] = 0;
  out.write(padTraceId32(ctx.traceId), 2, 'hex');
  out[18] = 1;
  out.write(ctx.spanId, 19, 'hex');
  out[27] = 2;
  out[28] = (ctx.flags & FLAG_SAMPLED ? 1 : 0) | (ctx.flags & FLAG_DEBUG ? 2 : 0) | (ctx.flags & FLAG_DECIDED ? 4 : 0);
  if (bag.length > 0) {
    out[29] = 3;
    out.writeUInt16BE(bag.length, 30);
    bag.copy(out, 32);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

function toBytes(buffer: unknown): Uint8Array | undefined {
  if (buffer instanceof Uint8Array) return buffer;
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  if (Array.isArray(buffer) && buffer.every((b) => typeof b === 'number')) return Uint8Array.from(buffer as number[]);
  return undefined;
}

/** Decodes FORMAT_BINARY bytes; anything malformed gives null. */
export function decodeBinary(buffer: unknown, baggageOut: Record<string, string>): WireIds | null {
  const b = toBytes(buffer);
  if (b === undefined || b.length < BASE_LEN || b[0] !== 0 || b[1] !== 0 || b[18] !== 1 || b[27] !== 2) return null;
  let traceId = hex(b, 2, 18);
  if (traceId.startsWith('0000000000000000')) traceId = traceId.substring(16);
  const spanId = hex(b, 19, 27);
  if (/^0+$/.test(traceId) || spanId === '0000000000000000') return null;
  const f = b[28] ?? 0;
  let flags = f & 4 ? FLAG_DECIDED : 0;
  if (f & 1) flags |= FLAG_SAMPLED;
  if (f & 2) flags |= FLAG_SAMPLED | FLAG_DEBUG | FLAG_DECIDED;
  if (b.length >= BASE_LEN + 3 && b[29] === 3) {
    const len = ((b[30] ?? 0) << 8) | (b[31] ?? 0);
    if (32 + len <= b.length) {
      extractBaggage(Buffer.from(b.buffer, b.byteOffset + 32, len).toString('utf8'), baggageOut);
    }
  }
  return { traceId, spanId, parentId: undefined, flags };
}
