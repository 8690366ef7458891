// Writes packed spans' text (see SpanPacker.pack) as bytes, read back as one string.

const QUOTE = 0x22;
const MINUS = 0x2d;

/** A growing byte buffer for one text at a time (a run of packed spans). */
export class PackedWriter {
  private out: Buffer = Buffer.allocUnsafe(65_536);
  private o = 0;
  /** False once chars past ASCII were written (then the text is read back as UTF-8). */
  private ascii = true;

  /** Starts a new text. */
  start(): void {
    this.o = 0;
    this.ascii = true;
    this.room(256);
  }

  /** The text written since start(). */
  text(): string {
    return this.out.toString(this.ascii ? 'latin1' : 'utf8', 0, this.o);
  }

  private room(n: number): void {
    if (this.o + n <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.o + n));
    this.out.copy(bigger, 0, 0, this.o);
    this.out = bigger;
  }

  /** One ASCII char. */
  raw(c: number): void {
    if (this.o >= this.out.length) this.room(1);
    this.out[this.o++] = c;
  }

  /** Bytes [start, end) of b (ASCII) in quotes. */
  quoted(b: Uint8Array, start: number, end: number): void {
    this.room(end - start + 2);
    const out = this.out;
    out[this.o++] = QUOTE;
    for (let i = start; i < end; i++) out[this.o++] = b[i] as number;
    out[this.o++] = QUOTE;
  }

  /** A whole number's decimal digits, as String(v) writes them. */
  number(v: number): void {
    this.room(24);
    const out = this.out;
    if (v < 0) {
      out[this.o++] = MINUS;
      v = -v;
    }
    if (v < 10) {
      out[this.o++] = 0x30 + v;
      return;
    }
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    let o = (this.o += digits);
    while (v >= 10) {
      const q = Math.floor(v / 10);
      out[--o] = 0x30 + (v - q * 10);
      v = q;
    }
    out[--o] = 0x30 + v;
  }

  /** An interned id (0: absent), JSON text, or -start: b's plain string starting there, quoted. */
  ref(v: number | string, b: Uint8Array): void {
    if (typeof v === 'string') this.jsonText(v);
    else if (v >= 0) this.number(v);
    else {
      const start = -v;
      let end = start;
      while (b[end] !== QUOTE) end++;
      this.quoted(b, start, end);
    }
  }

  /** JSON text, which may hold chars past ASCII. */
  jsonText(s: string): void {
    this.room(s.length * 3);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.ascii = false;
        this.o += this.out.write(s.slice(i), this.o, 'utf8');
        return;
      }
      this.out[this.o++] = c;
    }
  }
}
