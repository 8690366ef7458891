import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Span } from '@skein/model';
import { startClickHouse } from './testing/index.js';
import type { ClickHouseServers } from './testing/index.js';
import { freshStore } from './test-stores.test-util.js';

const DAY = 86_400_000;
const hex = (n: number): string => n.toString(16).padStart(16, '0');

function trace(n: number, atMs: number): Span[] {
  const traceId = hex(0xabc000 + n) + hex(0x5eed0000 + n * 7919);
  return [
    { traceId, id: hex(1), name: 'get', timestamp: atMs * 1000, duration: 10, localEndpoint: { serviceName: 'frontend' } },
    { traceId, parentId: hex(1), id: hex(2), name: 'q', timestamp: atMs * 1000 + 5, duration: 3, localEndpoint: { serviceName: 'backend' } },
  ];
}

for (const shards of [1, 2]) {
  describe(`clickhouse retention (${shards === 1 ? 'one node' : 'two-shard cluster'})`, () => {
    let servers: ClickHouseServers | undefined;
    beforeAll(async () => {
      servers = await startClickHouse(shards);
    }, 120_000);
    afterAll(async () => {
      await servers?.close();
    });

    it('drops whole days older than the retention, keeping younger traces whole', async () => {
      const now = Date.UTC(2026, 10, 20, 12);
      const store = await freshStore(servers!, { strictTraceId: true, autocompleteKeys: [] }, { retention: 2 * DAY, now: () => now });
      try {
        const old = Array.from({ length: 6 }, (_, i) => trace(i, now - 3 * DAY - i * 1000));
        const young = Array.from({ length: 6 }, (_, i) => trace(100 + i, now - DAY - i * 1000));
        await store.accept([...old, ...young].flat());
        const all = { endTs: now, lookback: 5 * DAY, limit: 100 };
        expect((await store.getTraces(all)).length).toBe(12);

        expect(await store.sweep()).toBe(1); // the day of the old traces
        expect(await store.getTraces(all)).toHaveLength(6);
        for (const t of old) expect(await store.getTrace(t[0]!.traceId)).toEqual([]);
        for (const t of young) expect((await store.getTrace(t[0]!.traceId)).length).toBe(2);
        expect(await store.sweep()).toBe(0);
      } finally {
        await store.close();
      }
    });
  });
}
