import { describe, expect, it, vi } from 'vitest';
import { DependencyLinker } from '@skein/model';
import type { DependencyLink, Span } from '@skein/model';
import { runStorageTests } from '../conformance/index.js';
import { InMemoryStorage } from './in-memory-storage.js';
import { ReferenceStorage } from './reference-storage.js';

runStorageTests({ name: 'memory', newStorage: async (options) => new InMemoryStorage(options) });

const NOW = Math.floor(Date.now() / 1000) * 1000;
const hex = (n: number): string => n.toString(16).padStart(16, '0');

/** A trace of `spans` spans of `service`, started `ms` after NOW. */
function trace(n: number, ms: number, service = `svc${n % 3}`, spans = 3): Span[] {
  const traceId = hex(n + 1);
  return Array.from({ length: spans }, (_, i) => {
    const s: Span = {
      traceId, id: hex(1000 * (n + 1) + i), name: `op${i}`, kind: 'CLIENT',
      timestamp: (NOW + ms) * 1000 + i, duration: 10 + i,
      localEndpoint: { serviceName: service }, remoteEndpoint: { serviceName: `remote${n}` },
      tags: { n: String(n) },
    };
    if (i > 0) s.parentId = hex(1000 * (n + 1));
    return s;
  });
}

const all = { endTs: NOW + 3_600_000, lookback: 7_200_000, limit: 1000 };

/** Stores 1,000 traces (3,000 spans) in stores, 100 traces a call: all in the first block of 1,024, so none is linked ahead. */
async function thousandTraces(...stores: { accept(spans: Span[]): Promise<void> }[]): Promise<void> {
  for (let n = 0; n < 1000; n += 100) {
    const spans = Array.from({ length: 100 }, (_, k) => trace(n + k, n + k)).flat();
    for (const store of stores) await store.accept(spans);
  }
}

