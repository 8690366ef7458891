import { describe, expect, it } from 'vitest';
import type { Span } from '@skein/model';
import { runStorageTests } from '../conformance/index.js';
import { InMemoryStorage } from './in-memory-storage.js';
import type { InMemoryStorageOptions } from './in-memory-storage.js';
import { batchLabel, prepareBatch } from './prepared-batch.js';
import type { PreparedBatch } from './prepared-batch.js';
import { SpanPacker } from './span-packer.js';

/**
 * A store whose spans are packed by a packer of its own, as a worker thread would: batches and
 * deltas go through structuredClone (what postMessage does), deltas applied in order.
 */
function storeWithRemotePacker(options: InMemoryStorageOptions = {}): InMemoryStorage {
  const remote = new SpanPacker();
  let store: InMemoryStorage | undefined = undefined;
  const preparer = async (spans: readonly Span[]): Promise<PreparedBatch> => {
    const batch = prepareBatch(remote, spans, (store as InMemoryStorage).prepareSettings);
    const delta = remote.takeDelta();
    if (delta !== undefined) batch.delta = delta;
    const received = structuredClone(batch);
    if (received.delta !== undefined) (store as InMemoryStorage).applyPackerDelta(received.delta);
    return received;
  };
  store = new InMemoryStorage({ ...options, preparer });
  return store;
}

runStorageTests({ name: 'memory, packed by a remote packer', newStorage: async (options) => storeWithRemotePacker(options) });

const pad = (id: string): string => (id.length > 16 ? id : id.padStart(16, '0'));
const span = (traceId: string, id: string, extra: Partial<Span> = {}): Span => ({
  traceId: pad(traceId), id: pad(id), name: 'get', timestamp: 1_700_000_000_000_000, duration: 5,
  localEndpoint: { serviceName: 'front', ipv4: '10.0.0.1', port: 80 }, tags: { 'http.path': `/a/${id}` }, ...extra,
});

describe('prepared batches', () => {
  it('drops a duplicate sent again, whichever packer packed it first', async () => {
    const store = storeWithRemotePacker();
    await store.accept([span('a1', '1'), span('a1', '2')]);
    await store.accept([span('a1', '2'), span('a1', '3')]);
    expect((await store.getTrace('a1')).map((s) => s.id).sort()).toEqual(['1', '2', '3'].map(pad));
  });

  it('keeps a 64-bit and a 128-bit form of one trace id apart in strict mode', async () => {
    const store = storeWithRemotePacker();
    const long = '00000000000000a1000000000000000b';
    await store.accept([span('000000000000000b', '1')]);
    await store.accept([span(long, '2'), span(long, '2')]);
    expect((await store.getTrace(long)).map((s) => [s.traceId, s.id])).toEqual([[long, pad('2')]]);
    expect((await store.getTrace('000000000000000b')).map((s) => s.id)).toEqual([pad('1')]);
  });

  it('gives the replica every string the remote packer interned, so spans read back whole', async () => {
    const store = storeWithRemotePacker({ autocompleteKeys: ['env'] });
    const many = Array.from({ length: 300 }, (_, i) => span(`b${i}`, '1', {
      name: `op${i % 40}`, tags: { env: `e${i % 5}`, [`k${i % 7}`]: `v${i}` },
      annotations: [{ timestamp: 1_700_000_000_000_100, value: `ann${i % 9}` }],
      remoteEndpoint: { serviceName: `r${i % 11}`, ipv6: '::1' },
    }));
    await store.accept(many.slice(0, 150));
    await store.accept(many.slice(150));
    for (const s of [many[0], many[149], many[299]] as Span[]) expect(await store.getTrace(s.traceId)).toEqual([s]);
    expect(await store.getValues('env')).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
  });

  it('indexes names and services the packer did not intern (a name over 200 characters, a server\'s remote endpoint, a service past 64 endpoints)', async () => {
    const store = storeWithRemotePacker();
    const long = `op${'x'.repeat(200)}`;
    const spans = Array.from({ length: 70 }, (_, i) => span(`d${i}`, '1', {
      name: i === 0 ? long : `op${i}`, kind: 'SERVER', localEndpoint: { serviceName: 'wide', ipv4: `10.0.1.${i}` },
      remoteEndpoint: { serviceName: `caller${i % 3}`, ipv4: '10.9.9.9', port: 40_000 + i },
    }));
    const packer = new SpanPacker();
    const batch = prepareBatch(packer, spans, { autocompleteKeys: [] });
    // The cases under test: labels kept as strings (a server's remote endpoint is never interned,
    // and a service's endpoints past the 64th are inline), read back by the same rule.
    expect(batch.strings).toContain('caller0');
    expect(batch.strings).toContain('wide');
    expect(batch.strings).toContain(long);
    expect(batchLabel(packer, batch, 0, 0)).toBe(long);
    expect([0, 1, 2].map((what) => batchLabel(packer, batch, 69, what as 0 | 1 | 2))).toEqual(['op69', 'wide', 'caller0']);
    await store.accept(spans);
    expect(await store.getRemoteServiceNames('wide')).toEqual(['caller0', 'caller1', 'caller2']);
    expect((await store.getSpanNames('wide')).length).toBe(70);
    expect(await store.getSpanNames('wide')).toContain(long);
    const found = await store.getTraces({ serviceName: 'wide', remoteServiceName: 'caller2', spanName: 'op68', endTs: Date.now(), lookback: 86_400_000 * 365 * 10, limit: 10 });
    expect(found.map((t) => t[0]?.traceId)).toEqual([pad('d68')]);
  });

  it('keeps a trace whose spans fall in different time-base windows whole, and still drops their duplicates', async () => {
    for (const store of [new InMemoryStorage(), storeWithRemotePacker()]) {
      const window = 2 ** 31;
      const start = Math.ceil(1_700_000_000_000_000 / window) * window - 5; // 5 µs before a window starts
      const root = span('c1', '1', { timestamp: start, annotations: [{ timestamp: start + 10, value: 'late' }] });
      const child = span('c1', '2', { parentId: pad('1'), timestamp: start + 7, annotations: [{ timestamp: start - 1, value: 'early' }] });
      const { timestamp: _none, ...loose } = span('c1', '3', { parentId: pad('1'), annotations: [{ timestamp: start + window, value: 'later' }] });
      await store.accept([root]);
      await store.accept([child, loose]);
      await store.accept([child, loose, root]); // duplicates, packed from other windows than the trace's
      const byId = (list: Span[]): Span[] => [...list].sort((x, y) => x.id.localeCompare(y.id));
      expect(byId(await store.getTrace('c1'))).toEqual(byId([root, child, loose]));
    }
  });
});
