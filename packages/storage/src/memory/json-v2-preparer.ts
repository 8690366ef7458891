import { normalizeEndpoint } from '@skein/model';
import type { Endpoint } from '@skein/model';
import { ByteCache, byteHash } from './byte-cache.js';
import { CLIENT, CONSUMER, JsonSpanReader, SERVER, growInt, sameAs, sameBytes } from './json-span-reader.js';
import { PackedWriter } from './packed-writer.js';
import { bareHash, hash32, keyHash, keyHashBytes, pairHash, pairHashBytes, qualifiedHash } from './posting-list.js';
import { linkFlags, windowBase } from './prepared-batch.js';
import type { PrepareSettings, PreparedBatch } from './prepared-batch.js';
import type { SpanPacker } from './span-packer.js';

// The memory store's ingest fast path: a Zipkin JSON v2 body prepared straight from its bytes,
// with no span objects, no JSON.parse and (for strings seen before) no JS strings: names, tag
// keys and values, annotation values and whole endpoints are looked up by their bytes among what
// the packer already interned. It gives the same batch as decoding, normalizing and
// prepareBatch (the tests compare them), and it takes only the common shapes: anything else
// (an unknown field, a number tag, unsorted annotations, a short id, malformed JSON…) makes it
// give up, and the caller takes the general path, which also words the errors.

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const ZERO = 0x30;

/** A string whose UTF-8 bytes are its JSON string's chars. */
const PLAIN = /^[\u0020\u0021\u0023-\u005b\u005d-\u007e]*$/;

/** JSON text of a string as SpanPacker writes it (see its json()). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\u007f-\uffff]/;

function json(v: string): string {
  return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
}

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

/** Prepares Zipkin JSON v2 bodies for the memory store whose packer it is given (see the note above). */
export class JsonV2Preparer {
  private readonly names = new ByteCache<Interned>();
  private readonly tagKeys = new ByteCache<Interned>();
  /** Tag values, tagged with their key's id; hash is the "key=value" term's. */
  private readonly tagValues = new ByteCache<Interned>();
  private readonly annotations = new ByteCache<Interned>();
  private readonly endpoints = new ByteCache<KnownEndpoint>();
  private readonly recent: KnownEndpoint[] = [];
  private nextRecent = 0;
  /** Per place in a span's sorted tags, the key found there last. */
  private readonly keyAt: Interned[] = [];
  /** Per tag key id: 1 when all its plain interned values are cached, 0 when they did not fit (see completeKey). */
  private readonly complete: number[] = [];
  private readonly r = new JsonSpanReader<KnownEndpoint>(this.recent);
  private readonly w = new PackedWriter();

  // What emit's steps pass on: the local service and its hash, the remote service, the name
  // when not interned, the last tag value's term hash and string, the tags' and annotations'
  // ids or JSON text.
  private service = '';
  private qualifier = 0;
  private remoteService = '';
  private nameText = '';
  private valueHash = 0;
  private valueText: string | undefined;
  private readonly tagRefs: (number | string)[] = [];
  /** Whether the span's tags, as tagTerms read them, hold an "error" key. */
  private errorTag = false;
  private readonly annRefs: (number | string)[] = [];

  constructor(private readonly packer: SpanPacker, private readonly settings: PrepareSettings) {}

  /** Spans in the body last prepared, kept or not (the batch holds the kept ones). */
  received = 0;

  /**
   * The body prepared, or undefined when it needs the general path. Strings interned before
   * giving up stay interned, as when a batch is refused after preparing (the tables are capped).
   * With keep, only the spans it keeps are prepared (a collector's sampling: it is asked once per
   * run of spans of one trace, and a span marked debug is kept whatever it says); every span is
   * still read and checked, so a body is refused or taken as on the general path.
   */
  prepare(body: Uint8Array, keep?: (traceId: string) => boolean): PreparedBatch | undefined {
    this.received = 0;
    try {
      return this.run(body, keep);
    } catch {
      return undefined;
    } finally {
      this.r.end();
    }
  }

