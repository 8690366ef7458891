import { AsyncLocalStorage } from 'node:async_hooks';
import type { Endpoint, Span } from '@skein/model';
import { REFERENCE_CHILD_OF, Reference, Span as OtSpan, SpanContext as OtSpanContext, Tracer, type SpanOptions } from 'opentracing';
import { millisToMicros, nowMicros } from './clock.js';
import { randomId64, randomTraceId } from './ids.js';
import { localEndpoint } from './local-endpoint.js';
import { Propagator, type PropagationFormat } from './propagation/propagator.js';
import { BatchReporter, type BatchReporterOptions } from './reporter/batch-reporter.js';
import type { Reporter, ReporterCounters } from './reporter/reporter.js';
import { ParentBasedSampler, ConstSampler, type Sampler } from './sampler/sampler.js';
import { FLAG_DEBUG, FLAG_DECIDED, FLAG_REMOTE, FLAG_SAMPLED, SkeinSpanContext } from './span-context.js';
import { SkeinSpan, type SpanSink } from './span.js';
import { toZipkinSpan } from './to-zipkin.js';
import { validateOptions } from './tracer-options.js';

/** Options of a Skein tracer. */
export interface TracerOptions {
  /** This service's name (required); lower-cased as Zipkin does. */
  serviceName: string;
  /** A reporter (any object with report(span)), or options for the default batching HTTP reporter. */
  reporter?: Reporter | BatchReporterOptions;
  /** Decides which new traces are recorded. Default: respect the caller, else sample everything. */
  sampler?: Sampler;
  /** Header formats to inject (default ['b3', 'w3c']); extract always tries every format. */
  propagation?: readonly PropagationFormat[];
  /** New traces get 128-bit ids (default true). */
  traceId128Bit?: boolean;
  /** Process-level tags added to every span. */
  tags?: Record<string, string | number | boolean>;
  /** Overrides the local endpoint's address fields (ipv4 is detected by default). */
  localEndpoint?: Endpoint;
}

/** Options of startSpan; childOf may be null/undefined; `root: true` ignores the active span. */
export interface SkeinSpanOptions extends Omit<SpanOptions, 'childOf'> {
  /** The parent; null starts a new trace; undefined means the active span, if any. */
  childOf?: OtSpan | OtSpanContext | null | undefined;
  /** Start a new trace even when a span is active. */
  root?: boolean;
}

function isReporter(r: Reporter | BatchReporterOptions): r is Reporter {
  return typeof (r as Reporter).report === 'function';
}

function contextOf(x: unknown): SkeinSpanContext | undefined {
  if (x instanceof SkeinSpan) return x.ctx;
  if (x instanceof SkeinSpanContext) return x;
  if (x instanceof OtSpan) {
    const c = x.context();
    return c instanceof SkeinSpanContext ? c : undefined;
  }
  return undefined;
}

/** Skein's OpenTracing tracer. */
export class SkeinTracer extends Tracer implements SpanSink {
  /** The reporter finished spans go to. */
  readonly reporter: Reporter;
  /** The sampler for new and remote-parented traces. */
  readonly sampler: Sampler;
  /** The local endpoint put on every span. */
  readonly localEndpoint: Endpoint;
  private readonly batch: BatchReporter | undefined;
  private readonly processTags: Readonly<Record<string, string>> | undefined;
  private readonly propagator: Propagator;
  private readonly wideIds: boolean;
  private readonly als = new AsyncLocalStorage<SkeinSpan>();
  private readonly own = { reported: 0, failed: 0 };
  private closing: Promise<void> | undefined;

  constructor(options: TracerOptions) {
    super();
    validateOptions(options);
    this.localEndpoint = localEndpoint(options.serviceName, options.localEndpoint);
    const r = options.reporter ?? {};
    this.reporter = isReporter(r) ? r : new BatchReporter(r);
    this.batch = this.reporter instanceof BatchReporter ? this.reporter : undefined;
    this.sampler = options.sampler ?? new ParentBasedSampler(new ConstSampler(true));
    this.propagator = new Propagator(options.propagation ?? ['b3', 'w3c']);
    this.wideIds = options.traceId128Bit ?? true;
    if (options.tags !== undefined) {
      const tags: Record<string, string> = {};
      for (const [k, v] of Object.entries(options.tags)) tags[k] = String(v);
      this.processTags = Object.freeze(tags);
    }
  }

  /** Delivery counters of the reporter: reported, dropped, failed, queued. */
  get counters(): ReporterCounters {
    return this.reporter.counters ?? { reported: this.own.reported, dropped: 0, failed: this.own.failed, queued: 0 };
  }

