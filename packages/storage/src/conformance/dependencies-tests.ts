import { describe, expect, it } from 'vitest';
import type { Endpoint, Span, SpanKind } from '@skein/model';
import type { Storage } from '../storage.js';
import { expectLinks } from './assertions.js';
import {
  BACKEND, DAY, DB, FRONTEND, KAFKA, NEW_TRACE_LINKS, TODAY, endTs, fixtureTrace, newTrace, newTraceId, spanId,
  startTs, subtractDays,
} from './test-data.js';

interface Part {
  id: string;
  parentId?: string;
  kind?: SpanKind;
  at: number;
  duration?: number;
  local?: Endpoint;
  remote?: Endpoint;
  shared?: boolean;
  error?: boolean;
}

/** Builds a trace from compact parts; `at` is milliseconds after TODAY. */
function trace(parts: Part[]): Span[] {
  const traceId = newTraceId();
  return parts.map((p) => {
    const s: Span = { traceId, id: spanId(p.id), name: 'get', timestamp: (TODAY + p.at) * 1000 };
    if (p.parentId !== undefined) s.parentId = spanId(p.parentId);
    if (p.kind !== undefined) s.kind = p.kind;
    if (p.duration !== undefined) s.duration = p.duration * 1000;
    if (p.local !== undefined) s.localEndpoint = p.local;
    if (p.remote !== undefined) s.remoteEndpoint = p.remote;
    if (p.shared === true) s.shared = true;
    if (p.error === true) s.tags = { error: '' };
    return s;
  });
}

const link = (parent: string, child: string, callCount = 1, errorCount = 0) => ({ parent, child, callCount, errorCount });

