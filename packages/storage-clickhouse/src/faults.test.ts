import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Span } from '@skein/model';
import type { ClickHouseStorage } from './clickhouse-storage.js';
import { ClickHouseStorageError } from './errors.js';
import { startClickHouse } from './testing/index.js';
import type { ClickHouseServers } from './testing/index.js';
import { freshStore } from './test-stores.test-util.js';

const hex = (n: number, len: number): string => n.toString(16).padStart(len, '0');
let seq = 0;

/** Spans of `n` one-span traces with random ids (so a batch reaches every shard). */
function batch(n: number): Span[] {
  const now = Date.now() * 1000;
  return Array.from({ length: n }, () => ({
    traceId: hex(Math.floor(Math.random() * 2 ** 52), 16) + hex(Math.floor(Math.random() * 2 ** 52), 16),
    id: hex(++seq, 16), name: 'get', timestamp: now, duration: 10, localEndpoint: { serviceName: 'frontend' },
  }));
}

async function expectUnavailable(p: Promise<unknown>): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ClickHouseStorageError);
  expect((err as ClickHouseStorageError).code).toBe('STORAGE_UNAVAILABLE');
  expect((err as ClickHouseStorageError).statusCode).toBe(503);
  expect((err as Error).message).toMatch(/clickhouse at http:\/\/127\.0\.0\.1:\d+ is unavailable/);
}

/** Waits until the store answers its health check again (sockets to the old process are dropped). */
async function recovered(store: ClickHouseStorage): Promise<void> {
  const until = Date.now() + 30_000;
  while (!(await store.check()).ok) {
    if (Date.now() > until) throw new Error(`store did not recover: ${JSON.stringify(await store.check())}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function faultCycle(servers: ClickHouseServers, down: number): Promise<void> {
  const store = await freshStore(servers, { strictTraceId: true, autocompleteKeys: [] });
  try {
    const before = batch(50);
    await store.accept(before);
    const node = servers.nodes[down];
    if (node === undefined) throw new Error('no such node');
    await node.stop(true);

    await expectUnavailable(store.accept(batch(50)));
    const health = await store.check();
    expect(health.ok).toBe(false);
    expect(health.ok ? '' : health.error).toMatch(/^clickhouse at .* is unavailable while checking health/);
    const request = { endTs: Date.now() + 1000, lookback: 3_600_000, limit: 10 };
    await expectUnavailable(store.getTraces(request));
    await expectUnavailable(store.getTrace((before[0] as Span).traceId));
    await expectUnavailable(store.getServiceNames());

    await node.start();
    await recovered(store);
    const after = batch(50);
    await store.accept(after);
    expect(await store.getTrace((after[0] as Span).traceId)).toEqual([after[0]]);
    expect(await store.getTrace((before[0] as Span).traceId)).toEqual([before[0]]);
    expect((await store.getTraces({ ...request, limit: 1000 })).length).toBe(100);
  } finally {
    await store.close();
  }
}

describe('clickhouse faults', () => {
  describe('one node', () => {
    let servers: ClickHouseServers | undefined;
    beforeAll(async () => {
      servers = await startClickHouse(1);
    }, 120_000);
    afterAll(async () => {
      await servers?.close();
    });

    it('rejects ingest and queries with STORAGE_UNAVAILABLE while ClickHouse is down, and recovers when it returns', async () => {
      if (servers === undefined) throw new Error('clickhouse-server did not start');
      await faultCycle(servers, 0);
    }, 120_000);

    it('fails to open with a clear error when ClickHouse cannot be reached', async () => {
      const err = await freshStore({ ...servers!, nodes: [{ ...servers!.nodes[0]!, url: 'http://127.0.0.1:1' }] },
        { strictTraceId: true, autocompleteKeys: [] }).then(() => undefined, (e: unknown) => e);
      expect((err as ClickHouseStorageError).code).toBe('STORAGE_UNAVAILABLE');
      expect((err as Error).message).toMatch(/clickhouse at http:\/\/127\.0\.0\.1:1 is unavailable while creating the schema/);
    });
  });

  describe('two-shard cluster', () => {
    let servers: ClickHouseServers | undefined;
    beforeAll(async () => {
      servers = await startClickHouse(2);
    }, 120_000);
    afterAll(async () => {
      await servers?.close();
    });

    it('rejects ingest and queries while one shard is down (nothing acknowledged is lost), and recovers', async () => {
      if (servers === undefined) throw new Error('clickhouse-server did not start');
      await faultCycle(servers, 1);
    }, 120_000);
  });
});

describe('clickhouse bad input', () => {
  let servers: ClickHouseServers | undefined;
  beforeAll(async () => {
    servers = await startClickHouse(1);
  }, 120_000);
  afterAll(async () => {
    await servers?.close();
  });

  it('treats ids no span can have as unknown, and keeps quotes and backslashes in values out of the SQL', async () => {
    const store = await freshStore(servers!, { strictTraceId: true, autocompleteKeys: ["it's"] });
    try {
      expect(await store.getTrace("' OR 1=1 --")).toEqual([]);
      expect(await store.getTraceMany(['zz', '1'.repeat(40)])).toEqual([]);
      const span: Span = {
        traceId: hex(0xabc, 16) + hex(7, 16), id: hex(1, 16), name: "o'brien\\", timestamp: Date.now() * 1000,
        localEndpoint: { serviceName: "svc'\\" }, tags: { "it's": "a\\'b\t\n" },
      };
      await store.accept([span]);
      const request = { endTs: Date.now() + 1000, lookback: 60_000, limit: 10 };
      expect(await store.getTraces({ ...request, serviceName: "svc'\\", spanName: "o'brien\\", annotationQuery: { "it's": "a\\'b\t\n" } })).toEqual([[span]]);
      expect(await store.getSpanNames("svc'\\")).toEqual(["o'brien\\"]);
      expect(await store.getValues("it's")).toEqual(["a\\'b\t\n"]);
    } finally {
      await store.close();
    }
  });
});