describe('InMemoryStorage', () => {
  it('keeps every time of a trace whose first spans have none, and of spans in other time windows', async () => {
    const store = new InMemoryStorage({ maxSpans: 100 });
    const traceId = hex(77);
    const us = NOW * 1000;
    const timeless: Span[] = [
      { traceId, id: hex(1), name: 'no times', localEndpoint: { serviceName: 'a' } },
      { traceId, id: hex(2), parentId: hex(1), tags: { k: 'v' } },
    ];
    const timed: Span[] = [
      { traceId, id: hex(3), parentId: hex(1), timestamp: us, duration: 5, localEndpoint: { serviceName: 'a' } },
      { traceId, id: hex(4), parentId: hex(1), annotations: [{ timestamp: us + 7, value: 'only an annotation' }] },
      // Hours away: another window of relative times, so it is rebased when stored.
      { traceId, id: hex(5), parentId: hex(1), timestamp: us + 3 * 3600e6, duration: 9, annotations: [{ timestamp: us + 3 * 3600e6 + 1, value: 'later' }] },
    ];
    await store.accept(timeless);
    await store.accept(timed);
    await store.accept([{ traceId, id: hex(6), parentId: hex(1), name: 'no times either' }]);
    const byId = (list: Span[]): Span[] => [...list].sort((x, y) => x.id.localeCompare(y.id));
    const expected = byId([...timeless, ...timed, { traceId, id: hex(6), parentId: hex(1), name: 'no times either' }]);
    expect(byId(await store.getTrace(traceId))).toEqual(expected);
    expect(JSON.parse((await store.getTraceJson(traceId)) ?? '[]')).toEqual(expect.arrayContaining(expected.map((x) => expect.objectContaining({ id: x.id, ...(x.timestamp === undefined ? {} : { timestamp: x.timestamp }) }))));
  });

  it('rejects a bad maxSpans with a stable code', () => {
    expect(() => new InMemoryStorage({ maxSpans: 0 })).toThrow(expect.objectContaining({ code: 'STORAGE_INVALID_OPTION' }));
    expect(() => new InMemoryStorage({ maxSpans: 1.5 })).toThrow(/maxSpans/);
  });

  it('evicts the oldest whole traces, by first arrival, to stay within maxSpans', async () => {
    const store = new InMemoryStorage({ maxSpans: 10 });
    const traces = [0, 1, 2, 3, 4].map((n) => trace(n, n));
    // The first trace gets a late span after the others arrived: eviction still goes by first arrival.
    await store.accept(traces[0]!.slice(0, 2));
    for (const t of traces.slice(1)) await store.accept(t);
    await store.accept(traces[0]!.slice(2));
    // 2 + 3 + 3 spans, then trace 3 evicts trace 0's first part and trace 4 evicts trace 1.
    expect(store.spanCount).toBe(10);
    expect(await store.getTrace(traces[0]![0]!.traceId)).toEqual(traces[0]!.slice(2)); // the late span, stored anew
    expect(await store.getTrace(traces[1]![0]!.traceId)).toEqual([]);
    for (const t of traces.slice(2)) expect(await store.getTrace(t[0]!.traceId)).toHaveLength(3);
    const found = await store.getTraces(all);
    expect(found.map((t) => t[0]!.traceId)).toEqual([4, 3, 2, 0].map((n) => traces[n]![0]!.traceId));
    expect(await store.getRemoteServiceNames('svc1')).toEqual(['remote4']);
    expect(await store.getTraces({ ...all, annotationQuery: { n: '1' } })).toEqual([]);
    expect((await store.getDependencies(all.endTs, all.lookback)).map((l) => l.child).sort())
      .toEqual(['remote0', 'remote2', 'remote3', 'remote4']);
  });

  it('forgets names and terms of evicted traces after many evictions', async () => {
    const store = new InMemoryStorage({ maxSpans: 30 });
    for (let n = 0; n < 6000; n++) await store.accept(trace(n, n, `svc${n}`, 1));
    expect(store.spanCount).toBe(30);
    const names = await store.getServiceNames();
    expect(names).toHaveLength(30);
    expect(names).toContain('svc5999');
    expect(names).not.toContain('svc0');
    expect(await store.getSpanNames('svc10')).toEqual([]);
    expect(await store.getTraces({ ...all, annotationQuery: { n: '10' } })).toEqual([]);
    expect(await store.getTraces({ ...all, serviceName: 'svc5990' })).toHaveLength(1);
    expect(await store.getTraces({ ...all, limit: 100 })).toHaveLength(30);
  });

  it('does not duplicate spans of a big trace accepted twice', async () => {
    const store = new InMemoryStorage();
    const big = trace(7, 0, 'big', 600);
    await store.accept(big.slice(0, 300));
    await store.accept(big);
    await store.accept(big.slice(250, 400));
    expect(await store.getTrace(big[0]!.traceId)).toHaveLength(600);
    expect(store.spanCount).toBe(600);
  });

  it('keeps a big trace that grows span by span over many calls whole and without duplicates', async () => {
    const store = new InMemoryStorage();
    const big = trace(8, 0, 'big', 1000);
    for (let i = 0; i < big.length; i += 3) await store.accept(big.slice(Math.max(0, i - 1), i + 3)); // overlapping
    await store.accept(big.slice(500, 700));
    expect(store.spanCount).toBe(1000);
    const back = await store.getTrace(big[0]!.traceId);
    expect(back.sort((a, b) => a.id.localeCompare(b.id))).toEqual(big);
    expect(await store.getTraces({ ...all, serviceName: 'big', spanName: 'op999' })).toHaveLength(1);
  });

  it('drops repeats and keeps differing pieces of a span id in a trace that is no longer recent', async () => {
    const store = new InMemoryStorage({ blockBits: 1, dedupeHashes: 4 }); // duplicate-check sets kept for the newest traces only
    const old = trace(20, 0, 'old', 5);
    await store.accept(old);
    for (let n = 21; n < 40; n++) await store.accept(trace(n, 0)); // pushes trace 20 out of the recent blocks
    const piece: Span = { ...old[1]!, kind: 'SERVER', shared: true, localEndpoint: { serviceName: 'other' } };
    await store.accept([old[0]!, piece, old[1]!, piece]);
    await store.accept(old.slice(2));
    expect(store.spanCount).toBe(6 + 19 * 3);
    const back = await store.getTrace(old[0]!.traceId);
    expect(back).toHaveLength(6);
    expect(back.filter((s) => s.id === old[1]!.id)).toHaveLength(2);
  });

  it('links finished blocks in the background, and a late span to such a block still counts', async () => {
    const store = new InMemoryStorage({ blockBits: 1 });
    const reference = new ReferenceStorage({ strictTraceId: true, autocompleteKeys: [] });
    const tick = (): Promise<void> => new Promise((resolve) => setImmediate(() => resolve()));
    const both = async (spans: Span[]): Promise<void> => {
      await store.accept(spans);
      await reference.accept(spans);
      await tick(); // as between requests: background linking runs
    };
    for (let n = 0; n < 24; n++) await both(trace(n, n));
    const sorted = (links: DependencyLink[]): DependencyLink[] => [...links].sort((a, b) => `${a.parent}>${a.child}`.localeCompare(`${b.parent}>${b.child}`));
    const day = [NOW + 3_600_000, 7_200_000] as const;
    expect(sorted(await store.getDependencies(...day))).toEqual(sorted(await reference.getDependencies(...day)));
    const late: Span = { ...trace(3, 3)[0]!, id: hex(999_999), parentId: hex(4000), kind: 'SERVER', localEndpoint: { serviceName: 'late' }, tags: { error: '' } };
    delete late.remoteEndpoint;
    await both([late]);
    const links = sorted(await store.getDependencies(...day));
    expect(links).toEqual(sorted(await reference.getDependencies(...day)));
    expect(links).toContainEqual({ parent: 'svc0', child: 'late', callCount: 1, errorCount: 1 });
  });

  it('lets the event loop run while a query links traces not linked ahead, and gives the same links', async () => {
    const store = new InMemoryStorage();
    const reference = new ReferenceStorage({ strictTraceId: true, autocompleteKeys: [] });
    await thousandTraces(store, reference); // nothing linked ahead: the query links them all
    let turns = 0;
    let done = false;
    const spin = (): void => {
      if (done) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const day = [NOW + 3_600_000, 7_200_000] as const;
    const links = await store.getDependencies(...day);
    done = true;
    // Linked 128 traces a turn: the loop turned between slices (a query that linked all in one go would leave 0).
    expect(turns).toBeGreaterThanOrEqual(5);
    const sorted = (list: DependencyLink[]): DependencyLink[] => [...list].sort((a, b) => `${a.parent}>${a.child}`.localeCompare(`${b.parent}>${b.child}`));
    expect(sorted(links)).toEqual(sorted(await reference.getDependencies(...day)));
    expect(links.length).toBe(1000);
    expect(sorted(await store.getDependencies(...day))).toEqual(sorted(links)); // asked again (from the cache this time): the same
  });

  it('links a block once for queries asked while it is being linked', async () => {
    const store = new InMemoryStorage();
    await thousandTraces(store);
    // Traces are linked from their link records, which count each call with putLink.
    const putLink = vi.spyOn(DependencyLinker.prototype, 'putLink');
    try {
      const day = [NOW + 3_600_000, 7_200_000] as const;
      const [a, b] = await Promise.all([store.getDependencies(...day), store.getDependencies(...day)]);
      expect(b).toEqual(a);
      expect(a.length).toBe(1000);
      expect(putLink).toHaveBeenCalledTimes(2000); // each trace's two leaf clients once, not once per query
    } finally {
      putLink.mockRestore();
    }
  });

  it('reads back strings that need escaping and values past the intern tables', async () => {
    const store = new InMemoryStorage();
    const odd = 'quote " backslash \\ newline \n tab \t nul \u0000 emoji \uD83D\uDCA9 ⻩';
    const spans: Span[] = [];
    for (let i = 0; i < 1500; i++) {
      spans.push({
        traceId: hex(1), id: hex(i + 1), name: i % 2 === 0 ? odd : `name ${i}`, timestamp: (NOW + i) * 1000,
        localEndpoint: { serviceName: 'svc', ipv6: '2001:db8::1', port: 1 + i },
        remoteEndpoint: { serviceName: odd, ipv4: '10.0.0.1', port: 2000 + i },
        annotations: [{ timestamp: (NOW + i) * 1000 + 1, value: `${odd} ${i}` }],
        tags: { [odd]: odd, id: String(i), [`k${i}`]: '' },
      });
    }
    await store.accept(spans);
    const back = await store.getTrace(hex(1));
    expect(back.sort((a, b) => a.id.localeCompare(b.id))).toEqual(spans);
    expect(await store.getTraces({ ...all, annotationQuery: { [odd]: odd, id: '1499' } })).toHaveLength(1);
  });

  it('frees everything on close', async () => {
    const store = new InMemoryStorage();
    await store.accept(trace(1, 0));
    await store.close();
    expect(await store.getServiceNames()).toEqual([]);
    expect(await store.getTrace(hex(2))).toEqual([]);
  });
});
