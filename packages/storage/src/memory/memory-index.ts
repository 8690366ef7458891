import type { Endpoint, Span } from '@skein/model';
import { addOrdinalWithMax, addPosting, hash32, lowerBound, qualifiedHash, spanHash, sweepPostings, termHash } from './posting-list.js';
import { HAS_PARENT, batchLabel, prepareBatch } from './prepared-batch.js';
import type { PreparedBatch } from './prepared-batch.js';
import type { Postings } from './posting-list.js';
import { LinkPacer } from './link-pacer.js';
import { SpanPacker } from './span-packer.js';
import { TermIndex } from './term-index.js';
import { TraceTable, hexWord } from './trace-table.js';
import type { Packed } from './span-packer.js';
import { BLOCK_BITS, Block, HAS_ROOT, MIXED_IDS, TraceEntry } from './trace-entry.js';

/** What is indexed per local service. */
export interface ServiceIndex {
  /** Traces with a span of this service. */
  traces: number[];
  /** Parallel to traces: the longest span of this service in that trace (µs, clamped). */
  durations: number[];
  /** Span name → traces with a span of this service and name. */
  names: Map<string, Postings>;
  /** Remote service name → traces with a span of this service calling it. */
  remotes: Map<string, Postings>;
}

/** The key of an annotationQuery term: "key=value" (tag) or a bare word (annotation value or tag key), optionally as recorded by one service. */
export function termKey(key: string, value: string, service?: string): number {
  const h = termHash(key, value);
  return service === undefined ? h : qualifiedHash(h, hash32(service));
}

const BIG_TRACE = 256;
/** Hashes kept in all by the duplicate-check sets of recent traces (a few MB). */
const HASHES_KEPT = 1 << 18;
const MAX_CHUNKS = 32;
/**
 * A block is linked ahead once none of its traces has changed for this long (ms), and again
 * whenever a late span changed it since: services report a trace's spans on their own schedules,
 * a second or more apart, and links computed before the last of them would be thrown away.
 */
const LINK_QUIET_MS = 1000;

/** Whether '\n'-joined packed spans hold this packed span. */
function holds(data: string, packed: string): boolean {
  return data === packed || data.startsWith(`${packed}\n`) || data.endsWith(`\n${packed}`) || data.includes(`\n${packed}\n`);
}

/**
 * Appends the packed spans of one accept() call to a trace. join() builds a flat string, so a
 * trace is one compact string, not a chain of concatenations. Big traces collect appends in
 * chunks, folded into data every MAX_CHUNKS appends, so a trace growing span by span over many
 * calls is not copied whole each time.
 */
function append(e: TraceEntry, list: string[]): void {
  if (e.data === '') {
    e.data = list.join('\n');
  } else if (e.count < BIG_TRACE) {
    e.data = [e.data, ...list].join('\n');
  } else {
    (e.chunks ??= []).push(list.join('\n'));
    if (e.chunks.length >= MAX_CHUNKS) {
      e.data = [e.data, ...e.chunks].join('\n');
      e.chunks = undefined;
    }
  }
}

/**
 * The data of the memory store: traces in arrival order, bounded by maxSpans (the oldest whole
 * traces, by first arrival, are evicted), and the indexes queries use.
 */
export class MemoryIndex {
  readonly packer = new SpanPacker();
  /** Traces by the low 64 bits of their id. */
  readonly byId = new TraceTable((ord) => this.entry(ord), () => this.nextOrd);
  /** Traces by ordinal: entries[ord - firstOrd]; evicted slots before head are undefined. */
  private entries: (TraceEntry | undefined)[] = [];
  private firstOrd = 0;
  /** Traces per block: 2 ** blockBits, computed once (a power with a variable exponent is a call to pow). */
  private readonly blockSize: number;
  private head = 0;
  readonly services = new Map<string, ServiceIndex>();
  /** termKey → traces holding the term (hash collisions only add candidates; queries re-check). */
  readonly terms = new TermIndex();
  readonly blocks = new Map<number, Block>();
  readonly autocomplete = new Map<string, Set<string>>();
  readonly autocompleteKeys: readonly string[];
  spanCount = 0;
  /** performance.now() of the last accept (background work yields while spans keep coming). */
  lastAcceptAt = Number.NEGATIVE_INFINITY;
  private evictedSinceSweep = 0;
  /** Computes and caches the links of a block a slice at a time, then calls done (set by the store). */
  linkAhead: ((id: number, block: Block, done: () => void) => void) | undefined = undefined;
  /** Whether a block is being linked ahead. */
  private linking = false;
  /** How much of the event loop linking ahead may take while spans keep coming. */
  readonly linkPacer = new LinkPacer();
  /** How long a block must stay unchanged before it is linked ahead (ms). */
  linkQuietMs = LINK_QUIET_MS;
  /** Set while a look for blocks to link ahead is due. */
  private linkTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Traces that hold a set of packed-span hashes (see isDuplicate), oldest set first, from hashedHead on. */
  private hashed: TraceEntry[] = [];
  private hashedHead = 0;
  /** Hashes held by those sets in all. */
  private hashTotal = 0;
  /** Service names by the number link records know them by (index 0: none). */
  readonly linkNames: string[] = [''];
  private readonly linkIds = new Map<string, number>();
  private lastLinkName = '';
  private lastLinkId = 0;

