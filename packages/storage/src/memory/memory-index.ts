import type { Span } from '@skein/model';
import { addOrdinal, addPosting, hash32, sweepPostings } from './posting-list.js';
import type { Postings } from './posting-list.js';
import { lowTraceId } from './query-predicate.js';
import { SpanPacker } from './span-packer.js';
import { BLOCK_BITS, Block, HAS_ROOT, MIXED_IDS, TraceEntry } from './trace-entry.js';

/** What is indexed per local service. */
export interface ServiceIndex {
  /** Traces with a span of this service. */
  traces: number[];
  /** Span name → traces with a span of this service and name. */
  names: Map<string, Postings>;
  /** Remote service name → traces with a span of this service calling it. */
  remotes: Map<string, Postings>;
}

/** The key of an annotationQuery term: "key=value" (tag) or a bare word (annotation value or tag key). */
export function termKey(key: string, value: string): number {
  return value === '' ? hash32(`w\u0000${key}`) : hash32(`t\u0000${key}\u0000${value}`);
}

const BIG_TRACE = 256;

/**
 * The data of the memory store: traces in arrival order, bounded by maxSpans (the oldest whole
 * traces, by first arrival, are evicted), and the indexes queries use.
 */
export class MemoryIndex {
  readonly packer = new SpanPacker();
  /** Low 64 bits of the trace id → trace. */
  readonly byId = new Map<string, TraceEntry>();
  /** Traces by ordinal: entries[ord - firstOrd]; evicted slots before head are undefined. */
  private entries: (TraceEntry | undefined)[] = [];
  private firstOrd = 0;
  private head = 0;
  readonly services = new Map<string, ServiceIndex>();
  /** termKey → traces holding the term (hash collisions only add candidates; queries re-check). */
  readonly terms = new Map<number, Postings>();
  readonly blocks = new Map<number, Block>();
  readonly autocomplete = new Map<string, Set<string>>();
  spanCount = 0;
  private evictedSinceSweep = 0;

  constructor(readonly maxSpans: number, autocompleteKeys: readonly string[]) {
    for (const k of autocompleteKeys) this.autocomplete.set(k, new Set());
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

  /** The spans of a trace. */
  decode(e: TraceEntry): Span[] {
    const packed = e.data.split('\n');
    const spans = new Array<Span>(packed.length);
    for (let i = 0; i < packed.length; i++) spans[i] = this.packer.unpack(packed[i] as string, e.traceId, e.base);
    return spans;
  }

  /** Stores spans, then evicts the oldest traces while over maxSpans. */
  accept(spans: readonly Span[]): void {
    for (const span of spans) this.add(span);
    while (this.spanCount > this.maxSpans && this.head < this.entries.length) this.evictOldest();
    if (this.evictedSinceSweep > 4096 && this.evictedSinceSweep > this.byId.size) this.sweep();
  }

  private add(span: Span): void {
    const low = lowTraceId(span.traceId);
    let e = this.byId.get(low);
    if (e === undefined) {
      e = new TraceEntry(this.nextOrd, span.traceId, span.timestamp ?? 0);
      this.entries.push(e);
      this.byId.set(low, e);
    }
    const packed = this.packer.pack(span, e.traceId, e.base);
    if (this.isDuplicate(e, packed, span)) return;
    e.data = e.count === 0 ? packed : `${e.data}\n${packed}`;
    e.count++;
    this.spanCount++;
    if (span.traceId !== e.traceId) e.flags |= MIXED_IDS;
    const ord = e.ord;
    const block = this.block(ord);
    block.links = undefined;
    const ts = span.timestamp;
    if (ts !== undefined) {
      if (span.parentId === undefined) {
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
    if (span.duration !== undefined && span.duration > e.maxDuration) e.maxDuration = span.duration;
    this.index(span, ord);
  }

  /**
   * Whether the trace already holds this span. Packed forms of equal spans usually match verbatim,
   * but can differ when a string got interned in between, so spans with the same id are compared
   * unpacked. Big traces keep a set of span id hashes to avoid scanning their data.
   */
  private isDuplicate(e: TraceEntry, packed: string, span: Span): boolean {
    if (e.count === 0) return false;
    const idHash = hash32(span.id);
    if (e.count >= BIG_TRACE) {
      if (e.hashes === undefined) {
        e.hashes = new Set();
        for (const s of this.decode(e)) e.hashes.add(hash32(s.id));
      }
      if (!e.hashes.has(idHash)) {
        e.hashes.add(idHash);
        return false;
      }
    }
    const d = e.data;
    if (d === packed || d.startsWith(`${packed}\n`) || d.endsWith(`\n${packed}`) || d.includes(`\n${packed}\n`)) return true;
    const prefix = `["${span.id}"`;
    if (!d.includes(prefix)) return false;
    const canonical = this.packer.canonical(span);
    for (const p of d.split('\n')) {
      if (p.startsWith(prefix) && this.packer.canonical(this.packer.unpack(p, e.traceId, e.base)) === canonical) return true;
    }
    return false;
  }

  private block(ord: number): Block {
    const id = ord >> BLOCK_BITS;
    let b = this.blocks.get(id);
    if (b === undefined) this.blocks.set(id, (b = new Block()));
    return b;
  }

  private index(span: Span, ord: number): void {
    const service = span.localEndpoint?.serviceName;
    if (service !== undefined && service !== '') {
      let s = this.services.get(service);
      if (s === undefined) this.services.set(service, (s = { traces: [], names: new Map(), remotes: new Map() }));
      addOrdinal(s.traces, ord);
      if (span.name !== undefined && span.name !== '') addPosting(s.names, span.name, ord);
      const remote = span.remoteEndpoint?.serviceName;
      if (remote !== undefined && remote !== '') addPosting(s.remotes, remote, ord);
    }
    const tags = span.tags;
    if (tags !== undefined) {
      for (const key in tags) {
        const value = tags[key] as string;
        addPosting(this.terms, termKey(key, ''), ord);
        if (value !== '') addPosting(this.terms, termKey(key, value), ord);
        const values = this.autocomplete.get(key);
        if (values !== undefined && value !== '' && values.size < 10_000) values.add(value);
      }
    }
    if (span.annotations !== undefined) {
      for (const a of span.annotations) addPosting(this.terms, termKey(a.value, ''), ord);
    }
  }

  private evictOldest(): void {
    const e = this.entries[this.head];
    this.entries[this.head] = undefined;
    this.head++;
    this.evictedSinceSweep++;
    if (e === undefined) return;
    this.byId.delete(lowTraceId(e.traceId));
    this.spanCount -= e.count;
    const id = e.ord >> BLOCK_BITS;
    const block = this.blocks.get(id);
    if (block !== undefined) {
      block.links = undefined;
      if (((e.ord + 1) & ((1 << BLOCK_BITS) - 1)) === 0) this.blocks.delete(id); // last trace of its block
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
        let i = 0;
        while (i < t.length && (t[i] as number) < live) i++;
        t.splice(0, i);
      }
      if (t.length === 0) {
        this.services.delete(name);
        continue;
      }
      sweepPostings(s.names, live);
      sweepPostings(s.remotes, live);
    }
    sweepPostings(this.terms, live);
    this.evictedSinceSweep = 0;
  }

  /** Drops everything. */
  clear(): void {
    this.byId.clear();
    this.entries = [];
    this.services.clear();
    this.terms.clear();
    this.blocks.clear();
    this.spanCount = 0;
  }
}
