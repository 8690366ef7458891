import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { DependencyLink, Span } from '@skein/model';
import type { CheckResult, QueryRequest, Storage, StorageOptions } from '@skein/storage';
import { DependencyReader } from './dependencies.js';
import { SqliteStorageError, storageError } from './errors.js';
import { lowTraceId, normalizeTraceId } from './ids.js';
import { NameTable } from './names.js';
import { Retention } from './retention.js';
import { initSchema } from './schema.js';
import { TraceSearch } from './search.js';
import { SpanReader } from './span-reader.js';
import { WriteQueue } from './write-queue.js';
import { SpanWriter } from './writer.js';

/** Options of the SQLite store. */
export interface SqliteStorageOptions extends StorageOptions {
  /** Directory holding skein.db and its WAL; created when missing. */
  dataDir: string;
  /** Traces that started longer ago than this (ms) are deleted in the background; 0 keeps all. */
  retention?: number;
  /** How often the retention sweep runs, in ms (default 60 000). */
  retentionIntervalMs?: number;
  /** Trace groups deleted per retention transaction (default 500), so ingest is never held up long. */
  retentionBatch?: number;
  /** The clock retention measures age by (epoch ms); tests move it. */
  now?: () => number;
  /** SQLite max_page_count: caps the database size (tests use it to fill the "disk"). */
  maxPageCount?: number;
  /** Called with every SQL statement run, values filled in (tests check query plans with it). */
  verbose?: (sql: string) => void;
}

/** The file name of the database inside the data directory. */
export const DB_FILE = 'skein.db';

/** Opens the database, turning every failure into a STORAGE_DATA_DIR error naming the directory. */
function openDatabase(dataDir: string, maxPageCount: number | undefined, verbose?: (sql: string) => void): Database.Database {
  const dir = resolve(dataDir);
  const fail = (doing: string, err: unknown): SqliteStorageError => new SqliteStorageError('STORAGE_DATA_DIR',
    `cannot use SQLite data directory ${dir}: ${doing} failed (${err instanceof Error ? err.message : String(err)}); `
    + 'choose a writable directory with --data-dir', { cause: err });
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw fail('creating it', err);
  }
  const probe = join(dir, `.skein-write-test-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    throw fail('writing a file in it', err);
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(join(dir, DB_FILE), verbose === undefined ? {} : { verbose: (sql) => verbose(String(sql)) });
    initSchema(db);
    if (maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.floor(maxPageCount)}`);
    return db;
  } catch (err) {
    db?.close();
    throw fail(`opening ${DB_FILE}`, err);
  }
}

/**
 * The embedded, persistent store (better-sqlite3). accept() calls are grouped into one
 * transaction per event-loop turn and resolve once committed to the WAL; every query goes
 * through an index; dependency links are kept per trace and per 10 minutes as spans arrive.
 */
export class SqliteStorage implements Storage {
  readonly name = 'sqlite';
  readonly dataDir: string;
  private readonly db: Database.Database;
  private readonly names: NameTable;
  private readonly reader: SpanReader;
  private readonly writer: SpanWriter;
  private readonly search: TraceSearch;
  private readonly deps: DependencyReader;
  private readonly retention: Retention;
  private readonly queue: WriteQueue;
  private readonly now: () => number;
  private retentionTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  private lastWriteError: SqliteStorageError | undefined;
  private closed = false;

  constructor(private readonly options: SqliteStorageOptions) {
    this.dataDir = resolve(options.dataDir);
    this.db = openDatabase(this.dataDir, options.maxPageCount, options.verbose);
    this.names = new NameTable(this.db);
    this.reader = new SpanReader(this.db, this.names);
    this.writer = new SpanWriter(this.db, this.names, this.reader, options.autocompleteKeys);
    this.search = new TraceSearch(this.db, this.names, this.reader, options.strictTraceId);
    this.deps = new DependencyReader(this.db, this.names);
    this.retention = new Retention(this.db, this.writer);
    this.queue = new WriteQueue((spans) => this.commit(spans));
    this.now = options.now ?? Date.now;
    const retention = options.retention ?? 0;
    if (retention > 0) {
      const every = options.retentionIntervalMs ?? 60_000;
      this.retentionTimer = setInterval(() => void this.sweep().catch(() => undefined), every);
      this.retentionTimer.unref();
    }
  }

  private commit(spans: readonly Span[]): void {
    if (this.closed) throw new SqliteStorageError('STORAGE_CLOSED', 'the SQLite store is closed');
    if (spans.length === 0) return;
    try {
      this.writer.transaction(spans);
      this.lastWriteError = undefined;
    } catch (err) {
      // The transaction rolled back: ids cached during it may not exist.
      this.names.reset();
      this.writer.reset();
      this.lastWriteError = storageError(err, this.dataDir, `storing ${spans.length} spans`);
      throw this.lastWriteError;
    }
  }

