import type { Span } from '@skein/model';
import { InMemoryStorage, type CheckResult, type Storage } from '@skein/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing.js';

/** A real memory store whose accept() waits until released, or fails, on demand. */
class GatedStorage extends InMemoryStorage {
  gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  failWith: Error | undefined;
  health: CheckResult = { ok: true };
  /** Spans accept() completed, kept across close(). */
  accepted = 0;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  override async accept(spans: readonly Span[]): Promise<void> {
    if (this.failWith !== undefined) throw this.failWith;
    await this.gate;
    await super.accept(spans);
    this.accepted += spans.length;
  }

  override async check(): Promise<CheckResult> {
    return this.health;
  }
}

const newStore = (): GatedStorage => new GatedStorage({ strictTraceId: true, autocompleteKeys: [], maxSpans: 100_000 });

function spans(traceId: string, count: number, debug = false): Span[] {
  return Array.from({ length: count }, (_, i) => ({
    traceId,
    id: (i + 1).toString(16).padStart(16, '0'),
    name: 'op',
    timestamp: 1_700_000_000_000_000 + i,
    duration: 10,
    localEndpoint: { serviceName: 'svc' },
    ...(debug ? { debug: true } : {}),
  }));
}

/** Waits until the server holds `spans` spans in its ingest queue (a request reached the store). */
async function queuedSpans(t: TestServer, spans: number): Promise<void> {
  for (let i = 0; i < 500 && t.server.pipeline.queued.spans < spans; i++) await new Promise((r) => setTimeout(r, 10));
  expect(t.server.pipeline.queued.spans).toBe(spans);
}

const postSpans = (url: string, body: Span[]): Promise<Response> =>
  fetch(`${url}/api/v2/spans`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

async function metric(url: string, line: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(text.split('\n').find((l) => l.startsWith(line))?.split(' ').pop() ?? 'NaN');
}

describe('ingest pipeline over HTTP', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answers 202 only after the store confirmed the spans', async () => {
    const store = newStore();
    t = await startTestServer({}, { storage: store });
    store.hold();
    let answered = false;
    const pending = postSpans(t.url, spans('00000000000000c1', 3)).then((r) => {
      answered = true;
      return r;
    });
    await queuedSpans(t, 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    store.release();
    expect((await pending).status).toBe(202);
    expect(await store.getTrace('00000000000000c1')).toHaveLength(3);
    expect(t.server.pipeline.queued).toEqual({ spans: 0, bytes: 0 });
  });

  it('answers 429 with Retry-After when the queue is full, then accepts again', async () => {
    const store = newStore();
    t = await startTestServer({ ingestQueueSpans: 100 }, { storage: store });
    store.hold();
    const first = postSpans(t.url, spans('00000000000000c2', 80));
    await queuedSpans(t, 80);
    const refused = await postSpans(t.url, spans('00000000000000c3', 30));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('skein-error-code')).toBe('INGEST_QUEUE_FULL');
    expect(await refused.text()).toContain('queue is full');
    store.release();
    expect((await first).status).toBe(202);
    expect((await postSpans(t.url, spans('00000000000000c3', 30))).status).toBe(202);
    expect(await store.getTrace('00000000000000c3')).toHaveLength(30);
    expect(await metric(t.url, 'skein_collector_spans_dropped_total{transport="http",reason="queue_full"}')).toBe(30);
    expect(await metric(t.url, 'skein_collector_messages_rejected_total{transport="http",reason="queue_full"}')).toBe(1);
  });

  it('bounds queued bytes too', async () => {
    const store = newStore();
    t = await startTestServer({ ingestQueueBytes: 2048 }, { storage: store });
    store.hold();
    const first = postSpans(t.url, spans('00000000000000c4', 20));
    await queuedSpans(t, 20);
    const refused = await postSpans(t.url, spans('00000000000000c5', 1));
    expect(refused.status).toBe(429);
    store.release();
    expect((await first).status).toBe(202);
  });

  it('answers 503 with Retry-After when the store fails, storing nothing', async () => {
    const store = newStore();
    t = await startTestServer({}, { storage: store });
    store.failWith = new Error('disk on fire');
    const res = await postSpans(t.url, spans('00000000000000c6', 5));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('skein-error-code')).toBe('STORAGE_UNAVAILABLE');
    expect(await res.text()).toContain('disk on fire');
    store.failWith = undefined;
    expect(await store.getTrace('00000000000000c6')).toEqual([]);
    expect(await metric(t.url, 'skein_collector_spans_dropped_total{transport="http",reason="storage_error"}')).toBe(5);
  });

  it('samples whole traces by trace id and always keeps debug spans', async () => {
    t = await startTestServer({ collectorSampleRate: 0.5 });
    // Low 64 bits 0x...01 are under the boundary (kept); 0x7f...ff is above it (dropped).
    const kept = spans('ffffffffffffffff0000000000000001', 4);
    const dropped = spans('7fffffffffffffff', 4);
    const debug = spans('7ffffffffffffffe', 2, true);
    const mixed = [kept[0], dropped[0], kept[1], dropped[1], debug[0]] as Span[];
    expect((await postSpans(t.url, mixed)).status).toBe(202);
    expect((await postSpans(t.url, [...(kept.slice(2) as Span[]), ...(dropped.slice(2) as Span[]), debug[1] as Span])).status).toBe(202);
    const storage = t.server.storage;
    expect(await storage.getTrace('ffffffffffffffff0000000000000001')).toHaveLength(4);
    expect(await storage.getTrace('7fffffffffffffff')).toEqual([]);
    expect(await storage.getTrace('7ffffffffffffffe')).toHaveLength(2);
    expect(await metric(t.url, 'skein_collector_spans_dropped_total{transport="http",reason="sampled"}')).toBe(4);
    expect(await metric(t.url, 'skein_storage_spans_stored_total')).toBe(6);
  });

  it('drains in-flight ingest on close and refuses new messages', async () => {
    const store = newStore();
    const server = await startTestServer({}, { storage: store });
    store.hold();
    const pending = postSpans(server.url, spans('00000000000000c7', 3));
    await queuedSpans(server, 3);
    const closed = server.close();
    await new Promise((r) => setTimeout(r, 50));
    const late = await fetch(server.url + '/health').catch(() => undefined);
    expect(late === undefined || late.status === 503).toBe(true);
    store.release();
    expect((await pending).status).toBe(202);
    await closed;
    expect(store.accepted).toBe(3);
    await expect(server.server.pipeline.ingest(spans('00000000000000c8', 1), 'test')).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });
});

describe('health', () => {
  it('answers 200 UP with the store, and 503 DOWN naming the store and its error', async () => {
    const store: GatedStorage = newStore();
    const t = await startTestServer({}, { storage: store as Storage });
    try {
      const up = await fetch(`${t.url}/health`);
      expect(up.status).toBe(200);
      expect(await up.json()).toEqual({ status: 'UP', storage: { name: 'memory', ok: true } });
      store.health = { ok: false, error: 'cannot reach the disk' };
      const down = await fetch(`${t.url}/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: 'DOWN', storage: { name: 'memory', ok: false, error: 'cannot reach the disk' } });
      const info = (await (await fetch(`${t.url}/info`)).json()) as { version: string };
      expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      await t.close();
    }
  });
});