/** getDependencies: links computed from stored spans, as Zipkin's ITDependencies. */
export function dependenciesTests(store: () => Storage): void {
  describe('getDependencies', () => {
    const deps = (end: number, lookback: number) => store().getDependencies(end, lookback);

    it('returns nothing for an empty store', async () => {
      expect(await deps(TODAY, DAY)).toEqual([]);
    });

    it('links client and shared server spans, with error counts', async () => {
      const t = newTrace();
      await store().accept(t);
      expectLinks(await deps(endTs(t), DAY), NEW_TRACE_LINKS);
    });

    it('links a trace whose spans mix 64- and 128-bit ids once, even with strictTraceId', async () => {
      const traceId = newTraceId();
      const t: Span[] = [
        { traceId, id: spanId(1), name: 'get', kind: 'SERVER', timestamp: TODAY * 1000, duration: 350_000, localEndpoint: FRONTEND },
        {
          traceId: traceId.slice(16), parentId: spanId(1), id: spanId(2), name: 'get', kind: 'SERVER', shared: true,
          timestamp: (TODAY + 100) * 1000, duration: 250_000, localEndpoint: BACKEND,
        },
        { traceId, parentId: spanId(1), id: spanId(2), kind: 'CLIENT', timestamp: (TODAY + 50) * 1000, duration: 300_000, localEndpoint: FRONTEND },
      ];
      await store().accept(t);
      expectLinks(await deps(endTs(t), DAY), [link('frontend', 'backend')]);
    });

    it('does not count a trace twice when it is accepted twice', async () => {
      const t = newTrace();
      await store().accept(t);
      await store().accept(t);
      expectLinks(await deps(endTs(t), DAY), NEW_TRACE_LINKS);
    });

    it('reflects spans accepted after an earlier query', async () => {
      const t1 = newTrace();
      await store().accept(t1);
      expectLinks(await deps(endTs(t1), DAY), NEW_TRACE_LINKS);
      const t2 = newTrace();
      await store().accept(t2.slice(0, 2));
      expectLinks(await deps(endTs(t1), DAY), [link('frontend', 'backend', 2), link('backend', 'db', 1, 1)]);
      await store().accept(t2.slice(2));
      expectLinks(await deps(endTs(t1), DAY), [link('frontend', 'backend', 2), link('backend', 'db', 2, 2)]);
    });

    it('links when every service is instrumented', async () => {
      const one = { serviceName: 'frontend', ipv4: '127.0.0.1' };
      const two = { serviceName: 'backend', ipv4: '127.0.0.2' };
      const t = trace([
        { id: '10', kind: 'SERVER', at: 0, duration: 350, local: one },
        { id: '20', parentId: '10', kind: 'CLIENT', at: 50, duration: 250, local: { ...one, port: 3001 } },
        { id: '20', parentId: '10', kind: 'SERVER', shared: true, at: 100, duration: 150, local: two },
        { id: '30', parentId: '20', kind: 'CLIENT', at: 150, duration: 50, local: { ...two, port: 3002 } },
        { id: '30', parentId: '20', kind: 'SERVER', shared: true, at: 160, duration: 20, local: { serviceName: 'db', ipv4: '127.0.0.3' } },
      ]);
      await store().accept(t);
      expectLinks(await deps(TODAY + 1000, DAY), [link('frontend', 'backend'), link('backend', 'db')]);
    });

    it('links a loopback call', async () => {
      const t = newTrace();
      await store().accept([t[0]!, { ...t[1]!, remoteEndpoint: FRONTEND }]);
      expectLinks(await deps(endTs(t), DAY), [link('frontend', 'frontend')]);
    });

    it('links a headless trace (root span missing)', async () => {
      const t = newTrace().slice(1);
      await store().accept(t);
      expectLinks(await deps(TODAY + 1000, DAY), NEW_TRACE_LINKS);
    });

    it('links uninstrumented clients and servers through remote endpoints', async () => {
      const t = trace([
        { id: '20', kind: 'SERVER', at: 0, duration: 350, local: FRONTEND, remote: KAFKA },
        { id: '21', parentId: '20', kind: 'CLIENT', at: 50, duration: 250, local: FRONTEND },
        { id: '21', parentId: '20', kind: 'SERVER', shared: true, at: 250, duration: 50, local: BACKEND },
        { id: '22', parentId: '21', kind: 'CLIENT', at: 150, duration: 50, local: BACKEND, remote: DB },
      ]);
      await store().accept(t);
      expectLinks(await deps(TODAY + 1000, DAY), [link('kafka', 'frontend'), link('frontend', 'backend'), link('backend', 'db')]);
    });

    it('links a client to a server sharing its span id', async () => {
      const t = trace([
        { id: '10', kind: 'CLIENT', at: 50, duration: 250, local: FRONTEND },
        { id: '10', kind: 'SERVER', shared: true, at: 100, duration: 150, local: BACKEND },
        { id: '11', parentId: '10', kind: 'CLIENT', at: 150, duration: 50, local: BACKEND, remote: DB },
      ]);
      await store().accept(t);
      expectLinks(await deps(TODAY + 1000, DAY), [link('frontend', 'backend'), link('backend', 'db')]);
    });

    it('links producer → broker → consumer', async () => {
      const t = trace([
        { id: '10', kind: 'PRODUCER', at: 50, local: FRONTEND, remote: KAFKA },
        { id: '11', parentId: '10', kind: 'CONSUMER', at: 100, local: BACKEND, remote: KAFKA },
      ]);
      await store().accept(t);
      expectLinks(await deps(TODAY + 1000, DAY), [link('frontend', 'kafka'), link('kafka', 'backend')]);
    });

    it('links a real RabbitMQ and a real Kafka trace through their brokers', async () => {
      await store().accept(fixtureTrace('messaging'));
      await store().accept(fixtureTrace('messaging-kafka'));
      expectLinks(await deps(TODAY + DAY, DAY), [
        link('frontend', 'rabbitmq'), link('rabbitmq', 'backend'),
        link('kafka', 'servicea', 4), link('servicea', 'kafka', 9), link('kafka', 'serviceb', 3),
      ]);
    });

    it('links spans without kind when both endpoints are known, skipping unnamed endpoints', async () => {
      const t = trace([
        { id: '20', at: 0, duration: 350, local: KAFKA, remote: FRONTEND },
        { id: '21', parentId: '20', at: 50, duration: 250, local: FRONTEND, remote: BACKEND },
        { id: '22', parentId: '21', at: 150, duration: 50, local: BACKEND, remote: DB },
      ]);
      const unnamed = trace([
        { id: '20', at: 0, duration: 350, local: { ipv4: '172.17.0.4' }, remote: { serviceName: 'web' } },
        { id: '21', parentId: '20', at: 50, duration: 250, local: { serviceName: 'web' }, remote: { serviceName: 'app' } },
      ]);
      await store().accept([...t, ...unnamed]);
      expectLinks(await deps(TODAY + 1000, 1000), [
        link('kafka', 'frontend'), link('frontend', 'backend'), link('backend', 'db'), link('web', 'app'),
      ]);
    });

    it('links through intermediate local spans', async () => {
      const t = trace([
        { id: '20', kind: 'SERVER', at: 0, duration: 350, local: FRONTEND },
        { id: '21', parentId: '20', at: 25, duration: 325, local: FRONTEND },
        { id: '22', parentId: '21', kind: 'CLIENT', at: 50, duration: 250, local: FRONTEND },
        { id: '22', parentId: '21', kind: 'SERVER', shared: true, at: 100, duration: 150, local: BACKEND },
        { id: '23', parentId: '22', at: 110, duration: 130, local: BACKEND },
        { id: '24', parentId: '23', at: 125, duration: 105, local: BACKEND },
        { id: '25', parentId: '24', kind: 'CLIENT', at: 150, duration: 50, local: BACKEND, remote: DB },
      ]);
      await store().accept(t);
      expectLinks(await deps(TODAY + 1000, 1000), [link('frontend', 'backend'), link('backend', 'db')]);
    });

    it('links one-way calls, and an async call from an uninstrumented source', async () => {
      const oneway = trace([
        { id: '10', kind: 'CLIENT', at: 50, local: FRONTEND },
        { id: '10', kind: 'SERVER', shared: true, at: 100, local: BACKEND },
      ]);
      const noClient = trace([
        { id: '10', kind: 'SERVER', at: 0, local: { serviceName: 'worker' }, remote: { serviceName: 'queue' } },
        { id: '11', parentId: '10', at: 25, duration: 325, local: { serviceName: 'worker' } },
      ]);
      await store().accept([...oneway, ...noClient]);
      expectLinks(await deps(TODAY + 1000, DAY), [link('frontend', 'backend'), link('queue', 'worker')]);
    });

    it('counts an error tag (a failed client counts for its server), not an annotation named error', async () => {
      const t = trace([
        { id: '10', kind: 'CLIENT', at: 50, local: FRONTEND },
        { id: '10', kind: 'SERVER', shared: true, at: 100, local: BACKEND },
      ]);
      t[1]!.annotations = [{ timestamp: (TODAY + 72) * 1000, value: 'error' }];
      const failed = trace([
        { id: '10', kind: 'CLIENT', at: 150, local: FRONTEND, error: true },
        { id: '11', parentId: '10', kind: 'SERVER', at: 160, local: BACKEND },
      ]);
      await store().accept([...t, ...failed]);
      expectLinks(await deps(TODAY + 1000, DAY), [link('frontend', 'backend', 2, 1)]);
    });

    it('only counts traces that start within [endTs - lookback, endTs]', async () => {
      const t = newTrace();
      await store().accept(t);
      expectLinks(await deps(startTs(t) + 100, 200), NEW_TRACE_LINKS); // the trace ends after endTs
      expect(await deps(startTs(t) - 1000, 999)).toEqual([]);
      expect(await deps(TODAY + 2 * DAY, DAY)).toEqual([]);
    });

    it('answers intervals other than today', async () => {
      const today = newTrace();
      await store().accept(subtractDays(today, 1));
      await store().accept(today);
      expectLinks(await deps(endTs(today), 350), NEW_TRACE_LINKS);
      expectLinks(await deps(endTs(today) - DAY, DAY - 1000), NEW_TRACE_LINKS);
      expectLinks(await deps(endTs(today), 2 * DAY), [link('frontend', 'backend', 2), link('backend', 'db', 2, 2)]);
    });
  });
}
