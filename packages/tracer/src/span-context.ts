import { SpanContext } from 'opentracing';

/** Sampling flag bits carried by a context. */
export const FLAG_SAMPLED = 1;
/** The caller's decision is known (sampled or not); absent means "defer to the sampler". */
export const FLAG_DECIDED = 2;
/** Debug: always sampled, and the collector must keep it. */
export const FLAG_DEBUG = 4;
/** The context came from another process (extract), not from a local span. */
export const FLAG_REMOTE = 8;

/** Baggage: string key/value pairs that travel with the trace to every downstream span. */
export type Baggage = Readonly<Record<string, string>>;

/**
 * Skein's span context: ids, sampling flags, baggage and the W3C tracestate to pass on.
 * traceId is '' only for a sampling-flags-only context (e.g. `b3: 1`), which starts a new trace
 * with the caller's decision.
 */
export class SkeinSpanContext extends SpanContext {
  /** Lower-hex trace id, 16 or 32 chars. */
  readonly traceId: string;
  /** Lower-hex span id, 16 chars. */
  readonly spanId: string;
  /** Parent span id, when known. */
  readonly parentId: string | undefined;
  /** FLAG_* bits. */
  flags: number;
  /** Baggage; shared copy-on-write between parent and children. */
  baggage: Baggage | undefined;
  /** The incoming W3C tracestate, passed on unchanged. */
  readonly traceState: string | undefined;

  constructor(
    traceId: string,
    spanId: string,
    parentId: string | undefined,
    flags: number,
    baggage: Baggage | undefined,
    traceState: string | undefined,
  ) {
    super();
    this.traceId = traceId;
    this.spanId = spanId;
    this.parentId = parentId;
    this.flags = flags;
    this.baggage = baggage;
    this.traceState = traceState;
  }

  /** True when this trace is recorded and reported. */
  get sampled(): boolean {
    return (this.flags & FLAG_SAMPLED) !== 0;
  }

  /** True when the trace was marked debug. */
  get debug(): boolean {
    return (this.flags & FLAG_DEBUG) !== 0;
  }

  /** The sampling decision if one was made: true, false, or undefined (deferred). */
  get samplingDecision(): boolean | undefined {
    return (this.flags & FLAG_DECIDED) !== 0 ? (this.flags & FLAG_SAMPLED) !== 0 : undefined;
  }

  override toTraceId(): string {
    return this.traceId;
  }

  override toSpanId(): string {
    return this.spanId;
  }

  /** Applies OpenTracing's `sampling.priority` tag: > 0 forces sampling (as debug), 0 turns it off. */
  setPriority(priority: number): void {
    if (Number.isNaN(priority)) return;
    this.flags = priority > 0 ? this.flags | FLAG_SAMPLED | FLAG_DECIDED | FLAG_DEBUG : (this.flags & ~(FLAG_SAMPLED | FLAG_DEBUG)) | FLAG_DECIDED;
  }

  /** Returns one baggage item, or undefined. */
  getBaggageItem(key: string): string | undefined {
    return this.baggage?.[key];
  }

  /** Sets one baggage item (copy-on-write, so the parent's baggage is unchanged). */
  setBaggageItem(key: string, value: string): void {
    this.baggage = { ...this.baggage, [key]: value };
  }
}