  constructor(
    readonly maxSpans: number,
    autocompleteKeys: readonly string[],
    /** log2 of the traces per block (time bounds and cached links are kept per block). */
    readonly blockBits: number = BLOCK_BITS,
    /** Hashes kept in all by the duplicate-check sets of recent traces. */
    readonly hashesKept: number = HASHES_KEPT,
    /** The first trace's ordinal (tests: a store that has run long has large ones). */
    firstOrd = 0,
  ) {
    this.firstOrd = firstOrd;
    this.blockSize = 2 ** blockBits;
    this.autocompleteKeys = [...autocompleteKeys];
    for (const k of autocompleteKeys) this.autocomplete.set(k, new Set());
  }

  /** Hashes held by the duplicate-check sets of recent traces (bounded by hashesKept, beyond the two newest blocks). */
  get heldHashes(): number {
    return this.hashTotal;
  }

  /** The block an ordinal is in (ordinals outgrow 32 bits on a long run: no int32 shifts). */
  blockOf(ord: number): number {
    return Math.floor(ord / this.blockSize);
  }

  /** The first ordinal of a block. */
  blockStart(id: number): number {
    return id * this.blockSize;
  }

  /** The smallest live ordinal. */
  get firstLive(): number {
    return this.firstOrd + this.head;
  }

  /** One past the newest ordinal. */
  get nextOrd(): number {
    return this.firstOrd + this.entries.length;
  }

  /** The trace with this ordinal, if still stored. */
  entry(ord: number): TraceEntry | undefined {
    return ord < this.firstOrd + this.head ? undefined : this.entries[ord - this.firstOrd];
  }

  /** The packed spans of a trace, parsed: one JSON.parse of the whole trace, no per-span strings. */
  parse(e: TraceEntry): Packed[][] {
    const joined = e.chunks === undefined ? e.data : `${e.data}\n${e.chunks.join('\n')}`;
    return JSON.parse(`[${joined.replaceAll('\n', ',')}]`) as Packed[][];
  }

  /** The spans of a trace. */
  decode(e: TraceEntry): Span[] {
    const packed = this.parse(e);
    const spans = new Array<Span>(packed.length);
    for (let i = 0; i < packed.length; i++) spans[i] = this.packer.unpackArray(packed[i] as Packed[], e.traceId, e.base);
    return spans;
  }

  /**
   * A trace as Zipkin JSON v2 text, byte for byte what encoding decode(e) gives, without building
   * the spans; with onlyId, only the spans whose trace id is exactly onlyId. '[]' when none.
   * Works 512 spans at a time, so what it allocates on the way dies young (a huge trace would
   * otherwise keep every parsed span alive, and copied by the collector, until the end).
   */
  json(e: TraceEntry, onlyId?: string): string {
    const parts: string[] = [];
    const render = (lines: string): void => {
      const views: object[] = [];
      for (const a of JSON.parse(`[${lines.replaceAll('\n', ',')}]`) as Packed[][]) {
        if (onlyId !== undefined && (typeof a[11] === 'string' ? a[11] : e.traceId) !== onlyId) continue;
        views.push(this.packer.jsonView(a, e.traceId, e.base));
      }
      if (views.length > 0) parts.push(JSON.stringify(views).slice(1, -1));
    };
    for (const joined of e.chunks === undefined ? [e.data] : [e.data, ...e.chunks]) {
      for (let from = 0; from < joined.length; ) {
        let to = from;
        for (let n = 0; n < 512 && to >= 0; n++) to = joined.indexOf('\n', to + 1);
        render(to < 0 ? joined.slice(from) : joined.slice(from, to));
        from = to < 0 ? joined.length : to + 1;
      }
    }
    return `[${parts.join(',')}]`;
  }