  private run(body: Uint8Array, keep: ((traceId: string) => boolean) | undefined): PreparedBatch | undefined {
    const r = this.r;
    if (!r.begin(body)) return undefined;
    const cap = Math.max(8, (body.length / 256) | 0);
    const batch: PreparedBatch = {
      count: 0, traceIds: [], packed: [], runs: new Int32Array(0), labels: new Int32Array(cap * 3), strings: [], locals: new Int32Array(cap),
      times: new Float64Array(cap * 4), terms: new Int32Array(cap * 16), termEnds: new Int32Array(cap), autocomplete: [],
    };
    const w = this.w, runs: number[] = [];
    let t = 0;
    let lastTraceS = -1, lastTraceE = 0, lastTrace = '', kept = true;
    let i = 0, read = 0;
    do {
      r.span();
      read++;
      // The trace id: spans of one trace usually come together.
      if (lastTraceS < 0 || !sameBytes(body, r.traceS, r.traceE, lastTraceS, lastTraceE)) {
        lastTrace = r.latin1(r.traceS, r.traceE);
        lastTraceS = r.traceS;
        lastTraceE = r.traceE;
        kept = keep === undefined || keep(lastTrace);
      }
      if (!kept && !r.debug) continue;
      if (i === batch.termEnds.length) grow(batch);
      // Kept spans of one trace id in a row are one run: packed into one text, '\n' between spans.
      if (runs.length === 0 || lastTrace !== batch.traceIds[runs.length - 1]) {
        if (runs.length > 0) batch.packed.push(w.text());
        w.start();
        batch.traceIds.push(lastTrace);
        runs.push(1);
      } else {
        w.raw(NEWLINE);
        runs[runs.length - 1] = (runs[runs.length - 1] as number) + 1;
      }
      t = this.emit(batch, i, t);
      batch.termEnds[i++] = t;
    } while (r.more());
    if (runs.length > 0) batch.packed.push(w.text());
    batch.runs = Int32Array.from(runs);
    this.received = read;
    batch.count = i;
    batch.labels = batch.labels.slice(0, i * 3);
    batch.locals = batch.locals.slice(0, i);
    batch.times = batch.times.slice(0, i * 4);
    batch.termEnds = batch.termEnds.slice(0, i);
    batch.terms = batch.terms.slice(0, t);
    return batch;
  }

