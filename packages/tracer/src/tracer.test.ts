import { FORMAT_HTTP_HEADERS, Reference, REFERENCE_FOLLOWS_FROM, Tags, globalTracer, initGlobalTracer } from 'opentracing';
import { describe, expect, it } from 'vitest';
import { ConstSampler, createTracer, SkeinTracer } from './index.js';
import { CollectingReporter } from './test-support/collect.js';

function setup(extra: Partial<ConstructorParameters<typeof SkeinTracer>[0]> = {}) {
  const reporter = new CollectingReporter();
  const tracer = createTracer({ serviceName: 'Frontend', reporter, ...extra });
  return { reporter, tracer };
}

describe('SkeinTracer', () => {
  it('requires a serviceName, with a clear error code', () => {
    expect(() => createTracer({} as never)).toThrow(expect.objectContaining({ code: 'TRACER_INVALID_OPTION' }));
    expect(() => createTracer({ serviceName: 'x', propagation: ['zipkin' as never] })).toThrow(/unknown propagation format "zipkin"/);
  });

  it('works through opentracing.globalTracer()', () => {
    const { reporter, tracer } = setup();
    initGlobalTracer(tracer);
    globalTracer().startSpan('via-global').finish();
    expect(reporter.one('via-global').localEndpoint?.serviceName).toBe('frontend');
  });

  it('records names, times, parents and 128-bit ids', () => {
    const { reporter, tracer } = setup();
    const root = tracer.startSpan('root', { startTime: 1_700_000_000_000.5 });
    const child = tracer.startSpan('child', { childOf: root, startTime: 1_700_000_000_001 });
    child.setOperationName('renamed');
    child.finish(1_700_000_000_003.25);
    root.finish(1_700_000_000_010);
    const r = reporter.one('root');
    const c = reporter.one('renamed');
    expect(r.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(r.parentId).toBeUndefined();
    expect(r.timestamp).toBe(1_700_000_000_000_500);
    expect(r.duration).toBe(9_500);
    expect(c).toMatchObject({ traceId: r.traceId, parentId: r.id, timestamp: 1_700_000_000_001_000, duration: 2_250 });
    expect(c.id).not.toBe(r.id);
  });

  it('uses 64-bit trace ids when traceId128Bit is false, and a monotonic clock for durations', async () => {
    const { reporter, tracer } = setup({ traceId128Bit: false });
    const s = tracer.startSpan('x');
    await new Promise((r) => setTimeout(r, 20));
    s.finish();
    s.finish();
    expect(reporter.spans).toHaveLength(1);
    const z = reporter.one('x');
    expect(z.traceId).toHaveLength(16);
    expect(z.duration).toBeGreaterThanOrEqual(19_000);
    expect(Math.abs((z.timestamp ?? 0) / 1000 - (Date.now() - 20))).toBeLessThan(1000);
  });

  it('links followsFrom references, preferring childOf when both are given', () => {
    const { reporter, tracer } = setup();
    const a = tracer.startSpan('a');
    const b = tracer.startSpan('b');
    tracer.startSpan('f', { references: [new Reference(REFERENCE_FOLLOWS_FROM, a.context())] }).finish();
    tracer.startSpan('both', { references: [new Reference(REFERENCE_FOLLOWS_FROM, a), new Reference('child_of', b)] }).finish();
    expect(reporter.one('f').parentId).toBe(a.context().toSpanId());
    expect(reporter.one('both').parentId).toBe(b.context().toSpanId());
  });

  it('maps span.kind, peer.* and error tags, and keeps other tags as strings', () => {
    const { reporter, tracer } = setup({ tags: { version: '1.2', region: 'eu' } });
    const s = tracer.startSpan('call', { tags: { [Tags.SPAN_KIND]: Tags.SPAN_KIND_RPC_CLIENT, 'http.status_code': 503 } });
    s.setTag(Tags.PEER_SERVICE, 'Backend').setTag(Tags.PEER_HOST_IPV4, '10.0.0.7').setTag(Tags.PEER_PORT, 8080).setTag(Tags.ERROR, true);
    s.addTags({ retry: false, obj: { a: 1 } });
    s.finish();
    const z = reporter.one('call');
    expect(z.kind).toBe('CLIENT');
    expect(z.remoteEndpoint).toEqual({ serviceName: 'Backend', ipv4: '10.0.0.7', port: 8080 });
    expect(z.tags).toEqual({ version: '1.2', region: 'eu', 'http.status_code': '503', retry: 'false', obj: '{"a":1}', error: 'true' });
  });

  it('maps every span.kind and integer peer.ipv4', () => {
    const { reporter, tracer } = setup();
    for (const k of ['server', 'producer', 'consumer']) tracer.startSpan(k, { tags: { 'span.kind': k, 'peer.ipv4': 0x0a000001 } }).finish();
    expect(reporter.spans.map((s) => s.kind)).toEqual(['SERVER', 'PRODUCER', 'CONSUMER']);
    expect(reporter.one('server').remoteEndpoint).toEqual({ ipv4: '10.0.0.1' });
  });

  it('turns logs into annotations; an error event marks the span failed with its message', () => {
    const { reporter, tracer } = setup();
    const s = tracer.startSpan('op');
    s.log({ event: 'cache.miss' }, 1_700_000_000_002);
    s.log({ event: 'error', 'error.object': new Error('db timeout'), stack: 'Error: db timeout\n at x' }, 1_700_000_000_003);
    s.log({ attempt: 2, ok: true }, 1_700_000_000_004);
    s.finish();
    const z = reporter.one('op');
    expect(z.annotations).toEqual([
      { timestamp: 1_700_000_000_002_000, value: 'cache.miss' },
      { timestamp: 1_700_000_000_003_000, value: 'error' },
      { timestamp: 1_700_000_000_004_000, value: 'attempt=2 ok=true' },
    ]);
    expect(z.tags?.error).toBe('db timeout');
    const m = tracer.startSpan('m');
    m.log({ event: 'error', message: 'bad input' });
    m.finish();
    expect(reporter.one('m').tags?.error).toBe('bad input');
  });

  it('propagates baggage to children without changing the parent', () => {
    const { tracer } = setup();
    const p = tracer.startSpan('p');
    p.setBaggageItem('user', 'ann');
    const c = tracer.startSpan('c', { childOf: p });
    c.setBaggageItem('extra', '1');
    expect(c.getBaggageItem('user')).toBe('ann');
    expect(p.getBaggageItem('extra')).toBeUndefined();
  });

  it('does not report unsampled spans but still propagates their context', () => {
    const { reporter, tracer } = setup({ sampler: new ConstSampler(false) });
    const s = tracer.startSpan('quiet');
    const headers: Record<string, string> = {};
    tracer.inject(s, FORMAT_HTTP_HEADERS, headers);
    s.finish();
    expect(reporter.spans).toHaveLength(0);
    expect(headers['X-B3-Sampled']).toBe('0');
    const forced = tracer.startSpan('forced', { tags: { 'sampling.priority': 1 } });
    forced.finish();
    expect(reporter.one('forced').debug).toBe(true);
  });

  it('joins a remote trace: same trace id, caller span as parent, debug kept', () => {
    const { reporter, tracer } = setup({ sampler: new ConstSampler(false) });
    const ctx = tracer.extract(FORMAT_HTTP_HEADERS, { b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d' });
    tracer.startSpan('server', { childOf: ctx ?? undefined }).finish();
    expect(reporter.one('server')).toMatchObject({ traceId: '80f198ee56343ba864fe8b2a57d3eff7', parentId: 'e457b5a2e4d86bd1', debug: true });
  });

  it('hands spans to any object with report(span); a throwing reporter is counted, not thrown', async () => {
    let n = 0;
    const tracer = createTracer({ serviceName: 's', reporter: { report: () => { if (++n === 2) throw new Error('x'); } } });
    for (let i = 0; i < 3; i++) tracer.startSpan('x').finish();
    expect(tracer.counters).toMatchObject({ reported: 2, failed: 1 });
    await tracer.close();
    await tracer.close();
  });
});
