import type { Storage, StorageOptions } from '@skein/storage';
import { ClickHouseStorage } from './clickhouse-storage.js';
import type { ClickHouseStorageOptions } from './clickhouse-storage.js';
import type { ClickHouseServers } from './testing/index.js';

let next = 0;

/** A store in a fresh database of these servers (a cluster when there are several nodes); close() drops the database. */
export async function freshStore(
  servers: ClickHouseServers, options: StorageOptions, extra: Partial<ClickHouseStorageOptions> = {},
): Promise<ClickHouseStorage> {
  const database = `skein_test_${process.pid}_${next++}`;
  const cluster = servers.nodes.length > 1 ? servers.cluster : '';
  const urls = servers.nodes.map((n) => n.url);
  const store = await ClickHouseStorage.open({
    ...options, url: urls[0] as string, database, cluster, ...(cluster === '' ? {} : { nodeUrls: urls }), ...extra,
  });
  const close = store.close.bind(store);
  const dropping: Storage = store;
  Object.defineProperty(dropping, 'close', {
    value: async () => {
      await close();
      await Promise.all(urls.map((u) => fetch(`${u}/`, { method: 'POST', body: `DROP DATABASE IF EXISTS ${database}` }).catch(() => undefined)));
    },
  });
  return store;
}
