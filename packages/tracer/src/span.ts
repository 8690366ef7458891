import type { Span } from '@skein/model';
import { Span as OtSpan } from 'opentracing';
import { millisToMicros, nowMicros } from './clock.js';
import type { SkeinSpanContext } from './span-context.js';

/** What a span needs from its tracer: where finished spans go. */
export interface SpanSink {
  /** Called once when a sampled span finishes. */
  onFinish(span: SkeinSpan): void;
  /** Builds the Zipkin form of a finished span. */
  toZipkin(span: SkeinSpan): Span;
}

/**
 * A Skein span. Tags and logs are kept as flat arrays and only turned into Zipkin fields when the
 * span is encoded, so recording costs little; unsampled spans record nothing.
 */
export class SkeinSpan extends OtSpan {
  /** The tracer (or sink) this span reports to. */
  readonly sink: SpanSink;
  /** This span's context. */
  readonly ctx: SkeinSpanContext;
  /** The operation name. */
  name: string;
  /** Start, epoch microseconds. */
  readonly startMicros: number;
  /** Duration in microseconds; -1 until finished. */
  durationMicros = -1;
  /** Tags as [key, value, key, value, ...], null when none. */
  tagList: unknown[] | null;
  /** Logs as [epochMicros, fields, ...], null when none. */
  logList: unknown[] | null = null;

  /** `sink` is the tracer; tagList may be pre-filled (start tags) to size it exactly. */
  constructor(sink: SpanSink, ctx: SkeinSpanContext, name: string, startMicros: number, tagList: unknown[] | null) {
    super();
    this.sink = sink;
    this.tagList = tagList;
    this.ctx = ctx;
    this.name = name;
    this.startMicros = startMicros;
  }

  /** True once finish() was called. */
  get finished(): boolean {
    return this.durationMicros >= 0;
  }

  protected override _context(): SkeinSpanContext {
    return this.ctx;
  }

  override context(): SkeinSpanContext {
    return this.ctx;
  }

  protected override _tracer(): never {
    return this.sink as never;
  }

  protected override _setOperationName(name: string): void {
    this.name = name;
  }

  protected override _setBaggageItem(key: string, value: string): void {
    this.ctx.setBaggageItem(key, value);
  }

  protected override _getBaggageItem(key: string): string | undefined {
    return this.ctx.getBaggageItem(key);
  }

  /** The Zipkin v2 form of this span (built on demand, e.g. when a batch is sent). */
  toZipkin(): Span {
    return this.sink.toZipkin(this);
  }

  override setTag(key: string, value: unknown): this {
    if (key === 'sampling.priority') this.ctx.setPriority(Number(value));
    if (this.ctx.flags & 1) {
      if (this.tagList === null) this.tagList = [key, value];
      else this.tagList.push(key, value);
    }
    return this;
  }

  protected override _addTags(keyValuePairs: Record<string, unknown>): void {
    for (const key of Object.keys(keyValuePairs)) this.setTag(key, keyValuePairs[key]);
  }

  protected override _log(fields: Record<string, unknown>, timestamp?: number): void {
    if ((this.ctx.flags & 1) === 0) return;
    const ts = timestamp === undefined ? nowMicros() : millisToMicros(timestamp);
    if (this.logList === null) this.logList = [ts, fields];
    else this.logList.push(ts, fields);
  }

  override finish(finishTime?: number): void {
    if (this.durationMicros >= 0) return;
    const end = finishTime === undefined ? nowMicros() : millisToMicros(finishTime);
    this.durationMicros = Math.max(1, end - this.startMicros);
    if (this.ctx.flags & 1) this.sink.onFinish(this);
  }

  protected override _finish(finishTime?: number): void {
    this.finish(finishTime);
  }
}
