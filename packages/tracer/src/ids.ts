import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let hexPool = '';
let offset = POOL_BYTES * 2;

/** Hex chars of random bytes: one randomFillSync per 4 KiB, ids are slices of one hex string. */
function randomHex(chars: number): string {
  if (offset + chars > POOL_BYTES * 2) {
    randomFillSync(pool);
    hexPool = pool.toString('hex');
    offset = 0;
  }
  const id = hexPool.substring(offset, offset + chars);
  offset += chars;
  return id;
}

const ZERO16 = '0000000000000000';

/** A random 64-bit id as 16 lower-hex chars, never all zeros. */
export function randomId64(): string {
  let id = randomHex(16);
  while (id === ZERO16) id = randomHex(16);
  return id;
}

/** A random trace id: 32 lower-hex chars when `wide`, else 16; never all zeros. */
export function randomTraceId(wide: boolean): string {
  if (!wide) return randomId64();
  let id = randomHex(32);
  while (id.substring(16) === ZERO16) id = randomHex(32);
  return id;
}

/** True when s[from..to) is all lower-hex (a hand loop: several times faster than a RegExp here). */
export function isLowerHex(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** True for a valid 64-bit span id: 16 lower-hex chars, not all zeros. */
export function isSpanId(s: string): boolean {
  return s.length === 16 && isLowerHex(s, 0, 16) && s !== ZERO16;
}

/**
 * Normalizes a trace id from the wire: 16 or 32 lower-hex chars, not all zeros.
 * A 32-char id whose high half is zeros becomes its 16-char low half (as Zipkin does).
 * Returns undefined for anything else.
 */
export function normalizeWireTraceId(s: string): string | undefined {
  if ((s.length !== 16 && s.length !== 32) || !isLowerHex(s, 0, s.length)) return undefined;
  if (s.length === 32 && s.startsWith(ZERO16)) s = s.substring(16);
  if (s === ZERO16) return undefined;
  return s;
}

/** Left-pads a trace id to 32 chars (for W3C and 128-bit binary formats). */
export function padTraceId32(traceId: string): string {
  return traceId.length === 32 ? traceId : ZERO16 + traceId;
}
