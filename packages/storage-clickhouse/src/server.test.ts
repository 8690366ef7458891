import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, makeConfig } from '@skein/server';
import type { SkeinServer } from '@skein/server';
import { startClickHouse } from './testing/index.js';
import type { ClickHouseServers } from './testing/index.js';

// skein serve --storage clickhouse end to end: the collector answers 503 + Retry-After while
// ClickHouse is down, /health names the store, queries answer 5xx, and all recovers by itself.

let servers: ClickHouseServers | undefined;
let server: SkeinServer | undefined;
const database = `skein_server_test_${process.pid}`;

beforeAll(async () => {
  servers = await startClickHouse(1);
  server = await createServer(
    makeConfig({ storage: 'clickhouse', clickhouseUrl: servers.nodes[0]!.url, clickhouseDatabase: database, host: '127.0.0.1', port: 0 }),
    { uiDir: null },
  );
}, 120_000);
afterAll(async () => {
  await server?.close();
  await servers?.close();
});

const span = (id: string) => ({
  traceId: `463ac35c9f6413ad48485a3953bb${id}`, id: `48485a3953bb${id}`, name: 'get', timestamp: Date.now() * 1000,
  duration: 100, localEndpoint: { serviceName: 'frontend' },
});
const post = (body: unknown) => server!.app.inject({ method: 'POST', url: '/api/v2/spans', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('skein serve --storage clickhouse', () => {
  it('stores and serves spans, answers 503 with Retry-After while ClickHouse is down, and recovers', async () => {
    expect(server!.storage.name).toBe('clickhouse');
    const first = span('0001');
    expect((await post([first])).statusCode).toBe(202);
    const read = await server!.app.inject({ method: 'GET', url: `/api/v2/trace/${first.traceId}` });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual([first]);

    await servers!.nodes[0]!.stop(true);
    const down = await post([span('0002')]);
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBeDefined();
    expect(down.body).toMatch(/clickhouse at http:\/\/127\.0\.0\.1:\d+ is unavailable/);
    const health = await server!.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'DOWN', storage: { name: 'clickhouse', ok: false } });
    const search = await server!.app.inject({ method: 'GET', url: '/api/v2/traces?serviceName=frontend' });
    expect(search.statusCode).toBe(503);
    expect(search.body).toMatch(/unavailable/);

    await servers!.nodes[0]!.start();
    const until = Date.now() + 30_000;
    while ((await server!.app.inject({ method: 'GET', url: '/health' })).statusCode !== 200) {
      if (Date.now() > until) throw new Error('health did not recover');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await post([span('0002')])).statusCode).toBe(202);
    const both = await server!.app.inject({ method: 'GET', url: '/api/v2/traces?serviceName=frontend&limit=10' });
    expect(both.statusCode).toBe(200);
    expect((both.json() as unknown[]).length).toBe(2);
  }, 120_000);
});
