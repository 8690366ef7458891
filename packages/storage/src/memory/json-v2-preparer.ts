import { normalizeEndpoint } from '@skein/model';
import type { Endpoint } from '@skein/model';
import { ByteCache, byteHash } from './byte-cache.js';
import { bareHash, hash32, keyHash, keyHashBytes, pairHash, pairHashBytes, qualifiedHash } from './posting-list.js';
import { windowBase } from './prepared-batch.js';
import type { PrepareSettings, PreparedBatch } from './prepared-batch.js';
import type { SpanPacker } from './span-packer.js';

// The memory store's ingest fast path: a Zipkin JSON v2 body prepared straight from its bytes,
// with no span objects, no JSON.parse and (for strings seen before) no JS strings: names, tag
// keys and values, annotation values and whole endpoints are looked up by their bytes among what
// the packer already interned. It gives the same batch as decoding, normalizing and
// prepareBatch (the tests compare them), and it takes only the common shapes: anything else
// (an unknown field, a number tag, unsorted annotations, a short id, malformed JSON…) makes it
// give up, and the caller takes the general path, which also words the errors.

/** Thrown (never escapes) when the body needs the general path. */
const GIVE_UP = { giveUp: true };

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
const SERVER = 2;
const CONSUMER = 4;
const CLIENT = 1;

// Span fields, as bits of the set of fields seen.
const F_TRACE_ID = 0, F_ID = 1, F_PARENT_ID = 2, F_KIND = 3, F_NAME = 4, F_TIMESTAMP = 5, F_DURATION = 6;
const F_LOCAL = 7, F_REMOTE = 8, F_ANNOTATIONS = 9, F_TAGS = 10, F_DEBUG = 11, F_SHARED = 12;
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

/** A string whose UTF-8 bytes are its JSON string's chars. */
const PLAIN = /^[\u0020\u0021\u0023-\u005b\u005d-\u007e]*$/;

/** JSON text of a string as SpanPacker writes it (see its json()). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\u007f-\uffff]/;

/** An interned string and the term hash that goes with it. */
interface Interned {
  ref: number;
  text: string;
  hash: number;
  /** For tag keys: the key's bytes. */
  bytes?: Uint8Array;
}

/** An endpoint seen before (one the packer interned), by its JSON bytes. */
interface KnownEndpoint {
  ref: number;
  /** packEndpoint's text for it where it is not interned (a server's remote endpoint). */
  inline: string;
  service: string;
  qualifier: number;
  /** Its JSON text as it came. */
  bytes: Uint8Array;
}

/** Endpoints tried first by their bytes, before reading the object. */
const RECENT = 8;

const utf8 = new TextDecoder();
const EMPTY = Buffer.alloc(0);

/** What a byte is inside a JSON string: ordinary printable ASCII, or something to look at. */
const ORDINARY = 1;
const STRING_CHAR = new Uint8Array(256);
/** 1 for 0-9 and a-f. */
const LOWER_HEX = new Uint8Array(256);
for (const c of '0123456789abcdef') LOWER_HEX[c.charCodeAt(0)] = 1;
for (let c = 0x20; c < 0x7f; c++) if (c !== QUOTE && c !== BACKSLASH) STRING_CHAR[c] = ORDINARY;

/** Whether bytes [start, end) of b are those of bytes (undefined: no). */
function sameAs(b: Uint8Array, start: number, end: number, bytes: Uint8Array | undefined): boolean {
  if (bytes === undefined || bytes.length !== end - start) return false;
  for (let i = 0; i < bytes.length; i++) if (b[start + i] !== bytes[i]) return false;
  return true;
}

function allZeros(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] !== 48) return false;
  return true;
}