  accept(spans: readonly Span[]): Promise<void> {
    if (this.closed) return Promise.reject(new SqliteStorageError('STORAGE_CLOSED', 'the SQLite store is closed'));
    return this.queue.enqueue(spans);
  }

  private read<T>(doing: string, f: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new SqliteStorageError('STORAGE_CLOSED', 'the SQLite store is closed'));
    try {
      return Promise.resolve(f());
    } catch (err) {
      return Promise.reject(storageError(err, this.dataDir, doing));
    }
  }

  private traceSpans(traceId: string): Span[] {
    const id = normalizeTraceId(traceId);
    const low = lowTraceId(id);
    const tid = this.reader.tid(low);
    if (tid === undefined) return [];
    const spans = this.reader.groupSpans(tid, low);
    return this.options.strictTraceId ? spans.filter((s) => s.traceId === id) : spans;
  }

  getTrace(traceId: string): Promise<Span[]> {
    return this.read('reading a trace', () => this.traceSpans(traceId));
  }

  getTraceMany(traceIds: readonly string[]): Promise<Span[][]> {
    return this.read('reading traces', () => {
      const out: Span[][] = [];
      const done = new Set<string>();
      for (const raw of traceIds) {
        const id = normalizeTraceId(raw);
        const key = this.options.strictTraceId ? id : lowTraceId(id);
        if (done.has(key)) continue;
        done.add(key);
        const trace = this.traceSpans(id);
        if (trace.length > 0) out.push(trace);
      }
      return out;
    });
  }

  getTraces(request: QueryRequest): Promise<Span[][]> {
    return this.read('searching traces', () => this.search.run(request));
  }

  getServiceNames(): Promise<string[]> {
    return this.read('listing services', () =>
      this.strings(this.db.prepare<[], { s: string }>('SELECT n.s FROM services v JOIN names n ON n.id = v.svc').all()));
  }

  getRemoteServiceNames(serviceName: string): Promise<string[]> {
    return this.read('listing remote services', () => this.strings(this.db.prepare<[string], { s: string }>(
      `SELECT n.s FROM names sv JOIN remote_names r ON r.svc = sv.id JOIN names n ON n.id = r.rsvc WHERE sv.s = ?`,
    ).all(serviceName.toLowerCase())));
  }

  getSpanNames(serviceName: string): Promise<string[]> {
    return this.read('listing span names', () => this.strings(this.db.prepare<[string], { s: string }>(
      `SELECT n.s FROM names sv JOIN span_names p ON p.svc = sv.id JOIN names n ON n.id = p.name WHERE sv.s = ?`,
    ).all(serviceName.toLowerCase())));
  }

  private strings(rows: { s: string }[]): string[] {
    return rows.map((r) => r.s).filter((s) => s !== '').sort();
  }

  getDependencies(endTs: number, lookback: number): Promise<DependencyLink[]> {
    return this.read('computing dependencies', () => this.deps.run(endTs, lookback));
  }

  getKeys(): Promise<string[]> {
    return Promise.resolve([...this.options.autocompleteKeys]);
  }

  getValues(key: string): Promise<string[]> {
    if (!this.options.autocompleteKeys.includes(key)) return Promise.resolve([]);
    return this.read('listing tag values', () => this.db.prepare<[string], { v: string }>(
      'SELECT v FROM autocomplete WHERE k = ? ORDER BY v',
    ).all(key).map((r) => r.v));
  }

  /**
   * Deletes traces older than the retention, a batch per transaction with a turn of the event
   * loop between batches; resolves to the number of trace groups deleted.
   */
  sweep(): Promise<number> {
    const retention = this.options.retention ?? 0;
    if (retention <= 0 || this.closed) return Promise.resolve(0);
    if (this.sweeping !== undefined) return this.sweeping;
    const batch = this.options.retentionBatch ?? 500;
    const cutoff = (this.now() - retention) * 1000;
    this.sweeping = (async () => {
      let total = 0;
      try {
        for (;;) {
          if (this.closed) break;
          const n = this.retention.deleteOlderThan(cutoff, batch);
          total += n;
          if (n < batch) break;
          await new Promise<void>((r) => setImmediate(r));
        }
      } finally {
        this.sweeping = undefined;
      }
      return total;
    })();
    return this.sweeping;
  }

  async check(): Promise<CheckResult> {
    if (this.closed) return { ok: false, error: 'the SQLite store is closed' };
    if (this.lastWriteError !== undefined) return { ok: false, error: this.lastWriteError.message };
    try {
      this.db.prepare('SELECT 1').get();
      return { ok: true };
    } catch (err) {
      return { ok: false, error: storageError(err, this.dataDir, 'checking health').message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.retentionTimer !== undefined) clearInterval(this.retentionTimer);
    await this.queue.enqueue([]).catch(() => undefined); // commits what was accepted before close
    await this.sweeping?.catch(() => undefined);
    this.closed = true;
    this.db.close();
  }
}
