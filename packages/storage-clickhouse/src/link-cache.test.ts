import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DependencyLink, Span } from '@skein/model';
import { startClickHouse } from './testing/index.js';
import type { ClickHouseServers } from './testing/index.js';
import { freshStore } from './test-stores.test-util.js';

const HOUR = 3_600_000; // whole 5-minute buckets lie inside the windows below
const hex = (n: number): string => n.toString(16).padStart(16, '0');
let next = 1;

/** A client → server call from `from` to `to`, starting at atMs. */
function call(from: string, to: string, atMs: number, error = false): Span[] {
  const traceId = hex(0xcafe0000 + next) + hex(0x1234_5678_9abc + next++ * 104_729);
  const client: Span = {
    traceId, id: hex(1), name: 'get', kind: 'CLIENT', timestamp: atMs * 1000, duration: 100, localEndpoint: { serviceName: from },
  };
  const server: Span = { traceId, id: hex(1), kind: 'SERVER', shared: true, timestamp: atMs * 1000 + 10, localEndpoint: { serviceName: to } };
  if (error) server.tags = { error: '500' };
  return [client, server];
}

const sorted = (links: DependencyLink[]): [string, string, number, number][] =>
  links.map((l): [string, string, number, number] => [l.parent, l.child, l.callCount, l.errorCount ?? 0]).sort();

describe('clickhouse dependency links by hour', () => {
  let servers: ClickHouseServers | undefined;
  beforeAll(async () => {
    servers = await startClickHouse(1);
  }, 120_000);
  afterAll(async () => {
    await servers?.close();
  });

  it('reflects new traces and late spans in whole hours answered before (no stale cached hour)', async () => {
    const store = await freshStore(servers!, { strictTraceId: true, autocompleteKeys: [] });
    try {
      const now = Math.floor(Date.now() / HOUR) * HOUR; // hours before now lie wholly inside a day's window
      const at = now - 3 * HOUR + 60_000;
      const first = call('a', 'b', at);
      await store.accept(first);
      expect(sorted(await store.getDependencies(now, 24 * HOUR))).toEqual([['a', 'b', 1, 0]]);
      expect(sorted(await store.getDependencies(now, 24 * HOUR))).toEqual([['a', 'b', 1, 0]]);

      await store.accept(call('a', 'b', at + 1000, true)); // a new trace in the same hour
      expect(sorted(await store.getDependencies(now, 24 * HOUR))).toEqual([['a', 'b', 2, 1]]);

      // A late span of the first trace: b calls c.
      const traceId = first[0]!.traceId;
      await store.accept([{ traceId, parentId: hex(1), id: hex(2), kind: 'CLIENT', timestamp: at * 1000 + 20, localEndpoint: { serviceName: 'b' }, remoteEndpoint: { serviceName: 'c' } }]);
      expect(sorted(await store.getDependencies(now, 24 * HOUR))).toEqual([['a', 'b', 2, 1], ['b', 'c', 1, 0]]);

      // The same hour seen through a window that cuts it, and through one that excludes it.
      expect(sorted(await store.getDependencies(at + 500, 1000))).toEqual([['a', 'b', 1, 0], ['b', 'c', 1, 0]]);
      expect(await store.getDependencies(now - 4 * HOUR, HOUR)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