function sameBytes(b: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
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

/** Prepares Zipkin JSON v2 bodies for the memory store whose packer it is given (see the note above). */
export class JsonV2Preparer {
  private readonly names = new ByteCache<Interned>();
  private readonly tagKeys = new ByteCache<Interned>();
  /** Tag values, tagged with their key's id; hash is the "key=value" term's. */
  private readonly tagValues = new ByteCache<Interned>();
  private readonly annotations = new ByteCache<Interned>();
  private readonly endpoints = new ByteCache<KnownEndpoint>();

  /** The body being read, as a Buffer too (for making strings of its bytes). */
  private b: Uint8Array = EMPTY;
  private buf: Buffer = EMPTY;
  private p = 0;
  /** Set by str(): where the string read last ends (its closing quote) and whether it is plain ASCII with no escapes. */
  private strEnd = 0;
  private plain = true;

  // The span being read: byte ranges (start -1 when absent) and values.
  private traceS = -1; private traceE = 0;
  private idS = -1; private idE = 0;
  private parentS = -1; private parentE = 0;
  private kind = 0;
  private nameS = -1; private nameE = 0; private namePlain = true;
  private timestamp = 0;
  private duration = 0;
  private localS = -1; private localE = 0;
  private remoteS = -1; private remoteE = 0;
  private localKnown: KnownEndpoint | undefined;
  private remoteKnown: KnownEndpoint | undefined;
  private readonly recent: KnownEndpoint[] = [];
  private nextRecent = 0;
  private debug = false;
  private shared = false;
  private annCount = 0;
  private annTimes: Float64Array = new Float64Array(16);
  /** Per annotation: value start, end, plain (1/0). */
  private annRanges: Int32Array = new Int32Array(48);
  private tagCount = 0;
  /** Per tag: key start, end, value start, end, plain (1 when both are). */
  private tagRanges: Int32Array = new Int32Array(160);
  private tagOrder: Int32Array = new Int32Array(32);
  /** Per tag in packed order: the key's and the value's id or JSON text. */
  private readonly tagRefs: (number | string)[] = [];
  /** Per place in a span's sorted tags, the key found there last. */
  private readonly keyAt: Interned[] = [];
  /** Per tag key id: 1 when all its plain interned values are cached, 0 when they did not fit (see completeKey). */
  private readonly complete: number[] = [];
  // What emit's steps pass on: the local service and its hash, the remote service, the name
  // when not interned, the last tag value's term hash and string.
  private service = '';
  private qualifier = 0;
  private remoteService = '';
  private nameText = '';
  private valueHash = 0;
  private valueText: string | undefined;
  /** Per annotation: its value's id or JSON text. */
  private readonly annRefs: (number | string)[] = [];

  // The output being written.
  private out: Buffer = Buffer.allocUnsafe(65_536);
  private o = 0;
  private outAscii = true;

  constructor(private readonly packer: SpanPacker, private readonly settings: PrepareSettings) {}

  /**
   * The body prepared, or undefined when it needs the general path. Strings interned before
   * giving up stay interned, as when a batch is refused after preparing (the tables are capped).
   */
  prepare(body: Uint8Array): PreparedBatch | undefined {
    try {
      return this.run(body);
    } catch {
      return undefined;
    } finally {
      this.b = this.buf = EMPTY;
    }
  }

  private run(body: Uint8Array): PreparedBatch | undefined {
    this.b = body;
    this.buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.length);
    this.p = 0;
    this.ws();
    if (body[this.p] !== OPEN_BRACKET) return undefined;
    this.p++;
    this.ws();
    if (body[this.p] === CLOSE_BRACKET) return undefined;
    const cap = Math.max(8, (body.length / 256) | 0);
    const batch: PreparedBatch = {
      count: 0, traceIds: [], packed: [], labels: new Int32Array(cap * 3), strings: [], times: new Float64Array(cap * 4),
      terms: new Int32Array(cap * 16), termEnds: new Int32Array(cap), autocomplete: [],
    };
    let t = 0;
    let lastTraceS = -1, lastTraceE = 0, lastTrace = '';
    for (let i = 0; ; i++) {
      this.span();
      if (i === batch.termEnds.length) grow(batch);
      // The trace id: spans of one trace usually come together.
      const traceS = this.traceS, traceE = this.traceE;
      if (lastTraceS < 0 || !sameBytes(body, traceS, traceE, lastTraceS, lastTraceE)) {
        lastTrace = this.latin1(traceS, traceE);
        lastTraceS = traceS;
        lastTraceE = traceE;
      }
      batch.traceIds.push(lastTrace);
      t = this.emit(batch, i, t);
      batch.termEnds[i] = t;
      batch.count = i + 1;
      this.ws();
      const c = body[this.p++];
      if (c === CLOSE_BRACKET) break;
      if (c !== COMMA) throw GIVE_UP;
      this.ws();
    }
    this.ws();
    if (this.p !== body.length) throw GIVE_UP;
    const n = batch.count;
    batch.labels = batch.labels.slice(0, n * 3);
    batch.times = batch.times.slice(0, n * 4);
    batch.termEnds = batch.termEnds.slice(0, n);
    batch.terms = batch.terms.slice(0, t);
    return batch;
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
  private span(): void {
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
        default: this.shared = this.literal() === 1; break;
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
  private endpoint(tryRecent: boolean): KnownEndpoint | undefined {
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
    if (b[this.p++] !== OPEN_BRACE) throw GIVE_UP;
    this.ws();
    if (b[this.p] === CLOSE_BRACE) {
      this.p++;
      return undefined;
    }
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
    if (b[this.p++] !== OPEN_BRACKET) throw GIVE_UP;
    this.ws();
    if (b[this.p] === CLOSE_BRACKET) {
      this.p++;
      return;
    }
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
    const b = this.b;
    if (b[this.p++] !== OPEN_BRACE) throw GIVE_UP;
    this.ws();
    if (b[this.p] === CLOSE_BRACE) {
      this.p++;
      return;
    }
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
  private sortTags(): void {
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
  private text(start: number, end: number, plain: boolean): string {
    return plain ? this.latin1(start, end) : (JSON.parse(utf8.decode(this.b.subarray(start - 1, end + 1))) as string);
  }

  private latin1(start: number, end: number): string {
    return this.buf.toString('latin1', start, end);
  }

  /** Packs, labels and indexes the span just read as prepareBatch would; returns the new end of the terms. */
  private emit(batch: PreparedBatch, i: number, t: number): number {
    this.sortTags();
    const most = t + 2 * this.annCount + 4 * this.tagCount;
    if (most > batch.terms.length) batch.terms = growInt(batch.terms, Math.max(batch.terms.length * 2, most));
    // The local service qualifies terms: its endpoint is looked up before anything is interned.
    const local = this.localS < 0 ? undefined : this.localKnown ?? this.knownEndpoint(this.localS, this.localE);
    let localEndpoint: Endpoint | undefined;
    if (local !== undefined) {
      this.service = local.service;
      this.qualifier = local.qualifier;
    } else {
      localEndpoint = this.localS < 0 ? undefined : this.parseEndpoint(this.localS, this.localE);
      this.service = localEndpoint?.serviceName ?? '';
      this.qualifier = this.service === '' ? 0 : hash32(this.service);
    }
    // Interned in the order SpanPacker.pack interns: tags (sorted), annotations, name, endpoints.
    t = this.tagTerms(batch, t);
    t = this.annotationTerms(batch.terms, t);
    const labels = batch.labels;
    const name = this.nameRef();
    labels[i * 3] = typeof name === 'number' ? name : -batch.strings.push(this.nameText);
    let localRef: number | string = 0;
    if (local !== undefined) localRef = local.ref;
    else if (this.localS >= 0) {
      localRef = this.packer.packEndpoint(localEndpoint, true);
      if (typeof localRef === 'number' && localRef !== 0) this.remember(this.localS, this.localE, localRef, localEndpoint as Endpoint);
    }
    labels[i * 3 + 1] = this.service === '' ? 0 : typeof localRef === 'number' ? localRef : -batch.strings.push(this.service);
    const remoteRef = this.remoteRef();
    labels[i * 3 + 2] = this.remoteService === '' ? 0
      : typeof remoteRef === 'number' ? remoteRef : -batch.strings.push(this.remoteService);
    const ts = this.timestamp;
    const base = windowBase(ts > 0 ? ts : this.annCount > 0 ? (this.annTimes[0] as number) : 0);
    const times = batch.times;
    times[i * 4] = ts > 0 ? ts : Number.NaN;
    times[i * 4 + 1] = this.duration > 0 ? this.duration : Number.NaN;
    times[i * 4 + 2] = this.parentS >= 0 ? 1 : 0;
    times[i * 4 + 3] = ts > 0 || this.annCount > 0 ? base : Number.NaN;
    batch.packed.push(this.packed(base, typeof name === 'number' ? name : json(this.nameText), localRef, remoteRef));
    return t;
  }

  /** Interns the tags, notes their ids (tagRefs) and writes their terms from t; returns the new end. */
  private tagTerms(batch: PreparedBatch, t: number): number {
    const r = this.tagRanges, order = this.tagOrder, refs = this.tagRefs, terms = batch.terms;
    const keys = this.settings.autocompleteKeys;
    const qualified = this.service !== '', qualifier = this.qualifier;
    for (let j = 0; j < this.tagCount; j++) {
      const x = (order[j] as number) * 5;
      const vs = r[x + 2] as number, ve = r[x + 3] as number;
      const key = this.tagKey(r[x] as number, r[x + 1] as number, j);
      const bare = bareHash(key.hash);
      terms[t++] = bare;
      if (qualified) terms[t++] = qualifiedHash(bare, qualifier);
      refs[j * 2] = key.ref > 0 ? key.ref : json(key.text);
      refs[j * 2 + 1] = this.tagValue(key, vs, ve, r[x + 4] === 1);
      if (ve === vs) continue;
      terms[t++] = this.valueHash;
      if (qualified) terms[t++] = qualifiedHash(this.valueHash, qualifier);
      if (keys.length > 0 && keys.includes(key.text)) batch.autocomplete.push(key.text, this.valueText ?? this.text(vs, ve, true));
    }
    return t;
  }

  /**
   * A tag value's id, JSON text, or -start when its JSON text is the body's string at start; sets
   * valueHash (the "key=value" term) and valueText (undefined when the value was not made a string).
   */
  private tagValue(key: Interned, vs: number, ve: number, plain: boolean): number | string {
    const b = this.b, kid = key.ref;
    if (kid > 0) {
      const hv = byteHash(b, vs, ve, kid);
      let known = this.tagValues.get(b, vs, ve, hv, kid);
      if (known === undefined && plain && this.complete[kid] === undefined && this.completeKey(kid, key.hash)) known = this.tagValues.get(b, vs, ve, hv, kid);
      if (known !== undefined) {
        this.valueHash = known.hash;
        this.valueText = known.text;
        return known.ref;
      }
      if (plain && this.complete[kid] === 1) {
        // Every plain value of this key that is interned is cached: this one is not interned.
        this.valueHash = pairHashBytes(key.hash, b, vs, ve);
        this.valueText = undefined;
        return -vs;
      }
      const value = this.text(vs, ve, plain);
      const ref = this.packer.internTagValue(kid, value);
      this.valueText = value;
      this.valueHash = pairHash(key.hash, value);
      if (typeof ref === 'number') {
        this.tagValues.set(b, vs, ve, hv, kid, { ref, text: value, hash: this.valueHash });
        return ref;
      }
      return plain ? -vs : json(ref);
    }
    const value = this.text(vs, ve, plain);
    const ref = this.packer.internTagValue(key.text, value);
    this.valueText = value;
    this.valueHash = pairHash(key.hash, value);
    return typeof ref === 'number' ? ref : plain ? -vs : json(ref);
  }

  /**
   * When a key interns no more values, caches all its plain interned values by their bytes, so
   * a value missing from the cache is known not interned without making a string of it.
   */
  private completeKey(kid: number, key: number): boolean {
    const values = this.packer.tagValuesWhenFull(kid);
    if (values === undefined) return false;
    for (const value of values) {
      if (!PLAIN.test(value)) continue;
      const bytes = Buffer.from(value, 'latin1');
      const h = byteHash(bytes, 0, bytes.length, kid);
      if (this.tagValues.get(bytes, 0, bytes.length, h, kid) !== undefined) continue;
      const ref = this.packer.internTagValue(kid, value) as number;
      if (!this.tagValues.set(bytes, 0, bytes.length, h, kid, { ref, text: value, hash: pairHash(key, value) })) {
        this.complete[kid] = 0;
        return false;
      }
    }
    this.complete[kid] = 1;
    return true;
  }

  /** Interns the annotation values, notes their ids (annRefs) and writes their terms from t; returns the new end. */
  private annotationTerms(terms: Int32Array, t: number): number {
    const b = this.b, ranges = this.annRanges, refs = this.annRefs;
    const qualified = this.service !== '', qualifier = this.qualifier;
    for (let j = 0; j < this.annCount; j++) {
      const vs = ranges[j * 3] as number, ve = ranges[j * 3 + 1] as number;
      const hv = byteHash(b, vs, ve);
      const known = this.annotations.get(b, vs, ve, hv);
      let h: number;
      if (known !== undefined) {
        h = known.hash;
        refs[j] = known.ref;
      } else {
        const value = this.text(vs, ve, ranges[j * 3 + 2] === 1);
        const ref = this.packer.internAnnotation(value);
        h = bareHash(keyHash(value));
        if (typeof ref === 'number') this.annotations.set(b, vs, ve, hv, 0, { ref, text: value, hash: h });
        refs[j] = typeof ref === 'number' ? ref : json(ref);
      }
      terms[t++] = h;
      if (qualified) terms[t++] = qualifiedHash(h, qualifier);
    }
    return t;
  }

  /** The name's interned id, 0 when absent, or a string when not interned (then nameText). */
  private nameRef(): number | string {
    const b = this.b, start = this.nameS, end = this.nameE;
    if (start < 0 || end === start) return 0;
    const h = byteHash(b, start, end);
    const known = this.names.get(b, start, end, h);
    if (known !== undefined) return known.ref;
    const name = this.text(start, end, this.namePlain).toLowerCase();
    const ref = this.packer.internName(name);
    if (typeof ref === 'number') this.names.set(b, start, end, h, 0, { ref, text: name, hash: 0 });
    else this.nameText = name;
    return ref;
  }

  /** The remote endpoint's id or inline text as packEndpoint gives it (sets remoteService). */
  private remoteRef(): number | string {
    this.remoteService = '';
    if (this.remoteS < 0) return 0;
    const intern = this.kind !== SERVER && this.kind !== CONSUMER;
    const known = this.remoteKnown ?? this.knownEndpoint(this.remoteS, this.remoteE);
    if (known !== undefined) {
      this.remoteService = known.service;
      return intern ? known.ref : known.inline;
    }
    const e = this.parseEndpoint(this.remoteS, this.remoteE);
    const ref = this.packer.packEndpoint(e, intern);
    if (typeof ref === 'number' && ref !== 0) this.remember(this.remoteS, this.remoteE, ref, e as Endpoint);
    this.remoteService = e?.serviceName ?? '';
    return ref;
  }

  /** The span's packed text, as SpanPacker.pack writes it. */
  private packed(base: number, name: number | string, local: number | string, remote: number | string): string {
    this.o = 0;
    this.outAscii = true;
    this.room(256);
    this.raw(OPEN_BRACKET);
    this.quoted(this.idS, this.idE);
    this.raw(COMMA);
    if (this.parentS >= 0) this.quoted(this.parentS, this.parentE);
    else this.raw(0x30);
    this.raw(COMMA);
    this.raw(0x30 + this.kind);
    this.raw(COMMA);
    this.ref(name);
    this.raw(COMMA);
    if (this.timestamp > 0) this.number(this.timestamp - base);
    else this.ascii('null');
    this.raw(COMMA);
    this.number(this.duration);
    this.raw(COMMA);
    this.ref(local);
    this.raw(COMMA);
    this.ref(remote);
    const flags = (this.debug ? 1 : 0) | (this.shared && this.kind !== CLIENT ? 2 : 0);
    const tagCount = this.tagCount, annCount = this.annCount;
    if (flags !== 0 || tagCount > 0 || annCount > 0) {
      this.raw(COMMA);
      if (annCount === 0) this.raw(0x30);
      else {
        this.raw(OPEN_BRACKET);
        for (let j = 0; j < annCount; j++) {
          if (j > 0) this.raw(COMMA);
          this.number((this.annTimes[j] as number) - base);
          this.raw(COMMA);
          this.ref(this.annRefs[j] as number | string);
        }
        this.raw(CLOSE_BRACKET);
      }
      if (flags !== 0 || tagCount > 0) {
        this.raw(COMMA);
        if (tagCount === 0) this.raw(0x30);
        else {
          this.raw(OPEN_BRACKET);
          for (let j = 0; j < tagCount * 2; j++) {
            if (j > 0) this.raw(COMMA);
            this.ref(this.tagRefs[j] as number | string);
          }
          this.raw(CLOSE_BRACKET);
        }
        if (flags !== 0) {
          this.raw(COMMA);
          this.raw(0x30 + flags);
        }
      }
    }
    this.raw(CLOSE_BRACKET);
    return this.out.toString(this.outAscii ? 'latin1' : 'utf8', 0, this.o);
  }

  /** A tag key by its bytes (ref 0 when not interned). */
  private tagKey(start: number, end: number, j: number): Interned {
    // Spans of a service mostly have the same keys: first try the key last in this place.
    const last = this.keyAt[j];
    if (last !== undefined && sameAs(this.b, start, end, last.bytes)) return last;
    const h = byteHash(this.b, start, end);
    const known = this.tagKeys.get(this.b, start, end, h);
    if (known !== undefined) return (this.keyAt[j] = known);
    const text = this.latin1(start, end);
    const ref = this.packer.internTagKey(text);
    const key: Interned = { ref: typeof ref === 'number' ? ref : 0, text, hash: keyHashBytes(this.b, start, end), bytes: this.b.slice(start, end) };
    if (typeof ref === 'number') this.tagKeys.set(this.b, start, end, h, 0, (this.keyAt[j] = key));
    return key;
  }

  private knownEndpoint(start: number, end: number): KnownEndpoint | undefined {
    const known = this.endpoints.get(this.b, start, end, byteHash(this.b, start, end));
    if (known !== undefined) this.seen(known);
    return known;
  }

  private remember(start: number, end: number, ref: number, e: Endpoint): void {
    const service = e.serviceName ?? '';
    const known: KnownEndpoint = {
      ref, inline: this.packer.packEndpoint(e, false) as string, service, qualifier: service === '' ? 0 : hash32(service),
      bytes: this.b.slice(start, end),
    };
    this.endpoints.set(this.b, start, end, byteHash(this.b, start, end), 0, known);
    this.seen(known);
  }

  /** Keeps an endpoint among the few tried first (see endpoint()). */
  private seen(known: KnownEndpoint): void {
    this.recent[this.nextRecent] = known;
    this.nextRecent = (this.nextRecent + 1) % RECENT;
  }

  /** An endpoint object's bytes normalized as Zipkin does (throws, and so gives up, where it is invalid). */
  private parseEndpoint(start: number, end: number): Endpoint | undefined {
    return normalizeEndpoint(JSON.parse(utf8.decode(this.b.subarray(start, end))), 0, 'endpoint');
  }

  // Output writing. Everything written is ASCII except strings with other chars (jsonText).

  private room(n: number): void {
    if (this.o + n <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.o + n));
    this.out.copy(bigger, 0, 0, this.o);
    this.out = bigger;
  }

  private raw(c: number): void {
    if (this.o >= this.out.length) this.room(1);
    this.out[this.o++] = c;
  }

  private ascii(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.out[this.o++] = s.charCodeAt(i);
  }

  private quoted(start: number, end: number): void {
    this.room(end - start + 2);
    const out = this.out, b = this.b;
    out[this.o++] = QUOTE;
    for (let i = start; i < end; i++) out[this.o++] = b[i] as number;
    out[this.o++] = QUOTE;
  }

  /** A whole number's decimal digits, as String(v) writes them. */
  private number(v: number): void {
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

  /** An interned id (0: absent), the JSON text of what is inline, or -start: the body's string there. */
  private ref(v: number | string): void {
    if (typeof v === 'string') this.jsonText(v);
    else if (v >= 0) this.number(v);
    else {
      const start = -v;
      let end = start;
      while (this.b[end] !== QUOTE) end++;
      this.quoted(start, end);
    }
  }

  /** Text that may hold chars past ASCII (then the span's packed text is read back as UTF-8). */
  private jsonText(s: string): void {
    this.room(s.length * 3);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.outAscii = false;
        this.o += this.out.write(s.slice(i), this.o, 'utf8');
        return;
      }
      this.out[this.o++] = c;
    }
  }
}

function json(v: string): string {
  return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
}

function growInt(a: Int32Array, size: number): Int32Array {
  const bigger = new Int32Array(size);
  bigger.set(a);
  return bigger;
}

function growFloat(a: Float64Array, size: number): Float64Array {
  const bigger = new Float64Array(size);
  bigger.set(a);
  return bigger;
}

function grow(batch: PreparedBatch): void {
  const n = batch.termEnds.length * 2;
  batch.labels = growInt(batch.labels, n * 3);
  const times = new Float64Array(n * 4);
  times.set(batch.times);
  batch.times = times;
  batch.termEnds = growInt(batch.termEnds, n);
}
