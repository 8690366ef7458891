import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Span } from '@skein/model';
import { DB_FILE, SqliteStorage } from './sqlite-storage.js';
import type { SqliteStorageOptions } from './sqlite-storage.js';
import { testTrace } from './test-spans.test-util.js';

const root = mkdtempSync(join(tmpdir(), 'skein-sqlite-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Math.floor(Date.now() / HOUR) * HOUR;

/** Spans in a stable order: stores return a trace's spans in any order. */
const sorted = (spans: readonly Span[]): Span[] => [...spans].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

function open(extra: Partial<SqliteStorageOptions> = {}): SqliteStorage {
  return new SqliteStorage({ dataDir: join(root, `s${n++}`), strictTraceId: true, autocompleteKeys: ['http.method'], ...extra });
}

describe('SqliteStorage query plans', () => {
  it('runs no statement that scans the spans, tags, traces or aggregate tables', async () => {
    const statements = new Set<string>();
    const store = open({ verbose: (sql) => statements.add(sql), retention: DAY, now: () => NOW });
    // Traces over two days: some will be old enough for retention, the rest are searched.
    for (let i = 0; i < 40; i++) await store.accept(testTrace(i, NOW - i * 2 * HOUR + 1234));
    await store.accept([{ ...testTrace(1, NOW)[0]!, traceId: 'aaaaaaaaaaaaaaaa' }]);
    const trace = testTrace(3, NOW - 6 * HOUR + 1234);
    const q = { endTs: NOW, lookback: DAY, limit: 10 };
    await store.getTrace(trace[0]!.traceId);
    await store.getTraceMany([trace[0]!.traceId, testTrace(4, 0)[0]!.traceId]);
    await store.getTraces(q);
    await store.getTraces({ ...q, serviceName: 'frontend' });
    await store.getTraces({ ...q, serviceName: 'frontend', remoteServiceName: 'backend', spanName: 'get /data' });
    await store.getTraces({ ...q, serviceName: 'backend', annotationQuery: { error: '' }, minDuration: 1000 });
    await store.getTraces({ ...q, serviceName: 'frontend', annotationQuery: { 'http.method': 'GET', 'wire.send': '' }, minDuration: 10, maxDuration: 100_000 });
    await store.getTraces({ ...q, annotationQuery: { 'http.path': '/api/3' } });
    await store.getTraces({ ...q, spanName: 'get /api', minDuration: 5 });
    await store.getServiceNames();
    await store.getRemoteServiceNames('frontend');
    await store.getSpanNames('frontend');
    await store.getValues('http.method');
    await store.getDependencies(NOW, DAY); // whole hours plus edges
    await store.getDependencies(NOW - 1000, 10_000); // within one hour
    expect(await store.sweep()).toBeGreaterThan(0);
    await store.close();

    const db = new Database(join(store.dataDir, DB_FILE), { readonly: true });
    const scans: string[] = [];
    let checked = 0;
    for (const sql of statements) {
      if (!/^\s*(SELECT|INSERT|UPDATE|DELETE)/i.test(sql)) continue;
      checked++;
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[];
      for (const { detail } of plan) {
        if (/\bSCAN (spans|tags|traces|dep_buckets|autocomplete|s|g|t)\b/.test(detail)) scans.push(`${detail}  <=  ${sql}`);
      }
    }
    db.close();
    expect(checked).toBeGreaterThan(20);
    expect(scans).toEqual([]);
  });
});

describe('SqliteStorage writes', () => {
  it('commits accept() calls made together in one transaction, each resolving after the commit', async () => {
    const statements: string[] = [];
    const store = open({ verbose: (sql) => statements.push(sql) });
    const traces = Array.from({ length: 10 }, (_, i) => testTrace(i, NOW - i * 1000));
    await Promise.all(traces.map((t) => store.accept(t)));
    expect(statements.filter((s) => s === 'BEGIN')).toHaveLength(1);
    expect(statements.filter((s) => s === 'COMMIT')).toHaveLength(1);
    expect(await store.getTrace(traces[9]![0]!.traceId)).toHaveLength(3);
    await store.close();
  });

  it('keeps spans, names, autocomplete values and dependency links across a reopen', async () => {
    const dir = join(root, `reopen${n++}`);
    const first = new SqliteStorage({ dataDir: dir, strictTraceId: true, autocompleteKeys: ['http.method'] });
    const trace = testTrace(0, NOW - 1000);
    await first.accept(trace);
    const links = await first.getDependencies(NOW, DAY);
    await first.close();
    const again = new SqliteStorage({ dataDir: dir, strictTraceId: true, autocompleteKeys: ['http.method'] });
    expect(sorted(await again.getTrace(trace[0]!.traceId))).toEqual(sorted(trace));
    expect(await again.getServiceNames()).toEqual(['backend', 'frontend']);
    expect(await again.getValues('http.method')).toEqual(['GET']);
    expect(await again.getDependencies(NOW, DAY)).toEqual(links);
    expect(links).toEqual([{ parent: 'frontend', child: 'backend', callCount: 1, errorCount: 1 }]);
    await again.close();
  });
});

describe('SqliteStorage retention', () => {
  it('deletes whole old traces in small batches while ingest goes on', async () => {
    let now = NOW;
    const statements: string[] = [];
    const store = open({ retention: DAY, retentionBatch: 2, now: () => now, verbose: (s) => statements.push(s) });
    const old = Array.from({ length: 9 }, (_, i) => testTrace(i, NOW - 3 * DAY + i * 1000));
    const fresh = Array.from({ length: 3 }, (_, i) => testTrace(100 + i, NOW - HOUR + i));
    await store.accept([...old.flat(), ...fresh.flat()]);
    expect(await store.getDependencies(NOW, 4 * DAY)).toEqual([{ parent: 'frontend', child: 'backend', callCount: 12, errorCount: 3 }]);

    statements.length = 0;
    const order: string[] = [];
    const sweep = store.sweep().then((deleted) => {
      order.push('sweep');
      return deleted;
    });
    // An accept() issued while the sweep runs commits between its batches, not after it.
    const late = testTrace(200, NOW - 1000);
    const accepted = store.accept(late).then(() => order.push('accept'));
    expect(await sweep).toBe(9);
    await accepted;
    expect(order).toEqual(['accept', 'sweep']);
    expect(statements.filter((s) => s === 'BEGIN').length).toBe(6); // 5 batches of <= 2 traces, 1 ingest

    for (const t of old) expect(await store.getTrace(t[0]!.traceId)).toEqual([]);
    for (const t of [...fresh, late]) expect(await store.getTrace(t[0]!.traceId)).toHaveLength(3);
    expect(await store.getTraces({ endTs: NOW, lookback: 4 * DAY, limit: 100 })).toHaveLength(4);
    expect(await store.getDependencies(NOW, 4 * DAY)).toEqual([{ parent: 'frontend', child: 'backend', callCount: 4, errorCount: 2 }]);
    expect(await store.getDependencies(NOW - 2 * DAY, DAY)).toEqual([]);
    now += 2 * DAY;
    expect(await store.sweep()).toBe(4);
    expect(await store.getTraces({ endTs: now, lookback: 10 * DAY, limit: 100 })).toEqual([]);
    await store.close();
  });
});

describe('SqliteStorage faults', () => {
  it('rejects accept() with STORAGE_FULL when the database cannot grow, keeps what it had and stays usable', async () => {
    const store = open({ maxPageCount: 40 });
    const kept = testTrace(0, NOW - 1000);
    await store.accept(kept);
    let error: unknown;
    for (let i = 1; i < 2000 && error === undefined; i++) {
      const batch = Array.from({ length: 20 }, (_, k) => testTrace(i * 20 + k, NOW - 1000)).flat();
      await store.accept(batch).catch((err: unknown) => {
        error = err;
      });
    }
    expect(error).toMatchObject({ code: 'STORAGE_FULL' });
    expect((error as Error).message).toContain(store.dataDir);
    expect(await store.check()).toMatchObject({ ok: false });
    expect(sorted(await store.getTrace(kept[0]!.traceId))).toEqual(sorted(kept));
    await store.close();
    const db = new Database(join(store.dataDir, DB_FILE), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('refuses a data directory that cannot be created, naming it', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const dir = join(file, 'data');
    expect(() => open({ dataDir: dir })).toThrow(expect.objectContaining({ code: 'STORAGE_DATA_DIR', message: expect.stringContaining(dir) }));
  });

  const mountpoint = join(root, 'ro');
  let mounted = false;
  try {
    mkdirSync(mountpoint);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mountpoint], { stdio: 'ignore' });
    mounted = true;
  } catch {
    // not root or no mount permission: the read-only case is then skipped
  }
  afterAll(() => {
    if (mounted) execFileSync('umount', [mountpoint]);
  });

  it.skipIf(!mounted)('refuses a read-only data directory, naming it', () => {
    expect(() => open({ dataDir: mountpoint })).toThrow(
      expect.objectContaining({ code: 'STORAGE_DATA_DIR', message: expect.stringContaining(mountpoint) }),
    );
  });
});