  /** Packs, labels and indexes the span just read as prepareBatch would; returns the new end of the terms. */
  private emit(batch: PreparedBatch, i: number, t: number): number {
    const r = this.r;
    r.sortTags();
    const most = t + 2 * r.annCount + 4 * r.tagCount;
    if (most > batch.terms.length) batch.terms = growInt(batch.terms, Math.max(batch.terms.length * 2, most));
    // The local service qualifies terms: its endpoint is looked up before anything is interned.
    const local = r.localS < 0 ? undefined : r.localKnown ?? this.knownEndpoint(r.localS, r.localE);
    let localEndpoint: Endpoint | undefined;
    if (local !== undefined) {
      this.service = local.service;
      this.qualifier = local.qualifier;
    } else {
      localEndpoint = r.localS < 0 ? undefined : this.parseEndpoint(r.localS, r.localE);
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
    else if (r.localS >= 0) {
      localRef = this.packer.packEndpoint(localEndpoint, true);
      if (typeof localRef === 'number' && localRef !== 0) this.remember(r.localS, r.localE, localRef, localEndpoint as Endpoint);
    }
    labels[i * 3 + 1] = this.service === '' ? 0 : typeof localRef === 'number' ? localRef : -batch.strings.push(this.service);
    batch.locals[i] = typeof localRef === 'number' ? localRef : -1;
    const remoteRef = this.remoteRef();
    labels[i * 3 + 2] = this.remoteService === '' ? 0
      : typeof remoteRef === 'number' ? remoteRef : -batch.strings.push(this.remoteService);
    const ts = r.timestamp;
    const base = windowBase(ts > 0 ? ts : r.annCount > 0 ? (r.annTimes[0] as number) : 0);
    const times = batch.times;
    times[i * 4] = ts > 0 ? ts : Number.NaN;
    times[i * 4 + 1] = r.duration > 0 ? r.duration : Number.NaN;
    times[i * 4 + 2] = linkFlags(r.parentS >= 0, r.shared && r.kind !== CLIENT, this.errorTag, r.kind);
    times[i * 4 + 3] = ts > 0 || r.annCount > 0 ? base : Number.NaN;
    this.packed(base, typeof name === 'number' ? name : json(this.nameText), localRef, remoteRef);
    return t;
  }

  /** Interns the tags, notes their ids (tagRefs) and writes their terms from t; returns the new end. */
  private tagTerms(batch: PreparedBatch, t: number): number {
    const r = this.r, ranges = r.tagRanges, order = r.tagOrder, refs = this.tagRefs, terms = batch.terms;
    const keys = this.settings.autocompleteKeys;
    const qualified = this.service !== '', qualifier = this.qualifier;
    this.errorTag = false;
    for (let j = 0; j < r.tagCount; j++) {
      const x = (order[j] as number) * 5;
      const vs = ranges[x + 2] as number, ve = ranges[x + 3] as number;
      const key = this.tagKey(ranges[x] as number, ranges[x + 1] as number, j);
      if (key.text === 'error') this.errorTag = true;
      const bare = bareHash(key.hash);
      terms[t++] = bare;
      if (qualified) terms[t++] = qualifiedHash(bare, qualifier);
      refs[j * 2] = key.ref > 0 ? key.ref : json(key.text);
      refs[j * 2 + 1] = this.tagValue(key, vs, ve, ranges[x + 4] === 1);
      if (ve === vs) continue;
      terms[t++] = this.valueHash;
      if (qualified) terms[t++] = qualifiedHash(this.valueHash, qualifier);
      if (keys.length > 0 && keys.includes(key.text)) batch.autocomplete.push(key.text, this.valueText ?? r.text(vs, ve, true));
    }
    return t;
  }

  /** A tag key by its bytes (ref 0 when not interned); j is its place in the span's sorted tags. */
  private tagKey(start: number, end: number, j: number): Interned {
    const b = this.r.b;
    // Spans of a service mostly have the same keys: first try the key last in this place.
    const last = this.keyAt[j];
    if (last !== undefined && sameAs(b, start, end, last.bytes)) return last;
    const h = byteHash(b, start, end);
    const known = this.tagKeys.get(b, start, end, h);
    if (known !== undefined) return (this.keyAt[j] = known);
    const text = this.r.latin1(start, end);
    const ref = this.packer.internTagKey(text);
    const key: Interned = { ref: typeof ref === 'number' ? ref : 0, text, hash: keyHashBytes(b, start, end), bytes: b.slice(start, end) };
    if (typeof ref === 'number') this.tagKeys.set(b, start, end, h, 0, (this.keyAt[j] = key));
    return key;
  }

  /**
   * A tag value's id, JSON text, or -start when its JSON text is the body's string at start; sets
   * valueHash (the "key=value" term) and valueText (undefined when the value was not made a string).
   */
  private tagValue(key: Interned, vs: number, ve: number, plain: boolean): number | string {
    const b = this.r.b, kid = key.ref;
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
      const value = this.r.text(vs, ve, plain);
      const ref = this.packer.internTagValue(kid, value);
      this.valueText = value;
      this.valueHash = pairHash(key.hash, value);
      if (typeof ref === 'number') {
        this.tagValues.set(b, vs, ve, hv, kid, { ref, text: value, hash: this.valueHash });
        return ref;
      }
      return plain ? -vs : json(ref);
    }
    const value = this.r.text(vs, ve, plain);
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
    const r = this.r, b = r.b, ranges = r.annRanges, refs = this.annRefs;
    const qualified = this.service !== '', qualifier = this.qualifier;
    for (let j = 0; j < r.annCount; j++) {
      const vs = ranges[j * 3] as number, ve = ranges[j * 3 + 1] as number;
      const hv = byteHash(b, vs, ve);
      const known = this.annotations.get(b, vs, ve, hv);
      let h: number;
      if (known !== undefined) {
        h = known.hash;
        refs[j] = known.ref;
      } else {
        const value = r.text(vs, ve, ranges[j * 3 + 2] === 1);
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
    const r = this.r, b = r.b, start = r.nameS, end = r.nameE;
    if (start < 0 || end === start) return 0;
    const h = byteHash(b, start, end);
    const known = this.names.get(b, start, end, h);
    if (known !== undefined) return known.ref;
    const name = r.text(start, end, r.namePlain).toLowerCase();
    const ref = this.packer.internName(name);
    if (typeof ref === 'number') this.names.set(b, start, end, h, 0, { ref, text: name, hash: 0 });
    else this.nameText = name;
    return ref;
  }

  /** The remote endpoint's id or inline text as packEndpoint gives it (sets remoteService). */
  private remoteRef(): number | string {
    const r = this.r;
    this.remoteService = '';
    if (r.remoteS < 0) return 0;
    const intern = r.kind !== SERVER && r.kind !== CONSUMER;
    const known = r.remoteKnown ?? this.knownEndpoint(r.remoteS, r.remoteE);
    if (known !== undefined) {
      this.remoteService = known.service;
      return intern ? known.ref : known.inline;
    }
    const e = this.parseEndpoint(r.remoteS, r.remoteE);
    const ref = this.packer.packEndpoint(e, intern);
    if (typeof ref === 'number' && ref !== 0) this.remember(r.remoteS, r.remoteE, ref, e as Endpoint);
    this.remoteService = e?.serviceName ?? '';
    return ref;
  }

  private knownEndpoint(start: number, end: number): KnownEndpoint | undefined {
    const b = this.r.b;
    const known = this.endpoints.get(b, start, end, byteHash(b, start, end));
    if (known !== undefined) this.seen(known);
    return known;
  }

  private remember(start: number, end: number, ref: number, e: Endpoint): void {
    const b = this.r.b;
    const service = e.serviceName ?? '';
    const known: KnownEndpoint = {
      ref, inline: this.packer.packEndpoint(e, false) as string, service, qualifier: service === '' ? 0 : hash32(service),
      bytes: b.slice(start, end),
    };
    this.endpoints.set(b, start, end, byteHash(b, start, end), 0, known);
    this.seen(known);
  }

  /** Keeps an endpoint among the few the reader tries first. */
  private seen(known: KnownEndpoint): void {
    this.recent[this.nextRecent] = known;
    this.nextRecent = (this.nextRecent + 1) % RECENT;
  }

  /** An endpoint object's bytes normalized as Zipkin does (throws, and so gives up, where it is invalid). */
  private parseEndpoint(start: number, end: number): Endpoint | undefined {
    return normalizeEndpoint(JSON.parse(utf8.decode(this.r.b.subarray(start, end))), 0, 'endpoint');
  }

  /** Writes the span's packed text, as SpanPacker.pack writes it, to the run's. */
  private packed(base: number, name: number | string, local: number | string, remote: number | string): void {
    const r = this.r, w = this.w, b = r.b;
    w.raw(OPEN_BRACKET);
    w.quoted(b, r.idS, r.idE);
    w.raw(COMMA);
    if (r.parentS >= 0) w.quoted(b, r.parentS, r.parentE);
    else w.raw(ZERO);
    w.raw(COMMA);
    w.raw(ZERO + r.kind);
    w.raw(COMMA);
    w.ref(name, b);
    w.raw(COMMA);
    if (r.timestamp > 0) w.number(r.timestamp - base);
    else w.jsonText('null');
    w.raw(COMMA);
    w.number(r.duration);
    w.raw(COMMA);
    w.ref(local, b);
    w.raw(COMMA);
    w.ref(remote, b);
    const flags = (r.debug ? 1 : 0) | (r.shared && r.kind !== CLIENT ? 2 : 0);
    const tagCount = r.tagCount, annCount = r.annCount;
    // Trailing zeros after the remote endpoint are left out.
    if (flags === 0 && tagCount === 0 && annCount === 0) {
      w.raw(CLOSE_BRACKET);
      return;
    }
    w.raw(COMMA);
    if (annCount === 0) w.raw(ZERO);
    else {
      w.raw(OPEN_BRACKET);
      for (let j = 0; j < annCount; j++) {
        if (j > 0) w.raw(COMMA);
        w.number((r.annTimes[j] as number) - base);
        w.raw(COMMA);
        w.ref(this.annRefs[j] as number | string, b);
      }
      w.raw(CLOSE_BRACKET);
    }
    if (flags !== 0 || tagCount > 0) {
      w.raw(COMMA);
      if (tagCount === 0) w.raw(ZERO);
      else {
        w.raw(OPEN_BRACKET);
        for (let j = 0; j < tagCount * 2; j++) {
          if (j > 0) w.raw(COMMA);
          w.ref(this.tagRefs[j] as number | string, b);
        }
        w.raw(CLOSE_BRACKET);
      }
      if (flags !== 0) {
        w.raw(COMMA);
        w.raw(ZERO + flags);
      }
    }
    w.raw(CLOSE_BRACKET);
  }
}

function grow(batch: PreparedBatch): void {
  const n = batch.termEnds.length * 2;
  batch.labels = growInt(batch.labels, n * 3);
  batch.locals = growInt(batch.locals, n);
  const times = new Float64Array(n * 4);
  times.set(batch.times);
  batch.times = times;
  batch.termEnds = growInt(batch.termEnds, n);
}
