import { FORMAT_BINARY, FORMAT_HTTP_HEADERS, FORMAT_TEXT_MAP } from 'opentracing';
import { describe, expect, it } from 'vitest';
import { SkeinTracer } from '../tracer.js';
import { ConstSampler } from '../sampler/sampler.js';
import { CollectingReporter } from '../test-support/collect.js';
import type { PropagationFormat } from './propagator.js';

function tracer(propagation?: PropagationFormat[]): SkeinTracer {
  return new SkeinTracer({ serviceName: 'svc', reporter: new CollectingReporter(), ...(propagation ? { propagation } : {}) });
}

const t = tracer();
const ex = (headers: Record<string, unknown>) => t.extract(FORMAT_HTTP_HEADERS, headers);

describe('B3 multi-header (examples from the B3 specification)', () => {
  it('reads the spec example', () => {
    const c = ex({
      'X-B3-TraceId': '80f198ee56343ba864fe8b2a57d3eff7',
      'X-B3-ParentSpanId': '05e3ac9a4f6e3b90',
      'X-B3-SpanId': 'e457b5a2e4d86bd1',
      'X-B3-Sampled': '1',
    });
    expect(c).toMatchObject({ traceId: '80f198ee56343ba864fe8b2a57d3eff7', spanId: 'e457b5a2e4d86bd1', parentId: '05e3ac9a4f6e3b90' });
    expect(c?.samplingDecision).toBe(true);
  });
  it('is case-insensitive and reads 64-bit ids, deny and defer', () => {
    expect(ex({ 'x-b3-traceid': '463ac35c9f6413ad', 'X-B3-SPANID': 'a2fb4a1d1a96d312', 'x-b3-sampled': '0' })?.samplingDecision).toBe(false);
    expect(ex({ 'x-b3-traceid': '463ac35c9f6413ad', 'x-b3-spanid': 'a2fb4a1d1a96d312' })?.samplingDecision).toBeUndefined();
  });
  it('reads debug from X-B3-Flags: 1 and accepts legacy true/false', () => {
    const c = ex({ 'x-b3-traceid': '463ac35c9f6413ad', 'x-b3-spanid': 'a2fb4a1d1a96d312', 'x-b3-flags': '1' });
    expect(c?.debug).toBe(true);
    expect(c?.sampled).toBe(true);
    expect(ex({ 'x-b3-traceid': '463ac35c9f6413ad', 'x-b3-spanid': 'a2fb4a1d1a96d312', 'x-b3-sampled': 'true' })?.samplingDecision).toBe(true);
  });
  it('ignores malformed ids without throwing', () => {
    for (const bad of [
      { 'x-b3-traceid': '463AC35C9F6413AD', 'x-b3-spanid': 'a2fb4a1d1a96d312' },
      { 'x-b3-traceid': '463ac35c9f6413a', 'x-b3-spanid': 'a2fb4a1d1a96d312' },
      { 'x-b3-traceid': '0000000000000000', 'x-b3-spanid': 'a2fb4a1d1a96d312' },
      { 'x-b3-traceid': '463ac35c9f6413ad', 'x-b3-spanid': 'zz' },
      { 'x-b3-traceid': '463ac35c9f6413ad' },
      { 'x-b3-traceid': '463ac35c9f6413ad', 'x-b3-spanid': 'a2fb4a1d1a96d312', 'x-b3-sampled': 'maybe' },
      { 'x-b3-traceid': 42, 'x-b3-spanid': {} },
    ]) {
      expect(ex(bad)).toBeNull();
    }
  });
  it('injects X-B3-* that extract back', () => {
    const b3 = tracer(['b3']);
    const parent = b3.startSpan('p');
    const child = b3.startSpan('c', { childOf: parent });
    const carrier: Record<string, string> = {};
    b3.inject(child, FORMAT_TEXT_MAP, carrier);
    expect(carrier).toEqual({
      'X-B3-TraceId': parent.ctx.traceId,
      'X-B3-SpanId': child.ctx.spanId,
      'X-B3-ParentSpanId': parent.ctx.spanId,
      'X-B3-Sampled': '1',
    });
    expect(b3.extract(FORMAT_TEXT_MAP, carrier)).toMatchObject({ traceId: parent.ctx.traceId, spanId: child.ctx.spanId });
  });
});

