import { malformed } from './errors.js';

/** TBinaryProtocol type ids. */
export const T_STOP = 0;
export const T_BOOL = 2;
export const T_BYTE = 3;
export const T_DOUBLE = 4;
export const T_I16 = 6;
export const T_I32 = 8;
export const T_I64 = 10;
export const T_STRING = 11;
export const T_STRUCT = 12;
export const T_MAP = 13;
export const T_SET = 14;
export const T_LIST = 15;

/** Smallest encoded size of a value of each type: bounds a container's element count. */
const MIN_SIZE: Record<number, number> = {
  [T_BOOL]: 1,
  [T_BYTE]: 1,
  [T_DOUBLE]: 8,
  [T_I16]: 2,
  [T_I32]: 4,
  [T_I64]: 8,
  [T_STRING]: 4,
  [T_STRUCT]: 1,
  [T_MAP]: 6,
  [T_SET]: 5,
  [T_LIST]: 5,
};

/** Containers and structs may nest; deeper than this is refused (no stack exhaustion). */
const MAX_DEPTH = 64;


/**
 * A bounds-checked TBinaryProtocol (strict big-endian) reader. Every length and element count
 * is checked against the bytes left before use, so a lying header fails fast instead of
 * allocating or looping; unknown field types fail instead of being skipped as zero bytes.
 */
export class ThriftReader {
  readonly buf: Uint8Array;
  readonly format: string;
  pos = 0;
  /** Field id of the last field header read. */
  fieldId = 0;

  constructor(buf: Uint8Array, format: string) {
    this.buf = buf;
    this.format = format;
  }

  /** Throws a malformed-input error pointing at the current byte. */
  fail(detail: string): never {
    return malformed(this.format, `${detail} (at byte ${this.pos})`, this.pos);
  }

  private need(n: number): number {
    const pos = this.pos;
    if (n > this.buf.length - pos) this.fail(`truncated: need ${n} bytes, ${this.buf.length - pos} left`);
    this.pos = pos + n;
    return pos;
  }

  /** Reads a signed byte. */
  byte(): number {
    const p = this.need(1);
    return (this.buf[p]! << 24) >> 24;
  }

  /** Reads a big-endian signed i16. */
  i16(): number {
    const p = this.need(2);
    return (((this.buf[p]! << 8) | this.buf[p + 1]!) << 16) >> 16;
  }

  /** Reads a big-endian signed i32. */
  i32(): number {
    const p = this.need(4);
    const b = this.buf;
    return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  }

  /** Reads 8 bytes; returns their offset (for hex ids) after checking they are there. */
  i64Offset(): number {
    return this.need(8);
  }

  /** Reads a big-endian signed i64 as a number (exact up to 2^53; epoch micros fit). */
  i64(): number {
    const p = this.need(8);
    const b = this.buf;
    const hi = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
    const lo = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
    return hi * 4294967296 + lo;
  }

  /** Reads a length that must be non-negative and fit in the bytes left. */
  private size(what: string, unit: number): number {
    const n = this.i32();
    if (n < 0) this.fail(`negative ${what} ${n}`);
    if (n * unit > this.buf.length - this.pos) this.fail(`${what} ${n} exceeds the ${this.buf.length - this.pos} bytes left`);
    return n;
  }

  /** Reads a binary field as a view into the buffer. */
  binary(): Uint8Array {
    const n = this.size('length', 1);
    const p = this.need(n);
    return this.buf.subarray(p, p + n);
  }

  /** Reads a string field (UTF-8; invalid sequences become U+FFFD). */
  string(): string {
    const b = this.binary();
    return b.length === 0 ? '' : Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');
  }

  /** Reads a field header; returns its type (T_STOP ends the struct) and sets fieldId. */
  fieldBegin(): number {
    const type = this.byte();
    if (type === T_STOP) return T_STOP;
    if (MIN_SIZE[type] === undefined) this.fail(`unknown field type ${type}`);
    this.fieldId = this.i16();
    return type;
  }

  /** Reads a list/set header; returns the element count after checking the element type. */
  listBegin(expected?: number): number {
    const type = this.byte();
    const min = MIN_SIZE[type];
    if (min === undefined) this.fail(`unknown list element type ${type}`);
    if (expected !== undefined && type !== expected) this.fail(`list of type ${type}, expected ${expected}`);
    return this.size('list size', min);
  }

  /** Skips a value of the given type, bounded in depth. */
  skip(type: number, depth = 0): void {
    if (depth > MAX_DEPTH) this.fail(`values nested deeper than ${MAX_DEPTH}`);
    switch (type) {
      case T_BOOL:
      case T_BYTE:
        this.need(1);
        return;
      case T_I16:
        this.need(2);
        return;
      case T_I32:
        this.need(4);
        return;
      case T_DOUBLE:
      case T_I64:
        this.need(8);
        return;
      case T_STRING:
        this.binary();
        return;
      case T_STRUCT:
        for (let t = this.fieldBegin(); t !== T_STOP; t = this.fieldBegin()) this.skip(t, depth + 1);
        return;
      case T_MAP: {
        const kt = this.byte();
        const vt = this.byte();
        const kmin = MIN_SIZE[kt];
        const vmin = MIN_SIZE[vt];
        if (kmin === undefined || vmin === undefined) this.fail(`unknown map types ${kt}/${vt}`);
        const n = this.size('map size', kmin + vmin);
        for (let i = 0; i < n; i++) {
          this.skip(kt, depth + 1);
          this.skip(vt, depth + 1);
        }
        return;
      }
      case T_SET:
      case T_LIST: {
        const et = this.buf[this.pos];
        const n = this.listBegin();
        for (let i = 0; i < n; i++) this.skip(et!, depth + 1);
        return;
      }
      default:
        this.fail(`unknown type ${type}`);
    }
  }
}
