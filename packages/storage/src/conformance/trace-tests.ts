import { describe, expect, it } from 'vitest';
import type { Span } from '@skein/model';
import type { Storage } from '../storage.js';
import { expectTrace, expectTraces, expectTracesInOrder } from './assertions.js';
import {
  BACKEND, FRONTEND, TODAY, clientSpan, fixtureTrace, frontendSpan, low64, newTrace, newTraceId, request, spanId,
} from './test-data.js';

/** Writing spans and reading traces back by id (strictTraceId on). */
export function traceTests(store: () => Storage): void {
  describe('accept and read back', () => {
    it('accepts an empty list', async () => {
      await store().accept([]);
      expect(await store().getServiceNames()).toEqual([]);
      expect(await store().getTraces(request())).toEqual([]);
    });

    it('reads back every field of a span exactly', async () => {
      const span: Span = {
        traceId: newTraceId(), parentId: spanId('a1'), id: spanId('b2'), kind: 'CLIENT', name: 'get /foo',
        timestamp: TODAY * 1000 + 123, duration: 207_000,
        localEndpoint: { serviceName: 'frontend', ipv6: '2001:db8::c001' },
        remoteEndpoint: { serviceName: 'backend', ipv4: '192.168.99.101', port: 9000 },
        annotations: [{ timestamp: TODAY * 1000 + 400, value: 'foo' }, { timestamp: TODAY * 1000 + 900, value: 'bar' }],
        tags: { 'http.path': '/api', 'clnt/finagle.version': '6.45.0', empty: '' },
        debug: true,
      };
      await store().accept([span]);
      expect(await store().getTrace(span.traceId)).toEqual([span]);
    });

    it('reads back a minimal span and a shared server span', async () => {
      const minimal: Span = { traceId: newTraceId(), id: spanId(1) };
      const shared: Span = { traceId: minimal.traceId, id: spanId(2), kind: 'SERVER', shared: true, localEndpoint: BACKEND };
      await store().accept([minimal, shared]);
      expectTrace(await store().getTrace(minimal.traceId), [minimal, shared]);
    });

    it('reads back large values without truncation', async () => {
      const span = frontendSpan({ name: 'big', tags: { a: 'a'.repeat(1024), environment: 'test' } });
      await store().accept([span]);
      expect(await store().getTrace(span.traceId)).toEqual([span]);
      expectTraces(await store().getTraces(request()), [span]);
    });

    it('stores problematic data: JSON in names, dotted tag keys, non-ASCII text', async () => {
      const part1 = frontendSpan({ tags: { 'http.path': '/api' } });
      const part2 = { ...part1, name: '{"foo":"bar"}', tags: { 'http.path.morepath': '/api/api', 'ü': '⻩ \uD83D\uDCA9' } };
      await store().accept([part1]);
      await store().accept([part2]);
      expectTraces(await store().getTraces(request({ serviceName: 'frontend', spanName: '{"foo":"bar"}' })), [part1, part2]);
      expectTraces(await store().getTraces(request({ annotationQuery: { 'ü': '⻩ \uD83D\uDCA9' } })), [part1, part2]);
      expectTrace(await store().getTrace(part1.traceId), [part1, part2]);
    });

    it('assembles a trace whose spans arrive in several accept calls', async () => {
      const trace = newTrace();
      for (const span of [...trace].reverse()) await store().accept([span]);
      expectTrace(await store().getTrace(trace[0]!.traceId), trace);
      expectTraces(await store().getTraces(request({ serviceName: 'backend' })), trace);
    });

    it('does not duplicate a span accepted twice', async () => {
      const trace = newTrace();
      await store().accept(trace);
      await store().accept(trace);
      await store().accept([trace[1]!]);
      expectTrace(await store().getTrace(trace[0]!.traceId), trace);
      expectTraces(await store().getTraces(request()), trace);
      expectTraces(await store().getTraceMany([trace[0]!.traceId]), trace);
    });

    it('keeps pieces of one span reported separately (late duration)', async () => {
      const span = clientSpan();
      const { duration: _d, ...missingDuration } = span;
      const lateDuration: Span = {
        traceId: span.traceId, id: span.id, timestamp: span.timestamp!, duration: span.duration!, localEndpoint: FRONTEND,
      };
      await store().accept([missingDuration]);
      await store().accept([lateDuration]);
      expectTrace(await store().getTrace(span.traceId), [missingDuration, lateDuration]);
      expectTraces(await store().getTraces(request({ serviceName: 'frontend', minDuration: span.duration! + 1 })));
      expectTraces(
        await store().getTraces(request({ serviceName: 'frontend', minDuration: span.duration! })),
        [missingDuration, lateDuration],
      );
    });

    it('reports health', async () => {
      expect(await store().check()).toEqual({ ok: true });
    });
  });

  describe('getTrace', () => {
    it('returns [] for an unknown trace', async () => {
      await store().accept(newTrace());
      expect(await store().getTrace(newTraceId())).toEqual([]);
      expect(await store().getTrace(newTraceId().slice(16))).toEqual([]);
    });

    it('finds a 128-bit trace by its 128-bit id and a 64-bit trace by its 64-bit id', async () => {
      const wide = newTrace();
      const narrow = newTrace(newTraceId().slice(16));
      await store().accept([...wide, ...narrow]);
      expectTrace(await store().getTrace(wide[0]!.traceId), wide);
      expectTrace(await store().getTrace(narrow[0]!.traceId), narrow);
    });

    it('with strictTraceId, keeps apart traces whose ids differ only above 64 bits', async () => {
      const traceId = newTraceId();
      const a = frontendSpan({ traceId, tags: { foo: '1' } });
      const b = frontendSpan({ traceId: low64(traceId), tags: { foo: '2' } });
      const c = frontendSpan({ traceId: `${'1'.padStart(16, '0')}${low64(traceId)}`, tags: { foo: '3' } });
      await store().accept([a, b, c]);
      expect(await store().getTrace(a.traceId)).toEqual([a]);
      expect(await store().getTrace(b.traceId)).toEqual([b]);
      expect(await store().getTrace(c.traceId)).toEqual([c]);
    });

    it('returns a real 1,041-span trace whole', async () => {
      const trace = fixtureTrace('smartthings-mobile-web-install');
      await store().accept(trace);
      const read = await store().getTrace(trace[0]!.traceId);
      expect(read.length).toBe(trace.length);
      expectTrace(read, trace);
    });
  });

  describe('getTraceMany', () => {
    it('returns the traces that exist, in the order asked, skipping absent ids', async () => {
      const t1 = newTrace(), t2 = newTrace(), t3 = fixtureTrace('yelp');
      await store().accept([...t1, ...t2, ...t3]);
      const ids = [t3[0]!.traceId, newTraceId(), t1[0]!.traceId, t2[0]!.traceId];
      expectTracesInOrder(await store().getTraceMany(ids), t3, t1, t2);
      expectTracesInOrder(await store().getTraceMany([t2[0]!.traceId, t1[0]!.traceId]), t2, t1);
      expect(await store().getTraceMany([newTraceId(), newTraceId()])).toEqual([]);
    });

    it('with strictTraceId, does not return a 128-bit trace for its low 64 bits', async () => {
      const wide = newTrace();
      await store().accept(wide);
      expect(await store().getTraceMany([low64(wide[0]!.traceId), newTraceId()])).toEqual([]);
      expectTraces(await store().getTraceMany([wide[0]!.traceId, newTraceId()]), wide);
    });
  });

  describe('real traces', () => {
    it('stores and searches the Zipkin UI fixtures (messaging, skew, yelp)', async () => {
      const messaging = fixtureTrace('messaging', TODAY * 1000 + 10_000);
      const skew = fixtureTrace('skew', TODAY * 1000 + 20_000);
      const yelp = fixtureTrace('yelp', TODAY * 1000 + 30_000);
      await store().accept([...messaging, ...skew, ...yelp]);
      expectTracesInOrder(await store().getTraces(request()), yelp, skew, messaging);
      expectTraces(await store().getTraces(request({ serviceName: 'backend', remoteServiceName: 'rabbitmq' })), messaging);
      expectTraces(await store().getTraces(request({ serviceName: 'frontend', spanName: 'publish' })), messaging);
      expectTraces(await store().getTraces(request({ serviceName: 'serviceb' })), skew);
      expectTraces(await store().getTraces(request({ serviceName: 'mobile_api' })), yelp);
      expectTraces(await store().getTraces(request({ annotationQuery: { 'rabbit.queue': 'backend' } })), messaging);
      for (const t of [messaging, skew, yelp]) expectTrace(await store().getTrace(t[0]!.traceId), t);
      expect(await store().getServiceNames()).toEqual(
        [...new Set([...messaging, ...skew, ...yelp].map((s) => s.localEndpoint?.serviceName).filter((n) => n))].sort(),
      );
      expect(await store().getRemoteServiceNames('frontend')).toEqual(['rabbitmq']);
      expect(await store().getRemoteServiceNames('db')).toEqual([]);
    });
  });
}
