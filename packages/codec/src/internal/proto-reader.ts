import { malformed } from './errors.js';

/** Protobuf wire types. Groups (3, 4) are proto2-only and rejected. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const FIXED32 = 5;

/**
 * Buffer's native decoders, which Buffer.toString dispatches to after checking its arguments and
 * looking up the encoding: called directly they cost a fifth less per string, on the hot path of
 * every protobuf decode. Bounds are checked by the reader before they are called.
 */
type SlicingBuffer = Buffer & {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
};

/** Longest string the short-string cache holds (bytes). */
const CACHED_MAX = 32;
/**
 * Recently decoded short ASCII strings by a hash of their bytes. Attribute keys, span names and
 * common values repeat in every message: a hit costs a byte comparison instead of a native call
 * and a new string, and the same string object keeps its hash (and, as a property key, its
 * internalized form) from message to message.
 */
const cache: (string | undefined)[] = new Array<string | undefined>(4096).fill(undefined);

/**
 * A bounds-checked protobuf wire reader over one buffer. Every read checks the bytes left, so a
 * truncated or lying message throws instead of reading past the end; lengths are checked before
 * anything is sliced or allocated. 64-bit values land in `lo`/`hi` (unsigned 32-bit halves).
 */
export class ProtoReader {
  readonly buf: Uint8Array;
  /** The same bytes as a Buffer, for its native UTF-8 and hex decoding. */
  readonly buffer: SlicingBuffer;
  readonly format: string;
  pos = 0;
  /** Low 32 bits (unsigned) of the last 64-bit value read. */
  lo = 0;
  /** High 32 bits (unsigned) of the last 64-bit value read. */
  hi = 0;
  private view: DataView | undefined;

