// Jaeger's own (archived) Node client as a real peer for uber-trace-id and uberctx-* baggage.
import { createRequire } from 'node:module';
import { FORMAT_HTTP_HEADERS } from 'opentracing';
import { describe, expect, it } from 'vitest';
import { createTracer } from '../index.js';
import { CollectingReporter } from '../test-support/collect.js';

interface JaegerSpan {
  context(): { toTraceId(): string; toSpanId(): string; parentIdStr?: string; isSampled(): boolean };
  setBaggageItem(k: string, v: string): void;
  getBaggageItem(k: string): string | undefined;
  finish(): void;
}
interface JaegerTracer {
  startSpan(name: string, options?: object): JaegerSpan;
  inject(ctx: unknown, format: string, carrier: object): void;
  extract(format: string, carrier: object): { toTraceId(): string; toSpanId(): string; isSampled(): boolean; baggage: Record<string, string> } | null;
  close(cb?: () => void): void;
}
const require = createRequire(import.meta.url);
const jaeger = require('jaeger-client') as {
  Tracer: new (service: string, reporter: object, sampler: object) => JaegerTracer;
  InMemoryReporter: new () => object;
  ConstSampler: new (v: boolean) => object;
};

const jTracer = new jaeger.Tracer('jaeger-svc', new jaeger.InMemoryReporter(), new jaeger.ConstSampler(true));
const skein = createTracer({ serviceName: 'skein', reporter: new CollectingReporter(), propagation: ['jaeger'] });

const pad = (id: string, n: number) => id.padStart(n, '0');

describe('jaeger-client interop', () => {
  it('Skein continues a trace injected by jaeger-client, baggage included', () => {
    const span = jTracer.startSpan('jaeger-op');
    span.setBaggageItem('tenant', 'acme corp');
    const headers: Record<string, string> = {};
    jTracer.inject(span.context(), FORMAT_HTTP_HEADERS, headers);
    const ctx = skein.extract(FORMAT_HTTP_HEADERS, headers);
    const jt = span.context().toTraceId();
    expect(ctx?.traceId).toBe(pad(jt, jt.length > 16 ? 32 : 16));
    expect(ctx?.spanId).toBe(pad(span.context().toSpanId(), 16));
    expect(ctx?.sampled).toBe(true);
    expect(ctx?.getBaggageItem('tenant')).toBe('acme corp');
  });

  it('jaeger-client continues a trace injected by Skein', () => {
    const parent = skein.startSpan('skein-op', { traceId128Bit: false } as never);
    parent.setBaggageItem('user', 'bo');
    const headers: Record<string, string> = {};
    skein.inject(parent, FORMAT_HTTP_HEADERS, headers);
    const jctx = jTracer.extract(FORMAT_HTTP_HEADERS, headers);
    expect(pad(jctx?.toTraceId() ?? '', parent.ctx.traceId.length)).toBe(parent.ctx.traceId);
    expect(pad(jctx?.toSpanId() ?? '', 16)).toBe(parent.ctx.spanId);
    expect(jctx?.isSampled()).toBe(true);
    expect(jctx?.baggage.user).toBe('bo');
  });
});
