import { linkDependencies } from '@skein/model';
import type { DependencyLink, Span } from '@skein/model';
import type { CheckResult, QueryRequest, Storage, StorageOptions } from '../storage.js';
import {
  groupByTraceId, inWindow, lowTraceId, matchesQuery, normalizeTraceId, traceTimestamp,
} from './query-predicate.js';

/**
 * An obviously-correct store that scans every span on every query. Not for production: tests run
 * the conformance suite against it (to check the suite) and compare InMemoryStorage with it.
 */
export class ReferenceStorage implements Storage {
  readonly name = 'reference';
  private spans: Span[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly options: StorageOptions) {}

  async accept(spans: readonly Span[]): Promise<void> {
    for (const s of spans) {
      const key = JSON.stringify(s, Object.keys(flatten(s)).sort());
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.spans.push(structuredClone(s));
    }
  }

  private byLowId(): Map<string, Span[]> {
    const m = new Map<string, Span[]>();
    for (const s of this.spans) {
      const k = lowTraceId(s.traceId);
      const g = m.get(k);
      if (g === undefined) m.set(k, [s]);
      else g.push(s);
    }
    return m;
  }

  async getTrace(traceId: string): Promise<Span[]> {
    const id = normalizeTraceId(traceId);
    const low = lowTraceId(id);
    return structuredClone(this.spans.filter((s) => (this.options.strictTraceId ? s.traceId === id : lowTraceId(s.traceId) === low)));
  }

  async getTraces(request: QueryRequest): Promise<Span[][]> {
    const candidates: Span[][] = [];
    for (const group of this.byLowId().values()) {
      for (const trace of this.options.strictTraceId ? groupByTraceId(group) : [group]) {
        if (inWindow(traceTimestamp(trace), request) && matchesQuery(trace, request)) candidates.push(trace);
      }
    }
    candidates.sort((a, b) => traceTimestamp(b) - traceTimestamp(a));
    return structuredClone(candidates.slice(0, request.limit));
  }

  async getTraceMany(traceIds: readonly string[]): Promise<Span[][]> {
    const result: Span[][] = [];
    const done = new Set<string>();
    for (const raw of traceIds) {
      const id = normalizeTraceId(raw);
      const key = this.options.strictTraceId ? id : lowTraceId(id);
      if (done.has(key)) continue;
      done.add(key);
      const trace = await this.getTrace(id);
      if (trace.length > 0) result.push(trace);
    }
    return result;
  }

  async getServiceNames(): Promise<string[]> {
    return sortedSet(this.spans.map((s) => s.localEndpoint?.serviceName));
  }

  async getRemoteServiceNames(serviceName: string): Promise<string[]> {
    const service = serviceName.toLowerCase();
    return sortedSet(this.spans.filter((s) => s.localEndpoint?.serviceName === service).map((s) => s.remoteEndpoint?.serviceName));
  }

  async getSpanNames(serviceName: string): Promise<string[]> {
    const service = serviceName.toLowerCase();
    return sortedSet(this.spans.filter((s) => s.localEndpoint?.serviceName === service).map((s) => s.name));
  }

  async getDependencies(endTs: number, lookback: number): Promise<DependencyLink[]> {
    const window = { endTs, lookback, limit: 1 };
    return linkDependencies([...this.byLowId().values()].filter((t) => inWindow(traceTimestamp(t), window)));
  }

  async getKeys(): Promise<string[]> {
    return [...this.options.autocompleteKeys];
  }

  async getValues(key: string): Promise<string[]> {
    if (!this.options.autocompleteKeys.includes(key)) return [];
    return sortedSet(this.spans.map((s) => s.tags?.[key]));
  }

  async check(): Promise<CheckResult> {
    return { ok: true };
  }

  async close(): Promise<void> {
    this.spans = [];
  }
}

function sortedSet(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))].sort();
}

/** Every property path of a span, so JSON.stringify with a sorted key list is canonical. */
function flatten(value: unknown, out: Record<string, true> = {}): Record<string, true> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out[k] = true;
      flatten(v, out);
    }
  }
  return out;
}