  constructor(buf: Uint8Array, format: string) {
    this.buf = buf;
    this.buffer = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength) as SlicingBuffer;
    this.format = format;
  }

  /** Throws a malformed-input error pointing at the current byte. */
  fail(detail: string): never {
    return malformed(this.format, `${detail} (at byte ${this.pos})`, this.pos);
  }

  /** Reads a field key; returns it as (field << 3 | wireType) and rejects field number 0. */
  tag(): number {
    const t = this.uint32();
    if (t >>> 3 === 0) this.fail('invalid field number 0');
    return t;
  }

  /** Reads a varint and returns its low 32 bits as an unsigned number. */
  uint32(): number {
    const buf = this.buf;
    const pos = this.pos;
    if (pos < buf.length) {
      const b = buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    this.varint64();
    return this.lo;
  }

  /** Reads a varint of up to 10 bytes into lo/hi. */
  varint64(): void {
    const buf = this.buf;
    const len = buf.length;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= len) this.fail('truncated varint');
      b = buf[pos++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) return this.done64(pos, lo, 0);
    }
    if (pos >= len) this.fail('truncated varint');
    b = buf[pos++]!;
    lo |= (b & 0x7f) << 28;
    hi = (b & 0x7f) >>> 4;
    if (b < 0x80) return this.done64(pos, lo, hi);
    for (let shift = 3; shift < 32; shift += 7) {
      if (pos >= len) this.fail('truncated varint');
      b = buf[pos++]!;
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) return this.done64(pos, lo, hi);
    }
    this.pos = pos;
    this.fail('varint longer than 10 bytes');
  }

  private done64(pos: number, lo: number, hi: number): void {
    this.pos = pos;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** Reads an unsigned varint as a JS number (exact up to 2^53). */
  uint64(): number {
    this.varint64();
    return this.hi * 4294967296 + this.lo;
  }

  /** Reads a varint as a signed int64 (two's complement) number or, beyond 2^53, a bigint. */
  int64(): number | bigint {
    this.varint64();
    return int64Of(this.lo, this.hi);
  }

  /** Reads 8 little-endian bytes into lo/hi. */
  fixed64(): void {
    const pos = this.need(8);
    const buf = this.buf;
    this.lo = (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
    this.hi = (buf[pos + 4]! | (buf[pos + 5]! << 8) | (buf[pos + 6]! << 16) | (buf[pos + 7]! << 24)) >>> 0;
    this.pos = pos + 8;
  }

  /** Reads 4 little-endian bytes as an unsigned number. */
  fixed32(): number {
    const pos = this.need(4);
    const buf = this.buf;
    this.pos = pos + 4;
    return (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
  }

  /** Reads an IEEE-754 little-endian double. */
  double(): number {
    const pos = this.need(8);
    this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  /** Reads a length prefix and checks that many bytes are left; returns the length. */
  length(): number {
    const buf = this.buf;
    let len: number;
    const b = this.pos < buf.length ? buf[this.pos]! : 0x80;
    if (b < 0x80) {
      this.pos++;
      len = b;
    } else {
      this.varint64();
      if (this.hi !== 0) this.fail('length prefix over 4 GiB');
      len = this.lo;
    }
    if (len > buf.length - this.pos) this.fail(`length ${len} exceeds the ${buf.length - this.pos} bytes left`);
    return len;
  }

  /** Reads a length-delimited field and returns its end position (the caller reads up to it). */
  message(): number {
    const len = this.length();
    return this.pos + len;
  }

  /** Reads length-delimited bytes as a view into the buffer (no copy). */
  bytes(): Uint8Array {
    const len = this.length();
    const start = this.pos;
    this.pos = start + len;
    return this.buf.subarray(start, start + len);
  }

  /** Reads a length-delimited UTF-8 string (invalid sequences become U+FFFD). */
  string(): string {
    const len = this.length();
    const start = this.pos;
    this.pos = start + len;
    if (len === 0) return '';
    if (len > CACHED_MAX) return this.buffer.utf8Slice(start, start + len);
    const buf = this.buf;
    const end = start + len;
    let h = len;
    let bits = 0;
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      bits |= b;
      h = Math.imul(h ^ b, 0x01000193);
    }
    if (bits >= 0x80) return this.buffer.utf8Slice(start, end);
    const slot = (h ^ (h >>> 15)) & 4095;
    const c = cache[slot];
    if (c !== undefined && c.length === len) {
      let i = 0;
      while (i < len && c.charCodeAt(i) === buf[start + i]) i++;
      if (i === len) return c;
    }
    const s = this.buffer.latin1Slice(start, end); // ASCII: the same text, without UTF-8 decoding
    cache[slot] = s;
    return s;
  }

  /** Reads length-delimited bytes as lower-hex ('' when empty). */
  hex(): string {
    const len = this.length();
    const start = this.pos;
    this.pos = start + len;
    return len === 0 ? '' : this.buffer.hexSlice(start, start + len);
  }

  /** Reads a varint as a boolean. */
  bool(): boolean {
    this.varint64();
    return this.lo !== 0 || this.hi !== 0;
  }

  /** Skips the value of a field of the given wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.varint64();
        return;
      case FIXED64:
        this.pos = this.need(8) + 8;
        return;
      case LEN:
        this.pos += this.length();
        return;
      case FIXED32:
        this.pos = this.need(4) + 4;
        return;
      case 3:
      case 4:
        this.fail('groups (wire type 3/4) are not supported');
        break;
      default:
        this.fail(`invalid wire type ${wireType}`);
    }
  }

  /** Checks that the current message ended exactly at `end` (a field did not run past it). */
  end(end: number, what: string): void {
    if (this.pos !== end) this.fail(`a field of ${what} runs past the end of its message`);
  }

  /** Fails when a known field arrives with the wrong wire type. */
  wrongType(tag: number, what: string): never {
    return this.fail(`field ${tag >>> 3} of ${what} has wrong wire type ${tag & 7}`);
  }

  private need(n: number): number {
    const pos = this.pos;
    if (pos + n > this.buf.length) this.fail(`truncated: need ${n} bytes, ${this.buf.length - pos} left`);
    return pos;
  }
}

/** Interprets lo/hi as a signed 64-bit integer: a number when exact, else a bigint. */
function int64Of(lo: number, hi: number): number | bigint {
  if (hi & 0x80000000) {
    // negative: two's complement
    const nlo = (~lo + 1) >>> 0;
    const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
    if (nhi < 0x200000) return -(nhi * 4294967296 + nlo);
    return -((BigInt(nhi) << 32n) | BigInt(nlo));
  }
  if (hi < 0x200000) return hi * 4294967296 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Whole microseconds of an unsigned 64-bit nanosecond count, exactly (a double alone would lose
 * the low digits of today's epoch nanos). 2^32 = 4294967 * 1000 + 296.
 */
export function microsOf(lo: number, hi: number): number {
  return hi * 4294967 + Math.floor((hi * 296 + lo) / 1000);
}

/** The nanoseconds left over after microsOf(lo, hi), 0..999. */
export function nanosRemOf(lo: number, hi: number): number {
  const r = hi * 296 + lo;
  return r - Math.floor(r / 1000) * 1000;
}
