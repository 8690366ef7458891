import { afterAll, beforeAll } from 'vitest';
import { runStorageTests } from '@skein/storage/conformance';
import { startClickHouse } from './testing/index.js';
import type { ClickHouseServers } from './testing/index.js';
import { freshStore } from './test-stores.test-util.js';

let servers: ClickHouseServers | undefined;
beforeAll(async () => {
  servers = await startClickHouse(1);
}, 120_000);
afterAll(async () => {
  await servers?.close();
});

runStorageTests({
  name: 'clickhouse (one node)',
  newStorage: (options) => {
    if (servers === undefined) throw new Error('clickhouse-server did not start');
    return freshStore(servers, options);
  },
});
