import { ZIPKIN_JSON_V2 } from '@skein/codec';
import type { Span } from '@skein/model';
import { runStorageTests } from '@skein/storage/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing.js';
import { ThreadedMemoryStorage } from './prepare-thread.js';

// The whole storage contract, with every span decoded and packed on the real worker thread.
runStorageTests({ name: 'memory with an ingest thread', newStorage: async (options) => new ThreadedMemoryStorage({ ...options, sampleRate: 1 }) });

const hex = (n: number): string => n.toString(16).padStart(16, '0');
const spans = (traceId: string, n: number, service = 'front'): Span[] =>
  Array.from({ length: n }, (_, i) => ({
    traceId, id: hex(i + 1), ...(i > 0 ? { parentId: hex(1) } : {}), name: `op ${service} ${i}`,
    timestamp: Date.now() * 1000 + i, duration: 100 + i, localEndpoint: { serviceName: service },
    tags: { [`key.${service}`]: `value ${i}` },
  }));
const post = (url: string, body: unknown): Promise<Response> =>
  fetch(`${url}/api/v2/spans`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('the memory store ingest thread behind a server', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const start = async (overrides: Parameters<typeof startTestServer>[0]): Promise<TestServer> => {
    const t = await startTestServer({ storage: 'memory', ...overrides });
    servers.push(t);
    return t;
  };

  it('answers bad input with the same status, code and message as decoding on the event loop', async () => {
    const threaded = await start({ ingestThread: true });
    const inline = await start({ ingestThread: false });
    expect(threaded.server.storage).toBeInstanceOf(ThreadedMemoryStorage);
    expect(inline.server.storage).not.toBeInstanceOf(ThreadedMemoryStorage);
    const bodies = [
      '[{"traceId":"1","id":"1"},{"traceId":"1","id":"xyz"}]',
      '[{"traceId":"1","id":"1","timestamp":"soon"}]',
      '[{"traceId":"1", "id":',
      '{"not":"a list"}',
    ];
    for (const body of bodies) {
      const [a, b] = await Promise.all([post(threaded.url, body), post(inline.url, body)]);
      expect(a.status, body).toBe(400);
      expect([a.status, a.headers.get('skein-error-code'), await a.text()]).toEqual([b.status, b.headers.get('skein-error-code'), await b.text()]);
    }
  });

  it('samples whole traces on the thread as the pipeline does', async () => {
    const t = await start({ collectorSampleRate: 0.5 });
    const kept = spans('ffffffffffffffff0000000000000001', 3);
    const dropped = spans('7fffffffffffffff', 3);
    const debugged = { ...(spans('7ffffffffffffffe', 1)[0] as Span), debug: true }; // of a dropped trace, kept for its flag
    expect((await post(t.url, [...kept, ...dropped, debugged])).status).toBe(202);
    expect(await t.server.storage.getTrace(kept[0]?.traceId as string)).toHaveLength(3);
    expect(await t.server.storage.getTrace('7fffffffffffffff')).toEqual([]);
    expect(await t.server.storage.getTrace('7ffffffffffffffe')).toEqual([debugged]);
    // Sampling does not send Zipkin JSON v2 off the fast path; the dropped spans are counted.
    expect((t.server.storage as ThreadedMemoryStorage).threadMessages).toEqual({ fast: 1, general: 0 });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/^skein_collector_spans_dropped_total\{transport="http",reason="sampled"\} 3$/m);
  });

  it('survives the thread dying: what it held is refused with 503, then a new thread carries on with the same strings', async () => {
    const t = await start({});
    const store = t.server.storage as ThreadedMemoryStorage;
    const before = spans('00000000000000a1', 4, 'checkout');
    expect((await post(t.url, before)).status).toBe(202);
    // Kill the worker while a message is on it.
    const worker = (store as unknown as { worker: { terminate(): Promise<number> } }).worker;
    const inFlight = post(t.url, spans('00000000000000a2', 50, 'payments'));
    await new Promise((r) => setTimeout(r, 5));
    await worker.terminate();
    const res = await inFlight;
    if (res.status !== 202) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('skein-error-code')).toBe('INGEST_THREAD_FAILED');
    }
    // Strings interned before the restart, and new ones, pack and read back alike.
    const after = [...spans('00000000000000a3', 4, 'checkout'), ...spans('00000000000000a4', 4, 'shipping')];
    expect((await post(t.url, after)).status).toBe(202);
    expect((await post(t.url, before)).status).toBe(202); // a duplicate: stored once
    const byId = (list: Span[]): Span[] => [...list].sort((x, y) => x.id.localeCompare(y.id));
    expect(byId(await store.getTrace('00000000000000a1'))).toEqual(byId(before));
    expect(byId(await store.getTrace('00000000000000a3'))).toEqual(byId(after.slice(0, 4)));
    expect(byId(await store.getTrace('00000000000000a4'))).toEqual(byId(after.slice(4)));
    expect(await store.getSpanNames('checkout')).toContain('op checkout 3');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/^skein_ingest_thread_failures_total 1$/m);
  });

  // The fast path gives the same answers as the general one (json-v2-preparer.test.ts), so only
  // this count shows that the server uses it, and when it does not.
  it('prepares common Zipkin JSON v2 bodies straight from their bytes, and others by decoding them first', async () => {
    const t = await start({});
    const paths = async (): Promise<string[]> => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      return ['json-v2-bytes', 'general'].map((path) => new RegExp(`^skein_ingest_thread_messages_total\\{path="${path}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 'missing');
    };
    expect(await paths()).toEqual(['0', '0']);
    const common = spans('00000000000000d1', 3);
    expect((await post(t.url, common)).status).toBe(202);
    expect(await paths()).toEqual(['1', '0']);
    // A number tag value is valid Zipkin JSON the fast path leaves to the general one.
    const numberTag = JSON.stringify(spans('00000000000000d2', 2)).replace('"value 1"', '42');
    expect((await post(t.url, numberTag)).status).toBe(202);
    expect(await paths()).toEqual(['1', '1']);
    expect((await post(t.url, '[{"traceId":"1","id":"xyz"}]')).status).toBe(400); // refused: not counted
    expect(await paths()).toEqual(['1', '1']);
    expect(await t.server.storage.getTrace('00000000000000d1')).toHaveLength(3);
    expect((await t.server.storage.getTrace('00000000000000d2')).map((s) => s.tags?.['key.front'])).toContain('42');
  });

  it('counts the time the thread works, errors included, and never more than the time that passed', async () => {
    const t = await start({});
    const busy = async (): Promise<number> => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      const m = /^skein_ingest_thread_busy_seconds_total (\S+)$/m.exec(text);
      if (m?.[1] === undefined) throw new Error('no skein_ingest_thread_busy_seconds_total in /metrics');
      return Number(m[1]);
    };
    expect(await busy()).toBe(0);
    const started = performance.now();
    expect((await post(t.url, spans('00000000000000c1', 2000))).status).toBe(202);
    const afterSpans = await busy();
    expect(afterSpans).toBeGreaterThan(0);
    expect(afterSpans).toBeLessThanOrEqual((performance.now() - started) / 1000);
    expect((await post(t.url, '[{"traceId":"1","id":"xyz"}]')).status).toBe(400);
    const afterError = await busy();
    expect(afterError).toBeGreaterThan(afterSpans);
    expect(afterError).toBeLessThanOrEqual((performance.now() - started) / 1000);
    expect((t.server.storage as ThreadedMemoryStorage).threadBusySeconds).toBe(afterError);
  });

  it('moves a body the caller gave up to the thread without a copy, and copies one it keeps or shares', async () => {
    const store = new ThreadedMemoryStorage({ strictTraceId: true, autocompleteKeys: [], maxSpans: 1000, sampleRate: 1 });
    try {
      const bodyOf = (traceId: string): Uint8Array => new Uint8Array(Buffer.from(JSON.stringify(spans(traceId, 3))));
      const given = bodyOf('00000000000000b1');
      await (await store.decode(given, ZIPKIN_JSON_V2, true)).store();
      expect(given.byteLength).toBe(0); // its memory moved: detached here
      const kept = bodyOf('00000000000000b2');
      await (await store.decode(kept, ZIPKIN_JSON_V2, false)).store();
      expect(kept.byteLength).toBeGreaterThan(0);
      // A view of a bigger buffer (a pooled Buffer) is copied even when given up: the rest is not the caller's.
      const whole = Buffer.concat([Buffer.from(bodyOf('00000000000000b3')), Buffer.alloc(64)]);
      const view = whole.subarray(0, whole.length - 64);
      await (await store.decode(view, ZIPKIN_JSON_V2, true)).store();
      expect(whole.byteLength).toBe(view.byteLength + 64);
      for (const id of ['00000000000000b1', '00000000000000b2', '00000000000000b3']) expect(await store.getTrace(id)).toHaveLength(3);
    } finally {
      await store.close();
    }
  });
});
