import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryStorage } from '@skein/storage';
import type { Storage } from '@skein/storage';
import { DB_FILE, SqliteStorage } from '@skein/storage-sqlite';
import { ClickHouseStorage } from '@skein/storage-clickhouse';
import { startClickHouse } from '@skein/storage-clickhouse/testing';

/** A store under benchmark, opened empty. */
export interface BenchStore {
  storage: Storage;
  /** Bytes the store uses on disk now, or undefined when it keeps nothing on disk. */
  bytesOnDisk(): Promise<number | undefined>;
  /** Closes the store and removes what it wrote. */
  dispose(): Promise<void>;
}

/** A named way to open a store for the benchmark; add an entry to compare another store. */
export interface StoreFactory {
  name: string;
  open(options: { spans: number }): Promise<BenchStore>;
}

const size = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/** The in-memory store (the baseline). */
export const memoryStore: StoreFactory = {
  name: 'memory',
  async open({ spans }) {
    const storage = new InMemoryStorage({ strictTraceId: true, autocompleteKeys: [], maxSpans: spans * 2 });
    return { storage, bytesOnDisk: async () => undefined, dispose: () => storage.close() };
  },
};

/** The SQLite store in a fresh temp directory; bytes on disk are the database plus its WAL. */
export const sqliteStore: StoreFactory = {
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(process.env.SKEIN_BENCH_DIR ?? tmpdir(), 'skein-bench-sqlite-'));
    const storage = new SqliteStorage({ dataDir: dir, strictTraceId: true, autocompleteKeys: [] });
    return {
      storage,
      bytesOnDisk: async () => size(join(dir, DB_FILE)) + size(join(dir, `${DB_FILE}-wal`)),
      dispose: async () => {
        await storage.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/**
 * ClickHouse on one node: a clickhouse-server of its own (temp directory, free port) is started
 * for the run and stopped after; bytes on disk are the active parts of both tables after OPTIMIZE.
 */
export const clickhouseStore: StoreFactory = {
  name: 'clickhouse',
  async open() {
    const servers = await startClickHouse(1);
    const url = servers.nodes[0]?.url as string;
    const sql = async (query: string): Promise<string> => {
      const res = await fetch(`${url}/`, { method: 'POST', body: query });
      const text = await res.text();
      if (!res.ok) throw new Error(`clickhouse: ${text}`);
      return text;
    };
    try {
      const storage = await ClickHouseStorage.open({ url, database: 'skein', strictTraceId: true, autocompleteKeys: [] });
      return {
        storage,
        bytesOnDisk: async () => {
          for (const t of ['spans', 'traces']) await sql(`OPTIMIZE TABLE skein.${t} FINAL`);
          return Number(await sql("SELECT sum(bytes_on_disk) FROM system.parts WHERE database = 'skein' AND active"));
        },
        dispose: async () => {
          await storage.close();
          await servers.close();
        },
      };
    } catch (err) {
      await servers.close();
      throw err;
    }
  },
};

/** Every store the benchmark knows, by name. */
export const STORE_FACTORIES: StoreFactory[] = [memoryStore, sqliteStore, clickhouseStore];