describe('B3 single header (examples from the B3 specification)', () => {
  it('reads all four fields', () => {
    const c = ex({ b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90' });
    expect(c).toMatchObject({ traceId: '80f198ee56343ba864fe8b2a57d3eff7', spanId: 'e457b5a2e4d86bd1', parentId: '05e3ac9a4f6e3b90' });
    expect(c?.samplingDecision).toBe(true);
  });
  it('reads debug, defer and sampling-only values', () => {
    expect(ex({ B3: '80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-d' })?.debug).toBe(true);
    expect(ex({ b3: '80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90' })?.samplingDecision).toBeUndefined();
    const deny = ex({ b3: '0' });
    expect(deny?.traceId).toBe('');
    expect(deny?.samplingDecision).toBe(false);
  });
  it('a sampling-only b3: 0 starts a new unsampled trace whatever the sampler; b3: 1 a sampled one; b3: d a debug one', () => {
    const s = t.startSpan('x', { childOf: ex({ b3: '0' }) ?? undefined });
    expect(s.ctx.traceId).toHaveLength(32);
    expect(s.ctx.sampled).toBe(false);
    const always = new SkeinTracer({ serviceName: 's', reporter: new CollectingReporter(), sampler: new ConstSampler(true) });
    expect(always.startSpan('x', { childOf: ex({ b3: '0' }) }).ctx.sampled).toBe(false);
    const never = new SkeinTracer({ serviceName: 's', reporter: new CollectingReporter(), sampler: new ConstSampler(false) });
    expect(never.startSpan('x', { childOf: ex({ b3: '1' }) }).ctx.sampled).toBe(true);
    const d = t.startSpan('x', { childOf: ex({ b3: 'd' }) ?? undefined });
    expect(d.ctx.debug && d.ctx.sampled).toBe(true);
  });
  it('takes precedence over the multi-header form', () => {
    const c = ex({ b3: '80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1', 'x-b3-traceid': '463ac35c9f6413ad', 'x-b3-spanid': 'a2fb4a1d1a96d312' });
    expect(c?.traceId).toBe('80f198ee56343ba864fe8b2a57d3eff7');
  });
  it('ignores malformed values', () => {
    for (const b3 of ['', '-', 'x', '80f198ee56343ba864fe8b2a57d3eff7', '80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-2', '80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1-zz', 'a-b-c-d-e', '80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1-05e3ac9a4f6e3b90-x']) {
      expect(ex({ b3 })).toBeNull();
    }
  });
  it('injects b3 that extracts back', () => {
    const single = tracer(['b3-single']);
    const p = single.startSpan('p');
    const c = single.startSpan('c', { childOf: p });
    const carrier: Record<string, string> = {};
    single.inject(c, FORMAT_HTTP_HEADERS, carrier);
    expect(carrier).toEqual({ b3: `${p.ctx.traceId}-${c.ctx.spanId}-1-${p.ctx.spanId}` });
  });
});

describe('W3C Trace Context (examples from the specification)', () => {
  it('reads traceparent and keeps tracestate to pass on', () => {
    const c = ex({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' });
    expect(c).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceState: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' });
    expect(c?.samplingDecision).toBe(true);
    const w = tracer(['w3c']);
    const child = w.startSpan('c', { childOf: c ?? undefined });
    const out: Record<string, string> = {};
    w.inject(child, FORMAT_HTTP_HEADERS, out);
    expect(out).toEqual({ traceparent: `00-4bf92f3577b34da6a3ce929d0e0e4736-${child.ctx.spanId}-01`, tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' });
  });
  it('reads an unsampled flag and a future version with extra fields', () => {
    expect(ex({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00' })?.samplingDecision).toBe(false);
    expect(ex({ traceparent: 'cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-be-like' })?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
  it('ignores invalid traceparents (spec: start a new trace)', () => {
    for (const traceparent of [
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
      '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7',
      'garbage',
    ]) {
      expect(ex({ traceparent })).toBeNull();
    }
  });
  it('pads 64-bit trace ids to 32 chars on inject and shortens them back on extract', () => {
    const w = new SkeinTracer({ serviceName: 's', reporter: new CollectingReporter(), propagation: ['w3c'], traceId128Bit: false });
    const s = w.startSpan('x');
    const out: Record<string, string> = {};
    w.inject(s, FORMAT_HTTP_HEADERS, out);
    expect(out.traceparent).toBe(`00-0000000000000000${s.ctx.traceId}-${s.ctx.spanId}-01`);
    expect(w.extract(FORMAT_HTTP_HEADERS, out)?.traceId).toBe(s.ctx.traceId);
  });
});

describe('W3C baggage (examples from the specification)', () => {
  it('reads values, decodes percent-encoding and skips properties', () => {
    const c = ex({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', baggage: 'userId=alice,serverNode=DF%2028,isProduction=false' });
    expect(c?.baggage).toEqual({ userId: 'alice', serverNode: 'DF 28', isProduction: 'false' });
    const d = ex({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', baggage: 'key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue, bad, =x, k4=%E0%A4%A' });
    expect(d?.baggage).toEqual({ key1: 'value1', key2: 'value2', key3: 'value3' });
  });
  it('round-trips through span baggage', () => {
    const w = tracer(['w3c']);
    const s = w.startSpan('x');
    s.setBaggageItem('user', 'jane doe,1');
    const out: Record<string, string> = {};
    w.inject(s, FORMAT_HTTP_HEADERS, out);
    expect(out.baggage).toBe('user=jane%20doe%2C1');
    expect(w.extract(FORMAT_HTTP_HEADERS, out)?.getBaggageItem('user')).toBe('jane doe,1');
  });
});

describe('Jaeger', () => {
  it('reads uber-trace-id with short ids, flags and uberctx baggage', () => {
    const c = ex({ 'Uber-Trace-Id': 'abc:def:0:1', 'uberctx-User': 'bob%20smith' });
    expect(c).toMatchObject({ traceId: '0000000000000abc', spanId: '0000000000000def', parentId: undefined });
    expect(c?.samplingDecision).toBe(true);
    expect(c?.baggage).toEqual({ user: 'bob smith' });
    expect(ex({ 'uber-trace-id': '4bf92f3577b34da6a3ce929d0e0e4736%3A00f067aa0ba902b7%3A05e3ac9a4f6e3b90%3A3' })).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '05e3ac9a4f6e3b90', flags: expect.any(Number) });
    expect(ex({ 'uber-trace-id': 'abc:def:0:3' })?.debug).toBe(true);
  });
  it('ignores malformed values', () => {
    for (const v of ['abc:def:0', 'xyz:def:0:1', 'abc:0:0:1', '0:def:0:1', 'abc:def:0:zzz', '%E0%A4%A']) expect(ex({ 'uber-trace-id': v })).toBeNull();
  });
  it('injects uber-trace-id and uberctx-*', () => {
    const j = tracer(['jaeger']);
    const p = j.startSpan('p');
    p.setBaggageItem('k', 'v 1');
    const c = j.startSpan('c', { childOf: p });
    const out: Record<string, string> = {};
    j.inject(c, FORMAT_TEXT_MAP, out);
    expect(out).toEqual({ 'uber-trace-id': `${p.ctx.traceId}:${c.ctx.spanId}:${p.ctx.spanId}:1`, 'uberctx-k': 'v%201' });
    expect(j.extract(FORMAT_TEXT_MAP, out)).toMatchObject({ traceId: p.ctx.traceId, spanId: c.ctx.spanId, baggage: { k: 'v 1' } });
  });
});

describe('carriers and formats', () => {
  it('FORMAT_BINARY round-trips ids, flags and baggage', () => {
    const s = t.startSpan('x');
    s.setBaggageItem('a', 'b');
    const carrier: { buffer?: unknown } = {};
    t.inject(s.context(), FORMAT_BINARY, carrier);
    expect(carrier.buffer).toBeInstanceOf(Uint8Array);
    const back = t.extract(FORMAT_BINARY, carrier);
    expect(back).toMatchObject({ traceId: s.ctx.traceId, spanId: s.ctx.spanId, baggage: { a: 'b' } });
    expect(back?.samplingDecision).toBe(true);
    expect(t.extract(FORMAT_BINARY, { buffer: [1, 2, 3] })).toBeNull();
    expect(t.extract(FORMAT_BINARY, { buffer: null })).toBeNull();
    expect(t.extract(FORMAT_BINARY, null)).toBeNull();
  });
  it('reads fetch Headers and Maps, and arrays of values', () => {
    const h = new Headers({ Traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    expect(t.extract(FORMAT_HTTP_HEADERS, h)?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const m = new Map([['B3', '80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1']]);
    expect(t.extract(FORMAT_TEXT_MAP, m)?.spanId).toBe('05e3ac9a4f6e3b90');
    expect(ex({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', baggage: ['a=1', 'b=2'] })?.baggage).toEqual({ a: '1', b: '2' });
    const out = new Headers();
    t.inject(t.startSpan('x'), FORMAT_HTTP_HEADERS, out);
    expect(out.get('x-b3-traceid')).toMatch(/^[0-9a-f]{32}$/);
  });
  it('never throws on odd carriers or formats', () => {
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('boom'); } });
    for (const carrier of [undefined, null, 42, 'str', hostile, Object.create(null)]) {
      expect(() => t.extract(FORMAT_HTTP_HEADERS, carrier)).not.toThrow();
      expect(() => t.inject(t.startSpan('x'), FORMAT_HTTP_HEADERS, carrier)).not.toThrow();
    }
    expect(t.extract('unknown-format', {})).toBeNull();
    expect(() => t.inject(t.startSpan('x'), 'unknown-format', {})).not.toThrow();
  });
});
