// Reads Zipkin JSON v2 spans from bytes for JsonV2Preparer: each span's fields as byte ranges
// and numbers, checked as strictly as JSON.parse and normalizeSpan would check them, except that
// where those would accept something uncommon (or refuse it), this gives up (throws GIVE_UP).

/** Thrown (never out of JsonV2Preparer.prepare) when a body needs the general path. */
export const GIVE_UP = { giveUp: true };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const KINDS = ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'].map(bytes);
/** Kind codes, as SpanPacker writes them. */
export const CLIENT = 1;
export const SERVER = 2;
export const CONSUMER = 4;

// Span fields, as bits of the set of fields seen.
const F_TRACE_ID = 0, F_ID = 1, F_PARENT_ID = 2, F_KIND = 3, F_NAME = 4, F_TIMESTAMP = 5, F_DURATION = 6;
const F_LOCAL = 7, F_REMOTE = 8, F_ANNOTATIONS = 9, F_TAGS = 10, F_DEBUG = 11;
const FIELD_NAMES = ['traceId', 'id', 'parentId', 'kind', 'name', 'timestamp', 'duration', 'localEndpoint',
  'remoteEndpoint', 'annotations', 'tags', 'debug', 'shared'].map(bytes);
/** Field by its name's length and first byte (no two share both). */
const FIELD_BY_LENGTH: (number | undefined)[][] = [];
FIELD_NAMES.forEach((name, f) => {
  (FIELD_BY_LENGTH[name.length] ??= [])[name[0] as number] = f;
});
const ENDPOINT_FIELDS = ['serviceName', 'ipv4', 'ipv6', 'port'].map(bytes);
const TIMESTAMP = bytes('timestamp');
const VALUE = bytes('value');
const TRUE = bytes('true');
const FALSE = bytes('false');
const NULL = bytes('null');

const utf8 = new TextDecoder();
const EMPTY = Buffer.alloc(0);

/** What a byte is inside a JSON string: ordinary printable ASCII, or something to look at. */
const ORDINARY = 1;
const STRING_CHAR = new Uint8Array(256);
for (let c = 0x20; c < 0x7f; c++) if (c !== QUOTE && c !== BACKSLASH) STRING_CHAR[c] = ORDINARY;
/** 1 for 0-9 and a-f. */
const LOWER_HEX = new Uint8Array(256);
for (const c of '0123456789abcdef') LOWER_HEX[c.charCodeAt(0)] = 1;

/** Whether bytes [start, end) of b are those of bytes (undefined: no). */
export function sameAs(b: Uint8Array, start: number, end: number, bytes: Uint8Array | undefined): boolean {
  if (bytes === undefined || bytes.length !== end - start) return false;
  for (let i = 0; i < bytes.length; i++) if (b[start + i] !== bytes[i]) return false;
  return true;
}

function allZeros(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] !== 48) return false;
  return true;
}

export function sameBytes(b: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
  if (e1 - s1 !== e2 - s2) return false;
  for (let i = 0; i < e1 - s1; i++) if (b[s1 + i] !== b[s2 + i]) return false;
  return true;
}

/** Compares two byte strings as JS compares strings of those (ASCII) chars. */
function compareBytes(b: Uint8Array, s1: number, e1: number, s2: number, e2: number): number {
  const n = Math.min(e1 - s1, e2 - s2);
  for (let i = 0; i < n; i++) {
    const d = (b[s1 + i] as number) - (b[s2 + i] as number);
    if (d !== 0) return d;
  }
  return e1 - s1 - (e2 - s2);
}

/** An object seen before, known by its JSON bytes. */
export interface KnownBytes {
  bytes: Uint8Array;
}

/** Reads the spans of one body after another (see the note above). */
export class JsonSpanReader<E extends KnownBytes> {
  /** The body, as a Buffer too (for making strings of its bytes), and where reading is. */
  b: Uint8Array = EMPTY;
  private buf: Buffer = EMPTY;
  p = 0;
  /** Set by str(): where the string read last ends (its closing quote) and whether it is plain ASCII with no escapes. */
  private strEnd = 0;
  private plain = true;

  // The span read last: byte ranges (start -1 when absent) and values.
  traceS = -1; traceE = 0;
  idS = -1; idE = 0;
  parentS = -1; parentE = 0;
  /** 0 (none) or CLIENT, SERVER, PRODUCER, CONSUMER as 1 to 4. */
  kind = 0;
  nameS = -1; nameE = 0; namePlain = true;
  /** 0 when absent, zero or negative. */
  timestamp = 0;
  duration = 0;
  localS = -1; localE = 0;
  remoteS = -1; remoteE = 0;
  /** The endpoints when they were among `recent`. */
  localKnown: E | undefined;
  remoteKnown: E | undefined;
  debug = false;
  shared = false;
  annCount = 0;
  annTimes: Float64Array = new Float64Array(16);
  /** Per annotation: value start, end, plain (1/0). */
  annRanges: Int32Array = new Int32Array(48);
  tagCount = 0;
  /** Per tag: key start, end, value start, end, plain (1 when both are, 2 when the key only). */
  tagRanges: Int32Array = new Int32Array(160);
  /** Tags in key order, after sortTags(). */
  tagOrder: Int32Array = new Int32Array(32);

