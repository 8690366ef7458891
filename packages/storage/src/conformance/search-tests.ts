import { describe, it } from 'vitest';
import type { Span } from '@skein/model';
import type { Storage } from '../storage.js';
import { expectTraces, expectTracesInOrder } from './assertions.js';
import {
  BACKEND, DAY, DB, FRONTEND, TODAY, clientSpan, endTs, frontendSpan, low64, newTrace, newTraceId, request, spanId,
} from './test-data.js';

const us = (ms: number): number => ms * 1000;

/** Normalized spans have no empty tag map: drop it rather than send {}. */
function withoutTags(span: Span): Span {
  const { tags: _tags, ...rest } = span;
  return rest;
}

/** getTraces: QueryRequest semantics as Zipkin's QueryRequest.test and ITSpanStore define them. */
export function searchTests(store: () => Storage): void {
  describe('getTraces', () => {
    it('finds nothing in an empty store, or when spans carry nothing to index', async () => {
      const queries = [
        request({ serviceName: 'service' }),
        request({ serviceName: 'service', remoteServiceName: 'remotey' }),
        request({ serviceName: 'service', spanName: 'methodcall' }),
        request({ serviceName: 'service', annotationQuery: { custom: '' } }),
        request({ serviceName: 'service', annotationQuery: { bah: 'beh' } }),
      ];
      for (const q of queries) expectTraces(await store().getTraces(q));
      await store().accept([{ traceId: newTraceId(), id: spanId(1) }]);
      for (const q of queries) expectTraces(await store().getTraces(q));
    });

    it('groups spans into whole traces', async () => {
      const a1 = frontendSpan({ timestamp: us(TODAY + 1) });
      const a2 = { ...a1, id: spanId(2), timestamp: us(TODAY + 2) };
      const traceId = newTraceId();
      const b1 = { ...a1, traceId }, b2 = { ...a2, traceId };
      await store().accept([a1, b1, a2, b2]);
      expectTraces(await store().getTraces(request()), [a1, a2], [b1, b2]);
    });

    it('returns the whole trace when only one span matches', async () => {
      const trace = newTrace();
      await store().accept(trace);
      expectTraces(await store().getTraces(request({ serviceName: 'backend', spanName: 'query' })), trace);
      expectTraces(await store().getTraces(request({ annotationQuery: { '⻩': '' } })), trace);
    });

    it('with strictTraceId, matches traces differing above 64 bits separately', async () => {
      const traceId = newTraceId();
      const s1 = frontendSpan({ traceId: low64(traceId), tags: { foo: '1' } });
      const s2 = { ...s1, traceId, tags: { foo: '2' } };
      const s3 = { ...s1, traceId: `${'1'.padStart(16, '0')}${low64(traceId)}`, tags: { foo: '3' } };
      await store().accept([s1, s2, s3]);
      for (const s of [s1, s2, s3]) {
        expectTraces(await store().getTraces(request({ serviceName: 'frontend', annotationQuery: { foo: s.tags?.['foo'] ?? '' } })), [s]);
      }
      expectTraces(await store().getTraces(request({ serviceName: 'frontend' })), [s1], [s2], [s3]);
    });

    it('returns the most recent traces first, within endTs and lookback, up to limit', async () => {
      const early: Span[] = [], late: Span[] = [];
      for (let i = 1; i <= 10; i++) {
        const localEndpoint = { serviceName: `service${i}`, ipv4: '127.0.0.1' };
        early.push({ traceId: newTraceId(), id: spanId(i), name: 'early', timestamp: us(TODAY - i), duration: 1, localEndpoint });
        late.push({ traceId: newTraceId(), id: spanId(i + 10), name: 'late', timestamp: us(TODAY + 100 - i), duration: 1, localEndpoint });
      }
      await store().accept(early);
      await store().accept(late);
      expectTraces(await store().getTraces(request({ limit: 20 })), ...early.map((s) => [s]), ...late.map((s) => [s]));
      expectTracesInOrder(await store().getTraces(request({ limit: 10 })), ...late.map((s) => [s]));
      expectTracesInOrder(await store().getTraces(request({ limit: 3 })), ...late.slice(0, 3).map((s) => [s]));
      expectTraces(await store().getTraces(request({ endTs: TODAY + 100, lookback: 100 })), ...late.map((s) => [s]));
      expectTracesInOrder(await store().getTraces(request({ endTs: TODAY })), ...early.map((s) => [s]));
    });

    it('applies limit to the traces closest to endTs', async () => {
      const s1 = frontendSpan();
      const s2 = { ...s1, traceId: newTraceId(), timestamp: us(TODAY + 2) };
      await store().accept([s1, s2]);
      expectTraces(await store().getTraces(request({ serviceName: 'frontend', limit: 1 })), [s2]);
    });

    it('includes traces starting exactly at endTs or at endTs - lookback', async () => {
      const s1 = frontendSpan({ timestamp: us(TODAY + 1) });
      const s2 = { ...s1, traceId: newTraceId(), timestamp: us(TODAY + 2) };
      await store().accept([s1, s2]);
      expectTraces(await store().getTraces(request({ endTs: TODAY })));
      expectTraces(await store().getTraces(request({ endTs: TODAY + 1 })), [s1]);
      expectTraces(await store().getTraces(request({ endTs: TODAY + 2 })), [s1], [s2]);
      expectTraces(await store().getTraces(request({ endTs: TODAY + 3 })), [s1], [s2]);
      expectTraces(await store().getTraces(request({ endTs: TODAY + 1, lookback: 1 })), [s1]);
      expectTraces(await store().getTraces(request({ endTs: TODAY + 2, lookback: 1 })), [s1], [s2]);
      expectTraces(await store().getTraces(request({ endTs: TODAY + 3, lookback: 1 })), [s2]);
    });

    it('returns a trace whole even when it ends after endTs', async () => {
      const trace = newTrace();
      await store().accept(trace);
      expectTraces(await store().getTraces(request({ endTs: endTs(trace), lookback: 350 })), trace);
      expectTraces(await store().getTraces(request({ endTs: TODAY + 10, lookback: 20 })), trace);
    });

    it('dates a trace by its root span, else by its earliest span', async () => {
      const traceId = newTraceId();
      // The child started 5 ms before its root (clock skew): the root still dates the trace.
      const root = frontendSpan({ traceId, id: spanId(1), timestamp: us(TODAY + 1000) });
      const child = frontendSpan({ traceId, parentId: spanId(1), id: spanId(2), timestamp: us(TODAY + 995) });
      // A headless trace: its earliest span dates it.
      const headless = newTraceId();
      const h1 = frontendSpan({ traceId: headless, parentId: spanId(9), id: spanId(3), timestamp: us(TODAY + 3000) });
      const h2 = frontendSpan({ traceId: headless, parentId: spanId(9), id: spanId(4), timestamp: us(TODAY + 2000) });
      await store().accept([child, h1]);
      await store().accept([root, h2]);
      expectTraces(await store().getTraces(request({ endTs: TODAY + 999, lookback: 100 })));
      expectTraces(await store().getTraces(request({ endTs: TODAY + 1000, lookback: 1 })), [root, child]);
      expectTraces(await store().getTraces(request({ endTs: TODAY + 2000, lookback: 1 })), [h1, h2]);
      expectTraces(await store().getTraces(request({ endTs: TODAY + 3000, lookback: 500 })));
      expectTracesInOrder(await store().getTraces(request()), [h1, h2], [root, child]);
    });

    it('ignores traces without any timestamp until a timestamped span arrives', async () => {
      const span = clientSpan();
      const { timestamp: _t, duration: _d, ...noTimestamp } = span;
      await store().accept([noTimestamp]);
      expectTraces(await store().getTraces(request({ serviceName: 'frontend' })));
      expectTraces(await store().getTraces(request({ serviceName: 'frontend', spanName: 'get /foo' })));
      await store().accept([span]);
      expectTraces(await store().getTraces(request({ serviceName: 'frontend' })), [noTimestamp, span]);
      expectTraces(
        await store().getTraces(request({ serviceName: 'frontend', remoteServiceName: 'backend' })), [noTimestamp, span],
      );
      expectTraces(await store().getTraces(request({ serviceName: 'frontend', spanName: 'get /foo' })), [noTimestamp, span]);
    });

    it('filters by serviceName and remoteServiceName', async () => {
      const span = clientSpan();
      await store().accept([span]);
      expectTraces(await store().getTraces(request({ serviceName: 'frontend1' })));
      expectTraces(await store().getTraces(request({ serviceName: 'frontend' })), [span]);
      expectTraces(await store().getTraces(request({ serviceName: 'backend' })));
      expectTraces(await store().getTraces(request({ serviceName: 'frontend', remoteServiceName: 'backend1' })));
      expectTraces(await store().getTraces(request({ serviceName: 'frontend', remoteServiceName: 'backend' })), [span]);
      // the remote service must be seen from a span of serviceName
      expectTraces(await store().getTraces(request({ serviceName: 'backend', remoteServiceName: 'backend' })));
    });

    it('filters by spanName, with or without serviceName', async () => {
      const span = clientSpan();
      // A 64-bit trace sharing the low bits with a different name must not confuse the match.
      const other = { ...span, traceId: low64(span.traceId), name: 'bar' };
      await store().accept([span, other]);
      expectTraces(await store().getTraces(request({ spanName: 'get /foo1' })));
      expectTraces(await store().getTraces(request({ serviceName: 'frontend', spanName: 'get /foo1' })));
      expectTraces(await store().getTraces(request({ spanName: 'get /foo' })), [span]);
      expectTraces(await store().getTraces(request({ serviceName: 'frontend', spanName: 'get /foo' })), [span]);
      expectTraces(await store().getTraces(request({ serviceName: 'backend', spanName: 'get /foo' })));
    });

    it('filters by tag key=value, tag key, and annotation value', async () => {
      const span = clientSpan({ annotations: [{ timestamp: us(TODAY) + 500, value: 'foo' }] });
      await store().accept([span]);
      expectTraces(await store().getTraces(request({ annotationQuery: { foo: 'bar' } })));
      expectTraces(await store().getTraces(request({ annotationQuery: { 'http.method': 'GET', 'http.path': '/foo' } })), [span]);
      expectTraces(await store().getTraces(request({ annotationQuery: { 'http.method': 'POST' } })));
      expectTraces(await store().getTraces(request({ serviceName: 'frontend', annotationQuery: { foo: '' } })), [span]);
      expectTraces(await store().getTraces(request({ serviceName: 'frontend', annotationQuery: { 'http.path': '' } })), [span]);
      // a bare word does not match a tag value, and key=value does not match an annotation
      expectTraces(await store().getTraces(request({ annotationQuery: { GET: '' } })));
      expectTraces(await store().getTraces(request({ annotationQuery: { foo: 'foo' } })));
    });

    it('matches an error tag with an empty value by key only', async () => {
      const error: Span = {
        traceId: newTraceId(), id: spanId(1), timestamp: us(TODAY), kind: 'CLIENT',
        localEndpoint: { serviceName: 'isao01' }, tags: { error: '' },
      };
      await store().accept([error]);
      expectTraces(await store().getTraces(request({ serviceName: 'isao01' })), [error]);
      expectTraces(await store().getTraces(request({ serviceName: 'isao01', annotationQuery: { error: '' } })), [error]);
      expectTraces(await store().getTraces(request({ serviceName: 'isao01', annotationQuery: { error: '1' } })));
    });

    it('ANDs several annotationQuery terms', async () => {
      const at = (ms: number, ...values: string[]): { timestamp: number; value: string }[] =>
        values.map((value) => ({ timestamp: us(TODAY + ms), value }));
      const foo = withoutTags(frontendSpan({ id: spanId(1), name: 'call1', timestamp: us(TODAY + 1), annotations: at(1, 'foo') }));
      const barAndFoo = withoutTags(frontendSpan({ id: spanId(2), name: 'call2', timestamp: us(TODAY + 2), annotations: at(2, 'bar', 'foo') }));
      const fooAndBazAndQux = frontendSpan({
        id: spanId(3), name: 'call3', timestamp: us(TODAY + 3), annotations: at(3, 'foo'), tags: { baz: 'qux' },
      });
      const all = frontendSpan({
        id: spanId(4), name: 'call4', timestamp: us(TODAY + 4), annotations: at(4, 'bar', 'foo'), tags: { baz: 'qux' },
      });
      await store().accept([foo, barAndFoo, fooAndBazAndQux, all]);
      const q = (annotationQuery: Record<string, string>) => request({ serviceName: 'frontend', annotationQuery });
      expectTraces(await store().getTraces(q({ foo: '' })), [foo], [barAndFoo], [fooAndBazAndQux], [all]);
      expectTraces(await store().getTraces(q({ foo: '', bar: '' })), [barAndFoo], [all]);
      expectTraces(await store().getTraces(q({ foo: '', bar: '', baz: 'qux' })), [all]);
      expectTraces(await store().getTraces(q({ baz: '' })), [fooAndBazAndQux], [all]);
    });

    it('lets different spans of one trace satisfy different terms, across accept calls', async () => {
      const traceId = newTraceId();
      const root = frontendSpan({ traceId, id: spanId(1), tags: { 'http.method': 'GET' }, annotations: [{ timestamp: us(TODAY), value: 'ws' }] });
      const child = frontendSpan({ traceId, parentId: spanId(1), id: spanId(2), name: 'db', timestamp: us(TODAY) + 200, tags: { 'db.type': 'sql' } });
      const other = frontendSpan({ tags: { 'http.method': 'GET' } });
      await store().accept([root, other]);
      expectTraces(await store().getTraces(request({ annotationQuery: { 'http.method': 'GET', 'db.type': 'sql' } })));
      await store().accept([child]);
      expectTraces(
        await store().getTraces(request({ serviceName: 'frontend', annotationQuery: { 'http.method': 'GET', 'db.type': 'sql', ws: '' } })),
        [root, child],
      );
      expectTraces(await store().getTraces(request({ serviceName: 'frontend', spanName: 'db', annotationQuery: { 'http.method': 'GET' } })), [root, child]);
    });

    it('only counts annotations and tags recorded by serviceName', async () => {
      const trace1: Span = {
        traceId: newTraceId(), id: spanId(1), name: '1', kind: 'CLIENT', timestamp: us(TODAY + 1), duration: 3000,
        localEndpoint: FRONTEND, annotations: [{ timestamp: us(TODAY + 1) + 500, value: 'web' }],
        tags: { local: 'web', 'web-b': 'web' },
      };
      const trace1Server: Span = {
        traceId: trace1.traceId, id: spanId(1), name: '1', kind: 'SERVER', shared: true, localEndpoint: BACKEND,
        timestamp: us(TODAY + 2), duration: 1000,
      };
      const trace2: Span = {
        traceId: newTraceId(), id: spanId(2), name: '2', kind: 'CLIENT', timestamp: us(TODAY + 11), duration: 3000,
        localEndpoint: BACKEND, annotations: [{ timestamp: us(TODAY + 11) + 500, value: 'app' }],
        tags: { local: 'app', 'app-b': 'app' },
      };
      const trace2Server: Span = {
        traceId: trace2.traceId, id: spanId(2), name: '2', kind: 'SERVER', shared: true, localEndpoint: FRONTEND,
        timestamp: us(TODAY + 12), duration: 1000,
      };
      await store().accept([trace1, trace1Server, trace2, trace2Server]);
      const t1 = [trace1, trace1Server], t2 = [trace2, trace2Server];
      const q = (serviceName: string, annotationQuery: Record<string, string>) => request({ serviceName, annotationQuery });
      expectTraces(await store().getTraces(request()), t1, t2);
      expectTraces(await store().getTraces(q('frontend', { web: '' })), t1);
      expectTraces(await store().getTraces(q('backend', { web: '' })));
      expectTraces(await store().getTraces(q('backend', { app: '' })), t2);
      expectTraces(await store().getTraces(q('frontend', { app: '' })));
      expectTraces(await store().getTraces(q('frontend', { 'web-b': '' })), t1);
      expectTraces(await store().getTraces(q('backend', { 'web-b': '' })));
      expectTraces(await store().getTraces(q('backend', { 'app-b': '' })), t2);
      expectTraces(await store().getTraces(q('frontend', { 'app-b': '' })));
      expectTraces(await store().getTraces(q('frontend', { local: 'web' })), t1);
      expectTraces(await store().getTraces(q('backend', { local: 'web' })));
      expectTraces(await store().getTraces(q('backend', { local: 'app' })), t2);
      expectTraces(await store().getTraces(q('frontend', { local: 'app' })));
      // without serviceName, any span may match
      expectTraces(await store().getTraces(request({ annotationQuery: { local: 'app' } })), t2);
    });

    it('filters by minDuration and maxDuration (inclusive, in microseconds)', async () => {
      const span = clientSpan();
      await store().accept([span]);
      const d = span.duration!;
      expectTraces(await store().getTraces(request({ minDuration: d + 1 })));
      expectTraces(await store().getTraces(request({ minDuration: d })), [span]);
      expectTraces(await store().getTraces(request({ minDuration: d - 2, maxDuration: d - 1 })));
      expectTraces(await store().getTraces(request({ minDuration: d, maxDuration: d })), [span]);
      expectTraces(await store().getTraces(request({ serviceName: 'frontend', minDuration: d - 1, maxDuration: d + 1 })), [span]);
    });

    it('applies durations to any span of serviceName, together with spanName and remoteServiceName', async () => {
      const offset = us(TODAY - 3);
      const [id1, id2, id3] = [newTraceId(), newTraceId(), newTraceId()];
      const targz: Span = {
        traceId: id1, id: spanId(1), name: 'targz', timestamp: offset + 100, duration: 200_000,
        localEndpoint: FRONTEND, remoteEndpoint: DB, tags: { lc: 'archiver' },
      };
      const tar: Span = {
        traceId: id1, id: spanId(2), parentId: spanId(1), name: 'tar', timestamp: offset + 200, duration: 150_000,
        localEndpoint: BACKEND, remoteEndpoint: BACKEND, tags: { lc: 'archiver' },
      };
      const gz: Span = {
        traceId: id1, id: spanId(3), parentId: spanId(1), name: 'gz', timestamp: offset + 250, duration: 50_000,
        localEndpoint: DB, remoteEndpoint: FRONTEND, tags: { lc: 'archiver' },
      };
      const zip: Span = {
        traceId: id3, id: spanId(3), name: 'zip', timestamp: offset + 130, duration: 50_000,
        annotations: [{ timestamp: offset + 130, value: 'zip' }], localEndpoint: BACKEND, remoteEndpoint: BACKEND,
        tags: { lc: 'archiver' },
      };
      const trace1 = [targz, tar, gz];
      const trace2: Span[] = [
        { ...targz, traceId: id2, timestamp: offset + 110, localEndpoint: DB, remoteEndpoint: FRONTEND, tags: { lc: 'archiver-v2' } },
        { ...tar, traceId: id2, timestamp: offset + 210 },
        { ...gz, traceId: id2, timestamp: offset + 260, localEndpoint: FRONTEND, remoteEndpoint: BACKEND },
      ];
      const trace3 = [zip];
      await store().accept(trace1);
      await store().accept(trace2);
      await store().accept(trace3);
      const q = (o: Parameters<typeof request>[0]) => request({ endTs: TODAY, lookback: DAY, ...o });
      expectTraces(await store().getTraces(q({ serviceName: 'frontend', minDuration: 200_000 })), trace1);
      expectTraces(await store().getTraces(q({ serviceName: 'db', minDuration: 200_000 })), trace2);
      expectTraces(await store().getTraces(q({ serviceName: 'backend', minDuration: 50_000, maxDuration: 150_000 })), trace1, trace2, trace3);
      expectTraces(
        await store().getTraces(q({ serviceName: 'frontend', remoteServiceName: 'backend', minDuration: 50_000, maxDuration: 50_000 })),
        trace2,
      );
      expectTraces(await store().getTraces(q({ serviceName: 'backend', spanName: 'zip', minDuration: 50_000, maxDuration: 50_000 })), trace3);
      expectTraces(await store().getTraces(q({ serviceName: 'backend', minDuration: 50_000, maxDuration: 50_000 })), trace3);
      expectTraces(await store().getTraces(q({ serviceName: 'frontend', minDuration: 200_001 })));
    });

    it('reads back debug and shared flags on spans with the same id', async () => {
      const client = clientSpan({ debug: true });
      const server: Span = { ...client, kind: 'SERVER', shared: true };
      delete server.debug;
      await store().accept([client, server]);
      expectTraces(await store().getTraces(request()), [client, server]);
    });

    it('orders results newest first across services', async () => {
      const traces = [0, 1, 2, 3, 4].map((i) => {
        const t = newTrace(newTraceId());
        const shift = us(i * 60_000);
        return t.map((s) => ({
          ...s, timestamp: s.timestamp! + shift,
          ...(s.annotations ? { annotations: s.annotations.map((a) => ({ ...a, timestamp: a.timestamp + shift })) } : {}),
        }));
      });
      // accept out of time order
      await store().accept([...traces[2]!, ...traces[4]!]);
      await store().accept([...traces[0]!, ...traces[3]!, ...traces[1]!]);
      const newestFirst = [...traces].reverse();
      expectTracesInOrder(await store().getTraces(request()), ...newestFirst);
      expectTracesInOrder(await store().getTraces(request({ serviceName: 'db' })));
      expectTracesInOrder(await store().getTraces(request({ serviceName: 'backend', remoteServiceName: 'db' })), ...newestFirst);
      expectTracesInOrder(await store().getTraces(request({ serviceName: 'backend', limit: 2 })), ...newestFirst.slice(0, 2));
      expectTracesInOrder(
        await store().getTraces(request({ annotationQuery: { error: '' }, endTs: TODAY + 2 * 60_000, lookback: 60_000 })),
        traces[2]!, traces[1]!,
      );
    });
  });
}
