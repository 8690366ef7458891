import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runStorageTests } from '@skein/storage/conformance';
import { SqliteStorage } from './sqlite-storage.js';

const root = mkdtempSync(join(tmpdir(), 'skein-sqlite-conformance-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

runStorageTests({
  name: 'sqlite',
  newStorage: async (options) => new SqliteStorage({ ...options, dataDir: join(root, String(n++)) }),
});