  /** @param recent endpoints tried first by their bytes, before reading the object (a server's remote endpoint is not). */
  constructor(private readonly recent: readonly E[]) {}

  /** Starts on a body: false unless it is a non-empty JSON array. */
  begin(body: Uint8Array): boolean {
    this.b = body;
    this.buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.length);
    this.p = 0;
    this.ws();
    if (body[this.p] !== OPEN_BRACKET) return false;
    this.p++;
    this.ws();
    return body[this.p] !== CLOSE_BRACKET;
  }

  /** After a span: true when another follows, false at the end of the body. */
  more(): boolean {
    if (!this.next(CLOSE_BRACKET)) return true;
    this.ws();
    if (this.p !== this.b.length) throw GIVE_UP;
    return false;
  }

  /** Lets go of the body. */
  end(): void {
    this.b = this.buf = EMPTY;
  }

  private ws(): void {
    const b = this.b;
    let c = b[this.p];
    if (c === undefined || c > 0x20) return;
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++this.p];
  }

  /** Expects c (after whitespace) and steps over it. */
  private expect(c: number): void {
    this.ws();
    if (this.b[this.p] !== c) throw GIVE_UP;
    this.p++;
  }

  /** Reads a string; returns where its chars start (see strEnd, plain). */
  private str(): number {
    const b = this.b;
    let p = this.p;
    if (b[p] !== QUOTE) throw GIVE_UP;
    const start = ++p;
    let plain = true;
    for (;;) {
      // One table lookup per ordinary char: branches on each char's value cost more here.
      while (STRING_CHAR[b[p] as number] === ORDINARY) p++;
      const c = b[p];
      if (c === QUOTE) break;
      if (c === undefined || c < 0x20) throw GIVE_UP;
      plain = false;
      p += c === BACKSLASH ? 2 : 1;
    }
    this.strEnd = p;
    this.plain = plain;
    this.p = p + 1;
    return start;
  }

  /** Reads a whole number of at most 16 digits (JSON syntax; no fraction or exponent). */
  private int(): number {
    const b = this.b;
    let p = this.p;
    const negative = b[p] === MINUS;
    if (negative) p++;
    const start = p;
    let c = b[p];
    let v = 0;
    if (c === 0x30) c = b[++p];
    else {
      if (c === undefined || c < 0x31 || c > 0x39) throw GIVE_UP;
      while (c !== undefined && c >= 0x30 && c <= 0x39) {
        v = v * 10 + (c - 0x30);
        c = b[++p];
      }
    }
    if (c === 0x2e || c === 0x65 || c === 0x45 || p - start > 16 || v > Number.MAX_SAFE_INTEGER) throw GIVE_UP;
    this.p = p;
    return negative ? -v : v;
  }

  /** Reads true (1), false (0) or null (-1). */
  private literal(): number {
    const b = this.b;
    const word = b[this.p] === 0x74 ? TRUE : b[this.p] === 0x66 ? FALSE : b[this.p] === 0x6e ? NULL : undefined;
    if (word === undefined) throw GIVE_UP;
    for (let i = 0; i < word.length; i++) if (b[this.p + i] !== word[i]) throw GIVE_UP;
    this.p += word.length;
    return word === TRUE ? 1 : word === FALSE ? 0 : -1;
  }

  /** Steps into an object or array (open, close: its brackets); true when it is empty (then steps past it). */
  private empty(open: number, close: number): boolean {
    if (this.b[this.p++] !== open) throw GIVE_UP;
    this.ws();
    if (this.b[this.p] !== close) return false;
    this.p++;
    return true;
  }

  /** After a member: true when the object (or array, with close) ends, false when a comma follows. */
  private next(close: number): boolean {
    this.ws();
    const c = this.b[this.p++];
    if (c === close) return true;
    if (c !== COMMA) throw GIVE_UP;
    this.ws();
    return false;
  }

  private is(start: number, end: number, word: Uint8Array): boolean {
    if (end - start !== word.length) return false;
    const b = this.b;
    for (let i = 0; i < word.length; i++) if (b[start + i] !== word[i]) return false;
    return true;
  }

  /** Reads a member's key and the colon after it; returns the key's start (strEnd its end). */
  private key(): number {
    const start = this.str();
    if (!this.plain) throw GIVE_UP;
    this.expect(COLON);
    this.ws();
    return start;
  }

  private field(start: number, end: number): number {
    const f = FIELD_BY_LENGTH[end - start]?.[this.b[start] as number];
    if (f === undefined || !this.is(start, end, FIELD_NAMES[f] as Uint8Array)) throw GIVE_UP;
    return f;
  }

  /** Reads one span object into the fields above. */
  span(): void {
    const b = this.b;
    this.traceS = this.idS = this.parentS = this.nameS = this.localS = this.remoteS = -1;
    this.localKnown = this.remoteKnown = undefined;
    this.kind = this.timestamp = this.duration = this.annCount = this.tagCount = 0;
    this.debug = this.shared = false;
    if (b[this.p++] !== OPEN_BRACE) throw GIVE_UP;
    this.ws();
    if (b[this.p] === CLOSE_BRACE) throw GIVE_UP;
    let seen = 0;
    do {
      const ks = this.key();
      const f = this.field(ks, this.strEnd);
      if ((seen & (1 << f)) !== 0) throw GIVE_UP;
      seen |= 1 << f;
      if (b[this.p] === 0x6e) {
        this.literal();
        if (f === F_TRACE_ID || f === F_ID) throw GIVE_UP;
        continue;
      }
      switch (f) {
        case F_TRACE_ID: this.traceS = this.hexId(); this.traceE = this.strEnd; break;
        case F_ID: this.idS = this.hexId(); this.idE = this.strEnd; break;
        case F_PARENT_ID: this.parentS = this.hexId(); this.parentE = this.strEnd; break;
        case F_KIND: this.kind = this.kindCode(); break;
        case F_NAME: this.nameS = this.str(); this.nameE = this.strEnd; this.namePlain = this.plain; break;
        case F_TIMESTAMP: this.timestamp = Math.max(0, this.int()); break;
        case F_DURATION: this.duration = Math.max(0, this.int()); break;
        case F_LOCAL: this.localS = this.p; this.localKnown = this.endpoint(true); this.localE = this.p; break;
        case F_REMOTE:
          // A server's remote endpoint is mostly its caller's ephemeral port: rarely seen before.
          this.remoteS = this.p;
          this.remoteKnown = this.endpoint(this.kind !== SERVER && this.kind !== CONSUMER);
          this.remoteE = this.p;
          break;
        case F_ANNOTATIONS: this.annotationList(); break;
        case F_TAGS: this.tags(); break;
        case F_DEBUG: this.debug = this.literal() === 1; break;
        default: this.shared = this.literal() === 1; break; // F_SHARED
      }
    } while (!this.next(CLOSE_BRACE));
    if (this.traceS < 0 || this.idS < 0) throw GIVE_UP;
    const traceLength = this.traceE - this.traceS;
    if ((traceLength !== 16 && traceLength !== 32) || allZeros(b, this.traceS, this.traceE)) throw GIVE_UP;
    // A 128-bit id with its high half zero is the trace's 64-bit id.
    if (traceLength === 32 && allZeros(b, this.traceS, this.traceS + 16)) this.traceS += 16;
    if (this.idE - this.idS !== 16 || allZeros(b, this.idS, this.idE)) throw GIVE_UP;
    if (this.parentS >= 0) {
      if (this.parentE - this.parentS !== 16) throw GIVE_UP;
      if (allZeros(b, this.parentS, this.parentE) || sameBytes(b, this.parentS, this.parentE, this.idS, this.idE)) this.parentS = -1;
    }
  }

  /** Reads a lower-hex id string; returns its start. */
  private hexId(): number {
    const b = this.b;
    if (b[this.p] !== QUOTE) throw GIVE_UP;
    const start = this.p + 1;
    let p = start;
    while (LOWER_HEX[b[p] as number] === 1) p++;
    if (b[p] !== QUOTE) throw GIVE_UP;
    this.strEnd = p;
    this.p = p + 1;
    return start;
  }

  private kindCode(): number {
    const start = this.str();
    for (let k = 0; k < KINDS.length; k++) if (this.is(start, this.strEnd, KINDS[k] as Uint8Array)) return k + 1;
    throw GIVE_UP;
  }

  /**
   * Steps over an endpoint object of known fields holding strings, numbers or literals. Returns
   * it when it is one of the endpoints seen last: bytes equal to a valid object's are that object.
   */
  private endpoint(tryRecent: boolean): E | undefined {
    const b = this.b, p = this.p;
    if (tryRecent) {
      for (const known of this.recent) {
        // From the 16th byte first: the first 15 are '{"serviceName":' in most.
        const bytes = known.bytes, n = bytes.length;
        let i = Math.min(15, n);
        while (i < n && b[p + i] === bytes[i]) i++;
        if (i < n) continue;
        i = 0;
        while (i < 15 && i < n && b[p + i] === bytes[i]) i++;
        if (i === 15 || i === n) {
          this.p += n;
          return known;
        }
      }
    }
    if (this.empty(OPEN_BRACE, CLOSE_BRACE)) return undefined;
    do {
      const ks = this.key();
      let known = false;
      for (const word of ENDPOINT_FIELDS) known ||= this.is(ks, this.strEnd, word);
      if (!known) throw GIVE_UP;
      const c = b[this.p];
      if (c === QUOTE) this.str();
      else if (c === MINUS || (c !== undefined && c >= 0x30 && c <= 0x39)) this.int();
      else this.literal();
    } while (!this.next(CLOSE_BRACE));
    return undefined;
  }

  private annotationList(): void {
    const b = this.b;
    if (this.empty(OPEN_BRACKET, CLOSE_BRACKET)) return;
    do {
      if (b[this.p++] !== OPEN_BRACE) throw GIVE_UP;
      this.ws();
      let time = Number.NaN;
      let vs = -1, ve = 0, plain = true;
      do {
        const ks = this.key();
        if (this.is(ks, this.strEnd, TIMESTAMP) && Number.isNaN(time)) time = this.int();
        else if (this.is(ks, this.strEnd, VALUE) && vs < 0) {
          vs = this.str();
          ve = this.strEnd;
          plain = this.plain;
        } else throw GIVE_UP;
      } while (!this.next(CLOSE_BRACE));
      const n = this.annCount;
      if (vs < 0 || Number.isNaN(time)) throw GIVE_UP;
      // Zipkin sorts annotations (by time, then value) and drops duplicates: only lists already
      // in that order, without duplicates, pass.
      if (n > 0) {
        const last = this.annTimes[n - 1] as number;
        const r = this.annRanges;
        if (time < last) throw GIVE_UP;
        if (time === last && (!plain || r[n * 3 - 1] !== 1
          || compareBytes(b, r[n * 3 - 3] as number, r[n * 3 - 2] as number, vs, ve) >= 0)) throw GIVE_UP;
      }
      if (n === this.annTimes.length) {
        this.annTimes = growFloat(this.annTimes, n * 2);
        this.annRanges = growInt(this.annRanges, n * 6);
      }
      this.annTimes[n] = time;
      this.annRanges[n * 3] = vs;
      this.annRanges[n * 3 + 1] = ve;
      this.annRanges[n * 3 + 2] = plain ? 1 : 0;
      this.annCount = n + 1;
    } while (!this.next(CLOSE_BRACKET));
  }

  private tags(): void {
    if (this.empty(OPEN_BRACE, CLOSE_BRACE)) return;
    do {
      const ks = this.str();
      const ke = this.strEnd;
      const keyPlain = this.plain;
      this.expect(COLON);
      this.ws();
      const vs = this.str();
      const n = this.tagCount;
      if (n === this.tagOrder.length) {
        this.tagOrder = growInt(this.tagOrder, n * 2);
        this.tagRanges = growInt(this.tagRanges, n * 10);
      }
      const r = this.tagRanges;
      r[n * 5] = ks;
      r[n * 5 + 1] = ke;
      r[n * 5 + 2] = vs;
      r[n * 5 + 3] = this.strEnd;
      r[n * 5 + 4] = keyPlain ? (this.plain ? 1 : 2) : 0;
      this.tagCount = n + 1;
    } while (!this.next(CLOSE_BRACE));
  }

  /** Tag order by key (as SpanPacker sorts them); gives up on a key that is not plain or is repeated. */
  sortTags(): void {
    const r = this.tagRanges, order = this.tagOrder, b = this.b;
    for (let i = 0; i < this.tagCount; i++) {
      if (r[i * 5 + 4] === 0) throw GIVE_UP;
      let j = i - 1;
      const ks = r[i * 5] as number, ke = r[i * 5 + 1] as number;
      for (; j >= 0; j--) {
        const o = order[j] as number;
        const d = compareBytes(b, r[o * 5] as number, r[o * 5 + 1] as number, ks, ke);
        if (d === 0) throw GIVE_UP;
        if (d < 0) break;
        order[j + 1] = o;
      }
      order[j + 1] = i;
    }
  }

  /** The string a JSON string's chars [start, end) stand for. */
  text(start: number, end: number, plain: boolean): string {
    return plain ? this.latin1(start, end) : (JSON.parse(utf8.decode(this.b.subarray(start - 1, end + 1))) as string);
  }

  latin1(start: number, end: number): string {
    return this.buf.toString('latin1', start, end);
  }
}

/** a copied into a new array of size elements. */
export function growInt(a: Int32Array, size: number): Int32Array {
  const bigger = new Int32Array(size);
  bigger.set(a);
  return bigger;
}

function growFloat(a: Float64Array, size: number): Float64Array {
  const bigger = new Float64Array(size);
  bigger.set(a);
  return bigger;
}
