import { InMemoryStorage, type Storage } from '@skein/storage';
import { SqliteStorage } from '@skein/storage-sqlite';
import { ClickHouseStorage } from '@skein/storage-clickhouse';
import type { Config } from './config.js';
import { ThreadedMemoryStorage } from './ingest/prepare-thread.js';

/** Opens one kind of store from the configuration. */
export type StorageOpener = (config: Config) => Storage | Promise<Storage>;

/**
 * Every store `--storage` can name. Adding a store is one entry here and its name in the
 * `storage` option's choices (config.ts), plus any options of its own there.
 */
export const STORAGE_OPENERS: Readonly<Record<Config['storage'], StorageOpener>> = {
  memory: (config) => {
    const options = { strictTraceId: config.strictTraceId, autocompleteKeys: config.autocompleteKeys, maxSpans: config.memMaxSpans };
    return config.ingestThread ? new ThreadedMemoryStorage({ ...options, sampleRate: config.collectorSampleRate }) : new InMemoryStorage(options);
  },
  sqlite: (config) =>
    new SqliteStorage({
      dataDir: config.dataDir,
      retention: config.retention,
      strictTraceId: config.strictTraceId,
      autocompleteKeys: config.autocompleteKeys,
    }),
  clickhouse: (config) => {
    const urls = config.clickhouseUrl.split(',').map((u) => u.trim()).filter((u) => u !== '');
    return ClickHouseStorage.open({
      url: urls[0] ?? config.clickhouseUrl,
      database: config.clickhouseDatabase,
      cluster: config.clickhouseCluster,
      ...(config.clickhouseCluster !== '' && urls.length > 1 ? { nodeUrls: urls } : {}),
      retention: config.retention,
      strictTraceId: config.strictTraceId,
      autocompleteKeys: config.autocompleteKeys,
    });
  },
};

/** Opens the store the configuration names. */
export async function openStorage(config: Config): Promise<Storage> {
  return STORAGE_OPENERS[config.storage](config);
}