  /** Stores spans, then evicts the oldest traces while over maxSpans. */
  accept(spans: readonly Span[]): void {
    this.acceptPrepared(prepareBatch(this.packer, spans, this));
  }

  /** Stores a prepared batch (its packer's delta already applied), then evicts the oldest traces while over maxSpans. */
  acceptPrepared(batch: PreparedBatch): void {
    this.lastAcceptAt = performance.now();
    // Packed spans are appended per trace once per call, with one join, so each trace stays one
    // flat string (appending span by span would build a chain of cons strings).
    const pending = new Map<TraceEntry, string[]>();
    try {
      for (let r = 0, i = 0; r < batch.runs.length; r++) i = this.addRun(batch, r, i, pending);
    } finally {
      for (const [e, list] of pending) append(e, list);
    }
    const ac = batch.autocomplete;
    for (let i = 0; i + 1 < ac.length; i += 2) {
      const values = this.autocomplete.get(ac[i] as string);
      if (values !== undefined && values.size < 10_000) values.add(ac[i + 1] as string);
    }
    while (this.spanCount > this.maxSpans && this.head < this.entries.length) this.evictOldest();
    if (this.evictedSinceSweep > 4096 && this.evictedSinceSweep > this.byId.size) this.sweep();
    if (!this.linking) this.linkIn(this.linkQuietMs);
  }

  /** Stores run r of a batch, whose first span is span i; returns the index of the span after the run. */
  private addRun(b: PreparedBatch, r: number, i: number, pending: Map<TraceEntry, string[]>): number {
    const traceId = b.traceIds[r] as string, run = b.packed[r] as string, end = i + (b.runs[r] as number);
    let e = this.byId.get(traceId);
    if (e === undefined) {
      // A new block begins: traces two blocks back rarely get more spans, so their duplicate-check sets may go.
      if (this.nextOrd % this.blockSize === 0) this.dropOldHashes();
      e = new TraceEntry(this.nextOrd, traceId, b.times[i * 4 + 3] as number);
      this.entries.push(e);
      this.byId.add(e);
    }
    const before = pending.get(e)?.length ?? 0;
    let asSent = true;
    for (let from = 0; i < end; i++) {
      let to = run.indexOf('\n', from);
      if (to < 0) to = run.length;
      if (!this.add(b, i, e, traceId, run.slice(from, to), pending)) asSent = false;
      from = to + 1;
    }
    // Every span stored as it came: the run's text is what joining them would make (a new trace
    // then keeps it as it is, copying nothing).
    const list = pending.get(e);
    if (asSent && list !== undefined && list.length === before + (b.runs[r] as number)) {
      list.length = before;
      list.push(run);
    }
    return end;
  }

  /** Stores span i of a batch, whose packed text is given, in trace e; false when it was a duplicate or had to be repacked. */
  private add(b: PreparedBatch, i: number, e: TraceEntry, traceId: string, packed: string, pending: Map<TraceEntry, string[]>): boolean {
    let asSent = true;
    const base = b.times[i * 4 + 3] as number;
    if (e.base !== e.base) e.base = base; // the trace had only spans without times: any base fits them
    // A span without times (base NaN) fits any base; others are rebased when their window differs.
    const shift = base === base && base !== e.base ? base - e.base : 0;
    if (traceId !== e.traceId || shift !== 0) {
      packed = this.packer.repack(packed, shift, traceId === e.traceId ? undefined : traceId);
      asSent = false;
    }
    let list = pending.get(e);
    if (this.isDuplicate(e, packed, list)) return false;
    if (list === undefined) pending.set(e, (list = []));
    list.push(packed);
    e.count++;
    this.spanCount++;
    if (traceId !== e.traceId) e.flags |= MIXED_IDS;
    const ord = e.ord;
    const block = this.block(ord);
    block.changed(this.lastAcceptAt);
    const ts = b.times[i * 4] as number;
    const duration = b.times[i * 4 + 1] as number;
    if (ts === ts) {
      if (((b.times[i * 4 + 2] as number) & HAS_PARENT) === 0) {
        if ((e.flags & HAS_ROOT) === 0 || ts < e.ts) {
          e.ts = ts;
          e.flags |= HAS_ROOT;
        }
      } else if ((e.flags & HAS_ROOT) === 0 && (e.ts === 0 || ts < e.ts)) {
        e.ts = ts;
      }
      block.include(e.ts);
      // A strict-id sub-trace is dated by one of its own spans: keep every timestamp in bounds.
      if ((e.flags & MIXED_IDS) !== 0) block.include(ts);
    }
    if (duration > e.maxDuration) e.maxDuration = duration;
    const service = batchLabel(this.packer, b, i, 1), remote = batchLabel(this.packer, b, i, 2);
    this.index(b, i, ord, duration === duration ? duration : 0, service, remote);
    // A packed span starts ["<id>", then "<parent id>" or 0 (see SpanPacker).
    const parent = packed.charCodeAt(20) === 0x22;
    const local = b.locals[i] as number; // -1: an endpoint the packer did not intern
    block.records.add(
      ord - this.blockStart(this.blockOf(ord)), hexWord(packed, 2), hexWord(packed, 10),
      parent ? hexWord(packed, 21) : 0, parent ? hexWord(packed, 29) : 0, b.times[i * 4 + 2] as number,
      local < 0 ? block.records.inlineEndpoint(this.packer.packedLocalEndpoint(packed) as Endpoint) : local,
      this.linkName(remote), ts === ts ? ts : 0,
    );
    return asSent;
  }

