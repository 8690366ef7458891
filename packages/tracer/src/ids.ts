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

const HEX_RE16 = /^[0-9a-f]{16}$/;
const HEX_RE_TRACE = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;

/** True for a valid 64-bit span id: 16 lower-hex chars, not all zeros. */
export function isSpanId(s: string): boolean {
  return s.length === 16 && HEX_RE16.test(s) && s !== ZERO16;
}

/**
 * Normalizes a trace id from the wire: 16 or 32 lower-hex chars, not all zeros.
 * A 32-char id whose high half is zeros becomes its 16-char low half (as Zipkin does).
 * Returns undefined for anything else.
 */
export function normalizeWireTraceId(s: string): string | undefined {
  if (!HEX_RE_TRACE.test(s)) return undefined;
  if (s.length === 32 && s.startsWith(ZERO16)) s = s.substring(16);
  if (s.length === 16 && s === ZERO16) return undefined;
  if (s.length === 32 && s === ZERO16 + ZERO16) return undefined;
  return s;
}

/** Left-pads a trace id to 32 chars (for W3C and 128-bit binary formats). */
export function padTraceId32(traceId: string): string {
  return traceId.length === 32 ? traceId : ZERO16 + traceId;
}
