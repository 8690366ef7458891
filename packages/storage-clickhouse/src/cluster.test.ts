import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Span } from '@skein/model';
import { runStorageTests } from '@skein/storage/conformance';
import { ChConnection } from './ch-client.js';
import { startClickHouse } from './testing/index.js';
import type { ClickHouseServers } from './testing/index.js';
import { freshStore } from './test-stores.test-util.js';

let servers: ClickHouseServers | undefined;
beforeAll(async () => {
  servers = await startClickHouse(2);
}, 120_000);
afterAll(async () => {
  await servers?.close();
});
const started = (): ClickHouseServers => {
  if (servers === undefined) throw new Error('clickhouse-server did not start');
  return servers;
};

runStorageTests({ name: 'clickhouse (two-shard cluster)', newStorage: (options) => freshStore(started(), options) });

const hex = (n: number, len: number): string => n.toString(16).padStart(len, '0');

describe('clickhouse cluster sharding', () => {
  it('spreads traces over both shards, each trace whole on one, and answers every query with whole traces', async () => {
    const store = await freshStore(started(), { strictTraceId: true, autocompleteKeys: [] });
    try {
      const now = Date.now() * 1000;
      const traces: Span[][] = [];
      for (let t = 0; t < 40; t++) {
        const traceId = hex(0x51e1 + t, 16) + hex(Math.floor(Math.random() * 2 ** 48) * 256 + t, 16);
        const root: Span = {
          traceId, id: hex(1, 16), name: 'get', kind: 'SERVER', timestamp: now - t * 1000, duration: 5000,
          localEndpoint: { serviceName: 'frontend' }, tags: { 'http.method': 'GET' },
        };
        const child: Span = {
          traceId, parentId: hex(1, 16), id: hex(2, 16), name: 'query', kind: 'CLIENT', timestamp: now - t * 1000 + 10,
          duration: 3000, localEndpoint: { serviceName: 'backend' }, remoteEndpoint: { serviceName: 'db' },
        };
        traces.push([root, child]);
      }
      // Spans of one trace arrive in separate inserts, as from separate services.
      await store.accept(traces.map((t) => t[0] as Span));
      await store.accept(traces.map((t) => t[1] as Span));

      const db = (store as unknown as { layout: { database: string } }).layout.database;
      const perShard: Map<string, number>[] = [];
      for (const node of started().nodes) {
        const conn = new ChConnection(node.url);
        const rows = await conn.rows<{ lo: string; n: string }>(
          `SELECT lower(hex(trace_lo)) AS lo, count() AS n FROM ${db}.spans_local GROUP BY trace_lo`, 'reading a shard',
        );
        await conn.close();
        perShard.push(new Map(rows.map((r) => [r.lo, Number(r.n)])));
      }
      for (const shard of perShard) expect(shard.size).toBeGreaterThan(0);
      const [a, b] = perShard as [Map<string, number>, Map<string, number>];
      expect(a.size + b.size).toBe(40);
      for (const [lo, n] of [...a, ...b]) {
        expect(n).toBe(2);
        expect(a.has(lo) && b.has(lo)).toBe(false);
      }

      const byId = new Map(traces.map((t) => [(t[0] as Span).traceId, t]));
      const whole = (found: Span[][]): void => {
        expect(found.length).toBeGreaterThan(0);
        for (const t of found) {
          const sorted = [...t].sort((x, y) => x.id.localeCompare(y.id));
          expect(sorted).toEqual(byId.get((t[0] as Span).traceId));
        }
      };
      const base = { endTs: Math.ceil(now / 1000) + 1, lookback: 3_600_000, limit: 100 };
      const all = await store.getTraces(base);
      expect(all.length).toBe(40);
      whole(all);
      whole(await store.getTraces({ ...base, serviceName: 'backend', remoteServiceName: 'db' }));
      whole(await store.getTraces({ ...base, serviceName: 'frontend', annotationQuery: { 'http.method': 'GET' }, limit: 7 }));
      expect((await store.getTraces({ ...base, spanName: 'query', limit: 7 })).length).toBe(7);
      whole(await store.getTraceMany(traces.map((t) => (t[0] as Span).traceId)));
      for (const t of traces.slice(0, 5)) expect((await store.getTrace((t[0] as Span).traceId)).length).toBe(2);
      const links = await store.getDependencies(base.endTs, base.lookback);
      expect(links.map((l) => [l.parent, l.child, l.callCount, l.errorCount ?? 0]).sort()).toEqual([
        ['backend', 'db', 40, 0], ['frontend', 'backend', 40, 0],
      ]);
    } finally {
      await store.close();
    }
  });
});