  /**
   * Whether the trace already holds this span. Equal spans pack to equal strings (interning is
   * stable), so each recent trace keeps a set of hashes of its packed spans: a new span costs one
   * hash and one set lookup, and only a hash already seen (a duplicate or a collision) is checked
   * against the stored data.
   */
  private isDuplicate(e: TraceEntry, packed: string, pending: string[] | undefined): boolean {
    if (e.count === 0) return false;
    const h = spanHash(packed); // a small integer: no heap number per lookup
    const hashes = e.hashes ?? this.buildHashes(e, pending);
    if (!hashes.has(h)) {
      hashes.add(h);
      this.hashTotal++;
      return false;
    }
    if (pending !== undefined && pending.some((p) => holds(p, packed))) return true;
    if (e.chunks !== undefined && e.chunks.some((c) => holds(c, packed))) return true;
    return e.data !== '' && holds(e.data, packed);
  }

  /** The packed-span hashes of a trace (stored and pending), built when first needed. */
  private buildHashes(e: TraceEntry, pending: string[] | undefined): Set<number> {
    const hashes = new Set<number>();
    const add = (joined: string): void => {
      if (joined === '') return;
      for (let from = 0; ; ) {
        const to = joined.indexOf('\n', from);
        hashes.add(spanHash(to < 0 ? joined.slice(from) : joined.slice(from, to)));
        if (to < 0) return;
        from = to + 1;
      }
    };
    add(e.data);
    for (const c of e.chunks ?? []) add(c);
    for (const p of pending ?? []) add(p);
    e.hashes = hashes;
    this.hashed.push(e);
    this.hashTotal += hashes.size;
    return hashes;
  }

  /**
   * Links a quiet block ahead, then the next, one at a time: a slice of traces per turn of the
   * event loop (so ingest never waits long), cached once per block of 1,024 traces, so that the
   * first getDependencies over a long window finds them ready.
   */
  private linkNext(): void {
    const id = this.quietBlock();
    const block = id === undefined ? undefined : this.blocks.get(id);
    if (id === undefined || block === undefined || this.linkAhead === undefined) {
      this.linking = false;
      return;
    }
    this.linking = true;
    block.triedVersion = block.version;
    this.linkAhead(id, block, () => this.linkNext());
  }

  /**
   * The oldest block without links and not tried at its version that has been unchanged for
   * linkQuietMs; when there is none yet, a look is set for when the first such one will be.
   */
  private quietBlock(): number | undefined {
    // The oldest block is skipped once eviction has begun on it: it changes trace by trace.
    const evicting = this.firstLive > this.blockStart(this.blockOf(this.firstLive)) ? this.blockOf(this.firstLive) : -1;
    const now = performance.now();
    let wait = Number.POSITIVE_INFINITY;
    for (const [id, block] of this.blocks) {
      if (id <= evicting || block.links !== undefined || block.linking !== undefined || block.triedVersion === block.version) continue;
      const quiet = now - block.changedAt;
      if (quiet >= this.linkQuietMs) return id;
      wait = Math.min(wait, this.linkQuietMs - quiet);
    }
    if (wait !== Number.POSITIVE_INFINITY) this.linkIn(wait);
    return undefined;
  }

