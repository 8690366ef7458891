import { describe, expect, it, vi } from 'vitest';
import type { Span } from '@skein/model';
import { MemoryIndex } from './memory-index.js';

const T0 = Date.now() * 1000;
const hex = (n: number): string => n.toString(16).padStart(16, '0');
const trace = (n: number, spans: number): Span[] =>
  Array.from({ length: spans }, (_, i) => ({
    traceId: hex(n + 1), id: hex(n * 100 + i + 1), name: 'op', timestamp: T0 + n, duration: 5,
    localEndpoint: { serviceName: 'svc' }, ...(i > 0 ? { parentId: hex(n * 100 + 1) } : {}),
  }));

describe('MemoryIndex duplicate-check sets', () => {
  it('drop the oldest sets beyond the budget, never those of the two newest blocks, and count what they hold', () => {
    const index = new MemoryIndex(1_000_000, [], 4, 100); // blocks of 16 traces, 100 hashes kept
    for (let n = 0; n < 400; n++) {
      index.accept(trace(n, 5));
      // Every trace's set holds its 5 hashes; 32 traces make two blocks.
      expect(index.heldHashes).toBeLessThanOrEqual(100 + 32 * 5 + 16 * 5);
    }
    expect(index.heldHashes).toBeGreaterThanOrEqual(100 - 5);
    // A dropped set is rebuilt when a late span comes: the repeat is still caught.
    index.accept(trace(0, 5));
    expect(index.spanCount).toBe(400 * 5);
    index.accept([{ ...(trace(0, 5)[1] as Span), id: hex(99) }]);
    expect(index.spanCount).toBe(400 * 5 + 1);
  });
});

describe('MemoryIndex ordinals', () => {
  it.each([0, 2 ** 31 - 40, 2 ** 32 - 40, 2 ** 40])('search, link and evict alike once ordinals pass 32 bits (from %d)', async (firstOrd) => {
    const { searchTraces } = await import('./search.js');
    const { dependencyLinks } = await import('./dependencies.js');
    // Blocks of 16 traces; 80 traces of 5 spans, keeping 300 spans (the oldest 20 traces go).
    const index = new MemoryIndex(300, [], 4, 100, firstOrd);
    for (let n = 0; n < 80; n++) {
      const spans = trace(n, 5).map((s, i) => ({ ...s, kind: i === 0 ? ('SERVER' as const) : ('CLIENT' as const), remoteEndpoint: { serviceName: i === 0 ? 'caller' : 'callee' } }));
      index.accept(spans);
    }
    expect(index.spanCount).toBe(300);
    const window = { endTs: Math.floor(T0 / 1000) + 1000, lookback: 86_400_000, limit: 1000 };
    const found = searchTraces(index, { ...window, serviceName: 'svc' }, true);
    expect(found.map((t) => t[0]?.traceId).sort()).toEqual(Array.from({ length: 60 }, (_, k) => hex(k + 21)).sort());
    expect(searchTraces(index, { ...window, serviceName: 'svc', limit: 3 }, true).map((t) => t[0]?.traceId)).toEqual([hex(80), hex(79), hex(78)]);
    const links = await dependencyLinks(index, window.endTs, window.lookback);
    expect(links.map((l) => `${l.parent}>${l.child}:${l.callCount}`).sort()).toEqual(['caller>svc:60', 'svc>callee:240']);
  });
});

