import type { DependencyLink, Span } from '@skein/model';
import type { CheckResult, QueryRequest, Storage, StorageOptions } from '../storage.js';
import { dependencyLinks, linkAhead } from './dependencies.js';
import { MemoryIndex } from './memory-index.js';
import { hasLive } from './posting-list.js';
import { lowTraceId, normalizeTraceId } from './query-predicate.js';
import { searchTraces } from './search.js';
import type { PrepareSettings, PreparedBatch } from './prepared-batch.js';
import type { PackerDelta } from './span-packer.js';

/** Options of the memory store. */
export interface InMemoryStorageOptions extends Partial<StorageOptions> {
  /** Most spans kept; beyond it the oldest traces (by first arrival) are evicted whole. Default 500,000. */
  maxSpans?: number;
  /** Tuning: traces per block as a power of two (time bounds and cached links are per block). Default 10. */
  blockBits?: number;
  /** Tuning: hashes kept in all by the duplicate-check sets of recent traces. Default 262,144. */
  dedupeHashes?: number;
  /**
   * Prepares spans elsewhere (a worker thread owning the packer; see prepareBatch). When set,
   * accept() sends spans to it and this store's packer is a replica kept current by
   * applyPackerDelta(), so every span is packed by one packer and duplicates pack alike.
   */
  preparer?: (spans: readonly Span[]) => Promise<PreparedBatch>;
}


/** Error with a stable code for bad store options. */
export class StorageOptionError extends Error {
  readonly code = 'STORAGE_INVALID_OPTION';
}

/**
 * A bounded in-memory store. Spans are kept packed (see SpanPacker), indexed by trace id,
 * service, span name, remote service and annotationQuery terms, so no query scans every span.
 * Accept and queries run synchronously on the event loop, so a resolved accept() is visible.
 */
export class InMemoryStorage implements Storage {
  readonly name = 'memory';
  private readonly strictTraceId: boolean;
  private readonly autocompleteKeys: readonly string[];
  private index: MemoryIndex;
  private readonly preparer: ((spans: readonly Span[]) => Promise<PreparedBatch>) | undefined;

  constructor(options: InMemoryStorageOptions = {}) {
    const maxSpans = options.maxSpans ?? 500_000;
    if (!Number.isSafeInteger(maxSpans) || maxSpans <= 0) {
      throw new StorageOptionError(`maxSpans must be a positive integer, got ${String(maxSpans)}`);
    }
    this.strictTraceId = options.strictTraceId ?? true;
    this.autocompleteKeys = [...(options.autocompleteKeys ?? [])];
    this.index = new MemoryIndex(maxSpans, this.autocompleteKeys, options.blockBits, options.dedupeHashes);
    this.preparer = options.preparer;
    const index = this.index;
    index.linkAhead = (id, block, done) => linkAhead(index, id, block, done);
  }

  /** Spans currently stored. */
  get spanCount(): number {
    return this.index.spanCount;
  }

  async accept(spans: readonly Span[]): Promise<void> {
    if (this.preparer === undefined) this.index.accept(spans);
    else if (spans.length > 0) this.index.acceptPrepared(await this.preparer(spans));
  }

  /** What a preparer must share with this store: the autocomplete keys. */
  get prepareSettings(): PrepareSettings {
    return { autocompleteKeys: this.autocompleteKeys };
  }

  /**
   * Stores a batch prepared by the preparer's packer. Deltas must be applied (applyPackerDelta)
   * in the order the packer made them, before the batch holding them or any later one is stored.
   */
  async acceptPrepared(batch: PreparedBatch): Promise<void> {
    this.index.acceptPrepared(batch);
  }

  /** Everything this store's packer interned (seeds a new preparer's packer). */
  packerSnapshot(): PackerDelta {
    return this.index.packer.snapshot();
  }

  /** Brings this store's packer up to the preparer's (call for every delta, in order). */
  applyPackerDelta(delta: PackerDelta): void {
    this.index.packer.applyDelta(delta);
  }

  async getTrace(traceId: string): Promise<Span[]> {
    return this.trace(normalizeTraceId(traceId));
  }

  /** The trace as Zipkin JSON v2 text (what encoding getTrace() gives), or undefined when not stored. */
  async getTraceJson(traceId: string): Promise<string | undefined> {
    const id = normalizeTraceId(traceId);
    const e = this.index.byId.get(id);
    if (e === undefined) return undefined;
    const text = this.index.json(e, this.strictTraceId ? id : undefined);
    return text === '[]' ? undefined : text;
  }

  private trace(id: string): Span[] {
    const e = this.index.byId.get(id);
    if (e === undefined) return [];
    const spans = this.index.decode(e);
    return this.strictTraceId ? spans.filter((s) => s.traceId === id) : spans;
  }

  async getTraces(request: QueryRequest): Promise<Span[][]> {
    return searchTraces(this.index, request, this.strictTraceId);
  }

  async getTraceMany(traceIds: readonly string[]): Promise<Span[][]> {
    const result: Span[][] = [];
    const done = new Set<string>();
    for (const raw of traceIds) {
      const id = normalizeTraceId(raw);
      const key = this.strictTraceId ? id : lowTraceId(id);
      if (done.has(key)) continue;
      done.add(key);
      const trace = this.trace(id);
      if (trace.length > 0) result.push(trace);
    }
    return result;
  }

  async getServiceNames(): Promise<string[]> {
    const live = this.index.firstLive;
    const names: string[] = [];
    for (const [name, s] of this.index.services) if (hasLive(s.traces, live)) names.push(name);
    return names.sort();
  }

  async getRemoteServiceNames(serviceName: string): Promise<string[]> {
    const s = this.index.services.get(serviceName.toLowerCase());
    return s === undefined ? [] : liveKeys(s.remotes, this.index.firstLive);
  }

  async getSpanNames(serviceName: string): Promise<string[]> {
    const s = this.index.services.get(serviceName.toLowerCase());
    return s === undefined ? [] : liveKeys(s.names, this.index.firstLive);
  }

  async getDependencies(endTs: number, lookback: number): Promise<DependencyLink[]> {
    return dependencyLinks(this.index, endTs, lookback);
  }

  async getKeys(): Promise<string[]> {
    return [...this.autocompleteKeys];
  }

  async getValues(key: string): Promise<string[]> {
    const values = this.index.autocomplete.get(key);
    return values === undefined ? [] : [...values].sort();
  }

  async check(): Promise<CheckResult> {
    return { ok: true };
  }

  async close(): Promise<void> {
    this.index.clear();
    this.index = new MemoryIndex(1, []);
  }
}

function liveKeys(map: Map<string, number | number[]>, firstLive: number): string[] {
  const out: string[] = [];
  for (const [k, p] of map) if (hasLive(p, firstLive)) out.push(k);
  return out.sort();
}
