/**
 * Builds a RowBinary body (the format ClickHouse parses fastest, and one 18.16 knows): numbers
 * little-endian, strings and arrays prefixed by a LEB128 length.
 */
export class RowBinaryWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initial = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** UInt8. */
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /** UInt16. */
  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
  }

  /** UInt32. */
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.pos);
    this.pos += 4;
  }

  /** UInt64 from a safe integer (timestamps, durations). */
  u64n(v: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(v % 0x1_0000_0000, this.pos);
    this.buf.writeUInt32LE(Math.floor(v / 0x1_0000_0000), this.pos + 4);
    this.pos += 8;
  }

  /** UInt64 from 16 lower-hex chars (ids), written without going through BigInt. */
  u64hex(hex: string): void {
    this.ensure(8);
    this.buf.writeUInt32LE(parseInt(hex.slice(8, 16), 16), this.pos);
    this.buf.writeUInt32LE(parseInt(hex.slice(0, 8), 16), this.pos + 4);
    this.pos += 8;
  }

  /** An unsigned LEB128 length. */
  varint(n: number): void {
    this.ensure(5);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
  }

  /** String (UTF-8). */
  string(s: string): void {
    if (s.length === 0) {
      this.u8(0);
      return;
    }
    const max = s.length * 3;
    this.ensure(max + 5);
    // Short ASCII strings (names, addresses, tag keys) are copied char by char: cheaper than a UTF-8 encoder call.
    if (s.length < 0x80) {
      const start = this.pos + 1;
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        this.buf[start + i] = c;
      }
      if (i === s.length) {
        this.buf[this.pos] = i;
        this.pos = start + i;
        return;
      }
    }
    // Write the bytes after room for the longest length prefix, then move them if it is shorter.
    if (max < 0x80) {
      const n = this.buf.write(s, this.pos + 1, 'utf8');
      this.buf[this.pos] = n;
      this.pos += 1 + n;
      return;
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.varint(bytes);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** The bytes written so far. */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