describe('MemoryIndex linking ahead', () => {
  const serverTrace = (n: number): Span[] =>
    trace(n, 3).map((s, i) => ({ ...s, kind: i === 0 ? ('SERVER' as const) : ('CLIENT' as const), remoteEndpoint: { serviceName: i === 0 ? 'caller' : 'callee' } }));

  it('links a block once it has been quiet, and again once quiet after a late span changed it', async () => {
    const { linkAhead } = await import('./dependencies.js');
    const index = new MemoryIndex(1_000_000, [], 4); // blocks of 16 traces
    index.linkAhead = (id, block, done) => linkAhead(index, id, block, done);
    index.linkQuietMs = 50;
    for (let n = 0; n < 80; n++) index.accept(serverTrace(n)); // blocks 0-4, each linked once quiet
    const block = index.blocks.get(1);
    await vi.waitFor(() => expect(block?.links).toBeDefined(), { timeout: 5000, interval: 10 });
    // A late span of trace 20 (block 1), from a service of its own.
    index.accept([{ ...(serverTrace(20)[0] as Span), id: hex(999_999), parentId: hex(20 * 100 + 1), localEndpoint: { serviceName: 'late' }, remoteEndpoint: { serviceName: 'svc' }, kind: 'SERVER' }]);
    expect(block?.links).toBeUndefined();
    await vi.waitFor(() => expect(block?.links).toBeDefined(), { timeout: 5000, interval: 10 });
    expect(block?.links?.map((l) => `${l.parent}>${l.child}:${l.callCount}`).sort()).toEqual(['caller>svc:16', 'svc>callee:32', 'svc>late:1']);
  });

  it('tries each version of a block once, however its linking ends', async () => {
    const index = new MemoryIndex(1_000_000, [], 4);
    const tried: number[] = [];
    index.linkAhead = (id, _block, done) => {
      tried.push(id);
      setImmediate(done); // gives up without links, as when the block changed meanwhile
    };
    index.linkQuietMs = 20;
    for (let n = 0; n < 80; n++) index.accept(serverTrace(n));
    await new Promise((r) => setTimeout(r, 200));
    // Blocks 0-4 once quiet, oldest first, once each: not again and again.
    expect(tried).toEqual([0, 1, 2, 3, 4]);
    index.accept([{ ...(serverTrace(20)[0] as Span), id: hex(999_999) }]); // block 1 changes: a new version
    await new Promise((r) => setTimeout(r, 200));
    expect(tried).toEqual([0, 1, 2, 3, 4, 1]);
  });
});

describe('MemoryIndex runs of one trace in a batch', () => {
  const ids = (spans: Span[]): string[] => spans.map((s) => `${s.traceId}/${s.id}`).sort();

  it('stores each span once, whether repeated in its run, in another run of the batch, or in a later batch', () => {
    const index = new MemoryIndex(1_000_000, []);
    const [a1, a2, a3] = trace(1, 3) as [Span, Span, Span];
    const [b1] = trace(2, 1) as [Span];
    // Runs: [a1 a2 a1] [b1] [a2 a3 a3]: a1 repeated within its run, a2 across runs.
    index.accept([a1, a2, a1, b1, a2, a3, a3]);
    expect(index.spanCount).toBe(4);
    const a = index.byId.get(hex(2));
    if (a === undefined) throw new Error('trace 1 not stored');
    expect(a.count).toBe(3);
    expect(ids(index.decode(a))).toEqual(ids([a1, a2, a3]));
    // The whole trace again, as one run, then one new span among repeats.
    index.accept([a3, a2, a1]);
    const a4: Span = { ...a1, id: hex(199), parentId: a1.id };
    index.accept([a1, a4, a2]);
    expect(index.spanCount).toBe(5);
    expect(ids(index.decode(a))).toEqual(ids([a1, a2, a3, a4]));
  });

  it('stores the spans of a run it had to rebase or re-identify, and the others as sent', () => {
    const index = new MemoryIndex(1_000_000, []);
    const [x1, x2] = trace(3, 2) as [Span, Span];
    index.accept([x1, x2]);
    const x = index.byId.get(hex(4));
    if (x === undefined) throw new Error('trace 3 not stored');
    expect(x.data.split('\n')).toHaveLength(2);
    // The 128-bit form of its id, and a span timed in another 36-minute window: both repacked, in one batch.
    const long: Span = { ...x1, traceId: `${'0'.repeat(15)}1${hex(4)}`, id: hex(401) };
    const late: Span = { ...x2, id: hex(402), timestamp: (x2.timestamp as number) + 3 * 2 ** 31 };
    index.accept([long, late, { ...x1 }]);
    expect(index.spanCount).toBe(4);
    const spans = index.decode(x);
    expect(spans.map((s) => s.traceId).sort()).toEqual([hex(4), hex(4), hex(4), long.traceId].sort());
    expect(spans.find((s) => s.id === hex(402))?.timestamp).toBe(late.timestamp);
  });
});