  override startSpan(name: string, options?: SkeinSpanOptions): SkeinSpan {
    let parent: SkeinSpanContext | undefined;
    if (options !== undefined) {
      if (options.childOf != null) parent = contextOf(options.childOf);
      else if (options.references !== undefined && options.references.length > 0) parent = this.parentFromReferences(options.references);
    }
    if (parent === undefined && options?.root !== true && (options === undefined || (options as { childOf?: unknown }).childOf !== null)) {
      parent = this.als.getStore()?.ctx;
    }
    const ctx = this.newContext(name, parent);
    const start = options?.startTime === undefined ? nowMicros() : millisToMicros(options.startTime);
    const tags = options?.tags;
    if (tags === undefined) return new SkeinSpan(this, ctx, name, start, null);
    // Start tags go into an exactly sized list (a queued span's memory matters); sampling.priority
    // may change the decision, so it goes through setTag.
    let list: unknown[] | null = null;
    if (ctx.flags & FLAG_SAMPLED) {
      const keys = Object.keys(tags);
      list = new Array<unknown>(keys.length * 2);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        list[2 * i] = k;
        list[2 * i + 1] = tags[k];
      }
    }
    const span = new SkeinSpan(this, ctx, name, start, list);
    if ('sampling.priority' in tags) {
      span.setTag('sampling.priority', tags['sampling.priority']);
      if (list === null && ctx.flags & FLAG_SAMPLED) for (const k in tags) if (k !== 'sampling.priority') span.setTag(k, tags[k]);
    }
    return span;
  }

  private parentFromReferences(refs: readonly Reference[]): SkeinSpanContext | undefined {
    let followsFrom: SkeinSpanContext | undefined;
    for (const ref of refs) {
      const c = contextOf(ref.referencedContext());
      if (c === undefined) continue;
      if (ref.type() === REFERENCE_CHILD_OF) return c;
      followsFrom ??= c;
    }
    return followsFrom;
  }

  private newContext(name: string, parent: SkeinSpanContext | undefined): SkeinSpanContext {
    const spanId = randomId64();
    if (parent === undefined || parent.traceId === '') {
      const traceId = randomTraceId(this.wideIds);
      let flags: number;
      if (parent !== undefined && parent.flags & FLAG_DEBUG) flags = FLAG_DECIDED | FLAG_SAMPLED | FLAG_DEBUG;
      // A sampling-only context (`b3: 0` / `b3: 1`) carries nothing but the caller's explicit decision:
      // honour it (tracers' own reporting requests send `b3: 0` so that a traced collector skips them).
      else if (parent !== undefined && parent.flags & FLAG_DECIDED) flags = FLAG_DECIDED | (parent.flags & FLAG_SAMPLED);
      else flags = FLAG_DECIDED | (this.sampler.shouldSample(traceId, name, parent?.samplingDecision) ? FLAG_SAMPLED : 0);
      return new SkeinSpanContext(traceId, spanId, undefined, flags, parent?.baggage, undefined);
    }
    let flags = parent.flags & ~FLAG_REMOTE;
    if (parent.flags & FLAG_DEBUG) flags |= FLAG_SAMPLED | FLAG_DECIDED;
    else if (parent.flags & FLAG_REMOTE || (parent.flags & FLAG_DECIDED) === 0) {
      flags = FLAG_DECIDED | (this.sampler.shouldSample(parent.traceId, name, parent.samplingDecision) ? FLAG_SAMPLED : 0);
    }
    return new SkeinSpanContext(parent.traceId, spanId, parent.spanId, flags, parent.baggage, parent.traceState);
  }

  override inject(spanContext: OtSpanContext | OtSpan, format: string, carrier: unknown): void {
    try {
      const ctx = contextOf(spanContext);
      if (ctx !== undefined) this.propagator.injectInto(ctx, format, carrier);
    } catch {
      // a carrier that throws on write must not break the caller
    }
  }

  override extract(format: string, carrier: unknown): SkeinSpanContext | null {
    try {
      return this.propagator.extractFrom(format, carrier);
    } catch {
      return null;
    }
  }

  /** The span active in the current async context, if any. */
  activeSpan(): SkeinSpan | undefined {
    return this.als.getStore();
  }

  /** Runs fn with `span` active; spans started inside default to it as parent. */
  withSpan<T>(span: SkeinSpan, fn: () => T): T {
    return this.als.run(span, fn);
  }

  /**
   * Starts a span, runs fn(span) with it active, and finishes it when fn returns or its promise
   * settles; a throw or rejection marks the span as failed and is passed on.
   */
  startActiveSpan<T>(name: string, fn: (span: SkeinSpan) => T): T;
  startActiveSpan<T>(name: string, options: SkeinSpanOptions, fn: (span: SkeinSpan) => T): T;
  startActiveSpan<T>(name: string, a: SkeinSpanOptions | ((span: SkeinSpan) => T), b?: (span: SkeinSpan) => T): T {
    const fn = (typeof a === 'function' ? a : b) as (span: SkeinSpan) => T;
    const span = this.startSpan(name, typeof a === 'function' ? undefined : a);
    const fail = (err: unknown): void => {
      span.setTag('error', true);
      span.log({ event: 'error', 'error.object': err instanceof Error ? err : new Error(String(err)) });
      span.finish();
    };
    let result: T;
    try {
      result = this.als.run(span, fn, span);
    } catch (err) {
      fail(err);
      throw err;
    }
    if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
      return (result as unknown as Promise<unknown>).then(
        (v) => {
          span.finish();
          return v;
        },
        (err: unknown) => {
          fail(err);
          throw err;
        },
      ) as T;
    }
    span.finish();
    return result;
  }

  /** SpanSink: a sampled span finished. */
  onFinish(span: SkeinSpan): void {
    if (this.batch !== undefined) {
      this.batch.enqueue(span);
      return;
    }
    try {
      this.reporter.report(this.toZipkin(span));
      this.own.reported++;
    } catch {
      this.own.failed++;
    }
  }

  /** SpanSink: the Zipkin v2 form of a finished span. */
  toZipkin(span: SkeinSpan): Span {
    return toZipkinSpan(span, this.localEndpoint, this.processTags);
  }

  /** Delivers every span finished so far. */
  async flush(): Promise<void> {
    await this.reporter.flush?.();
  }

  /** Delivers what is queued and stops the reporter and sampler. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.sampler.close?.();
      await this.reporter.close?.();
    })();
    return this.closing;
  }
}

/** Creates a SkeinTracer (same as `new SkeinTracer(options)`). */
export function createTracer(options: TracerOptions): SkeinTracer {
  return new SkeinTracer(options);
}