  /** Looks for a block to link ahead in ms, unless a look is due already. */
  private linkIn(ms: number): void {
    if (this.linkTimer !== undefined || this.linkAhead === undefined) return;
    this.linkTimer = setTimeout(() => {
      this.linkTimer = undefined;
      if (!this.linking) this.linkNext();
    }, Math.ceil(ms));
    this.linkTimer.unref();
  }

  /**
   * Bounds the memory of duplicate-check sets: the oldest sets go while the sets hold more than
   * hashesKept hashes in all, but never those of the two newest blocks; a late span to a trace
   * whose set went rebuilds it once. A budget rather than an age, so a big trace whose spans
   * arrive spread over many blocks is not rebuilt again and again. The total is kept as sets
   * grow, so this touches only the sets it drops (walking every kept set cost more than the rest).
   */
  private dropOldHashes(): void {
    const keepFrom = this.nextOrd - 2 * this.blockSize;
    const list = this.hashed;
    let i = this.hashedHead;
    while (i < list.length && this.hashTotal > this.hashesKept) {
      const e = list[i] as TraceEntry;
      if (e.ord >= keepFrom) break;
      this.hashTotal -= e.hashes?.size ?? 0;
      e.hashes = undefined;
      i++;
    }
    this.hashedHead = i;
    if (i > 4096 && i * 2 > list.length) {
      this.hashed = list.slice(i);
      this.hashedHead = 0;
    }
  }

  private block(ord: number): Block {
    const id = this.blockOf(ord);
    let b = this.blocks.get(id);
    if (b === undefined) this.blocks.set(id, (b = new Block()));
    return b;
  }

  /** The number linking knows a service name by (0: none); names are few, and kept. */
  private linkName(name: string): number {
    if (name === '') return 0;
    if (name === this.lastLinkName) return this.lastLinkId;
    let id = this.linkIds.get(name);
    if (id === undefined) {
      id = this.linkNames.length;
      this.linkNames.push(name);
      this.linkIds.set(name, id);
    }
    this.lastLinkName = name;
    this.lastLinkId = id;
    return id;
  }

  /** Indexes span i of a batch, whose local and remote services (batchLabel) are given. */
  private index(b: PreparedBatch, i: number, ord: number, duration: number, service: string, remote: string): void {
    if (service !== '') {
      let s = this.services.get(service);
      if (s === undefined) {
        this.services.set(service, (s = { traces: [], durations: [], names: new Map(), remotes: new Map() }));
      }
      addOrdinalWithMax(s.traces, s.durations, ord, duration);
      const name = batchLabel(this.packer, b, i, 0);
      if (name !== '') addPosting(s.names, name, ord);
      if (remote !== '') addPosting(s.remotes, remote, ord);
    }
    const terms = b.terms;
    for (let t = i === 0 ? 0 : (b.termEnds[i - 1] as number), end = b.termEnds[i] as number; t < end; t++) {
      this.terms.add(terms[t] as number, ord);
    }
  }

  private evictOldest(): void {
    const e = this.entries[this.head];
    this.entries[this.head] = undefined;
    this.head++;
    this.evictedSinceSweep++;
    if (e === undefined) return;
    this.byId.delete(e);
    this.spanCount -= e.count;
    const id = this.blockOf(e.ord);
    const block = this.blocks.get(id);
    if (block !== undefined) {
      block.changed(this.lastAcceptAt);
      if (this.blockOf(e.ord + 1) !== id) this.blocks.delete(id); // last trace of its block
    }
    if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.firstOrd += this.head;
      this.head = 0;
    }
  }

  /** Cuts evicted ordinals out of every index (amortized: runs after as many evictions as live traces). */
  sweep(): void {
    const live = this.firstLive;
    for (const [name, s] of this.services) {
      const t = s.traces;
      if (t.length > 0 && (t[0] as number) < live) {
        const i = lowerBound(t, live);
        t.splice(0, i);
        s.durations.splice(0, i);
      }
      if (t.length === 0) {
        this.services.delete(name);
        continue;
      }
      sweepPostings(s.names, live);
      sweepPostings(s.remotes, live);
    }
    this.terms.drop(live);
    this.evictedSinceSweep = 0;
  }

  /** Drops everything. */
  clear(): void {
    this.byId.clear();
    this.entries = [];
    this.services.clear();
    this.terms.clear();
    this.blocks.clear();
    this.hashed = [];
    this.hashedHead = 0;
    this.hashTotal = 0;
    this.linking = false;
    this.linkAhead = undefined;
    clearTimeout(this.linkTimer);
    this.linkTimer = undefined;
    this.spanCount = 0;
  }
}
