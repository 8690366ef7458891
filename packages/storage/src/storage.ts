import type { DependencyLink, Span } from '@skein/model';

/** A trace search, with Zipkin's semantics (see QueryRequest in Zipkin). */
export interface QueryRequest {
  /** Local service name of at least one span (lower-case). */
  serviceName?: string;
  /** Remote service name of at least one span of serviceName (lower-case). */
  remoteServiceName?: string;
  /** Span name of at least one span of serviceName (lower-case). */
  spanName?: string;
  /** key → value for tags; key → '' for a bare word (annotation value or tag key). */
  annotationQuery?: Record<string, string>;
  /** Microseconds; a span of serviceName must last at least this long. */
  minDuration?: number;
  /** Microseconds; with minDuration, an upper bound. */
  maxDuration?: number;
  /** Epoch milliseconds: only traces whose start is at or before this. */
  endTs: number;
  /** Milliseconds before endTs to search. */
  lookback: number;
  /** Maximum number of traces returned, newest first. */
  limit: number;
}

/** Writes spans. accept() resolves only once the spans are durable in the store. */
export interface SpanConsumer {
  accept(spans: readonly Span[]): Promise<void>;
}

/** Reads spans and traces. A trace is the list of its spans, in no particular order. */
export interface SpanStore {
  /** The spans of one trace ([] when unknown). With strictTraceId off, matches the low 64 bits. */
  getTrace(traceId: string): Promise<Span[]>;
  /**
   * Optional fast path: the trace as Zipkin JSON v2 text, exactly the bytes of encoding
   * getTrace() with ZIPKIN_JSON_V2; undefined when no span is stored.
   */
  getTraceJson?(traceId: string): Promise<string | undefined>;
  /** Traces matching the request, newest first, at most request.limit. */
  getTraces(request: QueryRequest): Promise<Span[][]>;
  /** The traces among ids that exist, in the order of ids. */
  getTraceMany(traceIds: readonly string[]): Promise<Span[][]>;
  /** Every local service name, sorted. */
  getServiceNames(): Promise<string[]>;
  /** Remote service names seen from spans of serviceName, sorted. */
  getRemoteServiceNames(serviceName: string): Promise<string[]>;
  /** Span names of serviceName, sorted. */
  getSpanNames(serviceName: string): Promise<string[]>;
  /** Links between services for traces starting in [endTs - lookback, endTs], in epoch ms (as getTraces). */
  getDependencies(endTs: number, lookback: number): Promise<DependencyLink[]>;
}

/** Autocomplete of the tag keys configured for it and their values. */
export interface AutocompleteTags {
  getKeys(): Promise<string[]>;
  getValues(key: string): Promise<string[]>;
}

/** The result of a health check: ok, or an error naming what is wrong. */
export type CheckResult = { ok: true } | { ok: false; error: string };

/** A complete storage backend. */
export interface Storage extends SpanConsumer, SpanStore, AutocompleteTags {
  /** The store's name as shown by /health (e.g. "memory", "sqlite"). */
  readonly name: string;
  check(): Promise<CheckResult>;
  close(): Promise<void>;
}

/** Options every store honours. */
export interface StorageOptions {
  /** When false, trace ids are matched on their low 64 bits (mixed 64/128-bit instrumentation). */
  strictTraceId: boolean;
  /** Tag keys whose values are kept for autocomplete. */
  autocompleteKeys: readonly string[];
}
