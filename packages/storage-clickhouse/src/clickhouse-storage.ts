import type { DependencyLink, Span } from '@skein/model';
import type { CheckResult, QueryRequest, Storage, StorageOptions } from '@skein/storage';
import { ChConnection } from './ch-client.js';
import { ClickHouseStorageError } from './errors.js';
import { LinkCache } from './link-cache.js';
import { Retention } from './retention.js';
import { createSchema, tables } from './schema.js';
import type { Layout, Tables } from './schema.js';
import { SEARCH_SLICES, searchQuery } from './search.js';
import type { FoundTrace } from './search.js';
import { SPAN_SELECT, decodeRow, encodeBatch, idHalves } from './span-row.js';
import type { SpanRow } from './span-row.js';
import { dayOf, int, str, u64 } from './sql.js';
import { InsertQueue } from './write-queue.js';

/** Options of the ClickHouse store. */
export interface ClickHouseStorageOptions extends StorageOptions {
  /** HTTP interface of the server queries and inserts go to, e.g. http://127.0.0.1:8123. */
  url: string;
  /** Database holding the tables (created when missing). Default "skein". */
  database?: string;
  /** Cluster name from remote_servers: local tables on every node behind Distributed tables. '' (default): one node. */
  cluster?: string;
  /**
   * With a cluster: the HTTP URL of every node, to create the tables (and drop old partitions) on
   * each one directly. When absent, DDL runs ON CLUSTER, which needs ZooKeeper (distributed DDL).
   */
  nodeUrls?: readonly string[];
  /** Days (by span timestamp) older than this (ms) are dropped in the background; 0 keeps all. */
  retention?: number;
  /** How often the retention sweep runs, in ms (default 10 minutes). */
  retentionIntervalMs?: number;
  /** HTTP request timeout in ms (default 30 000). */
  requestTimeoutMs?: number;
  /** The clock (epoch ms); tests move it. */
  now?: () => number;
}

const HEX_ID = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;

/** Identifies a stored span exactly, so a span accepted twice is read back once. */
const spanIdentity = (s: Span): string => JSON.stringify(s);

/**
 * The ClickHouse store: spans in a MergeTree partitioned by day and ordered by (service, name, ts)
 * for search, a small trace-range table so a trace is read from its days only, writes coalesced
 * into RowBinary INSERTs, retention by dropping day partitions, and optionally a cluster sharded
 * by trace id. See README.md.
 */
export class ClickHouseStorage implements Storage {
  readonly name = 'clickhouse';
  private readonly conn: ChConnection;
  private readonly nodes: ChConnection[];
  private readonly layout: Layout;
  private readonly t: Tables;
  private readonly queue: InsertQueue;
  private readonly retention: Retention;
  private readonly links: LinkCache;
  private readonly now: () => number;
  private readonly insertSettings: { insert_distributed_sync?: 1 };
  private retentionTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(private readonly options: ClickHouseStorageOptions) {
    const timeout = options.requestTimeoutMs ?? 30_000;
    this.conn = new ChConnection(options.url, timeout);
    this.layout = { database: options.database ?? 'skein', cluster: options.cluster ?? '' };
    this.nodes = (options.nodeUrls ?? []).map((u) => (u === options.url ? this.conn : new ChConnection(u, timeout)));
    this.t = tables(this.layout);
    this.now = options.now ?? Date.now;
    // A Distributed insert is queued on the node by default; sync makes the ack mean every shard has its rows.
    this.insertSettings = this.layout.cluster === '' ? {} : { insert_distributed_sync: 1 };
    this.queue = new InsertQueue((spans) => this.insert(spans));
    this.retention = new Retention(this.conn, this.nodes, this.layout);
    this.links = new LinkCache(this.conn, this.t);
  }

  /** Connects, creates the database and tables when missing, and starts retention. */
  static async open(options: ClickHouseStorageOptions): Promise<ClickHouseStorage> {
    const store = new ClickHouseStorage(options);
    try {
      const { layout } = store;
      if (layout.cluster !== '' && store.nodes.length > 0) {
        for (const node of store.nodes) await createSchema(node, layout, false);
      } else {
        await createSchema(store.conn, layout, layout.cluster !== '');
      }
    } catch (err) {
      await store.closeConnections();
      throw err;
    }
    const retention = options.retention ?? 0;
    if (retention > 0) {
      store.retentionTimer = setInterval(() => void store.sweep().catch(() => undefined), options.retentionIntervalMs ?? 600_000);
      store.retentionTimer.unref();
    }
    return store;
  }

  private async insert(spans: readonly Span[]): Promise<void> {
    if (spans.length === 0) return;
    const body = encodeBatch(spans, dayOf(this.now() * 1000));
    const doing = `storing ${spans.length} spans`;
    await Promise.all([
      this.conn.insertRowBinary(this.t.spans, body.spans, doing, this.insertSettings),
      this.conn.insertRowBinary(this.t.traces, body.traces, doing, this.insertSettings),
    ]);
  }

  private closedError(): ClickHouseStorageError {
    return new ClickHouseStorageError('STORAGE_CLOSED', 'the ClickHouse store is closed');
  }

  accept(spans: readonly Span[]): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    if (spans.length === 0) return Promise.resolve();
    return this.queue.enqueue(spans);
  }

  private rows<T>(sql: string, doing: string): Promise<T[]> {
    if (this.closed) return Promise.reject(this.closedError());
    return this.conn.rows<T>(sql, doing);
  }

  /** Spans whose trace_lo is among `los` (hex) in the days `days` (an SQL condition on day), deduplicated. */
  private async spansOf(los: readonly string[], days: string, doing: string): Promise<Span[]> {
    if (los.length === 0) return [];
    const ids = los.map(u64).join(', ');
    const rows = await this.rows<SpanRow>(
      `SELECT ${SPAN_SELECT} FROM ${this.t.spans} PREWHERE trace_lo IN (${ids}) WHERE ${days.replaceAll('$IDS', ids)}`, doing,
    );
    const seen = new Set<string>();
    const out: Span[] = [];
    for (const r of rows) {
      const s = decodeRow(r);
      const k = spanIdentity(s);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(s);
    }
    return out;
  }

  /** Whole traces by id, keyed as strictTraceId says, in the order of ids. */
  private async traces(traceIds: readonly string[], doing: string): Promise<Span[][]> {
    const strict = this.options.strictTraceId;
    const keys: string[] = [];
    const los = new Set<string>();
    for (const raw of traceIds) {
      const id = normalizeTraceId(raw);
      if (!HEX_ID.test(id)) continue; // not an id any span can have: unknown
      const [, lo] = idHalves(id);
      const key = strict ? id : lo;
      if (keys.includes(key)) continue;
      keys.push(key);
      los.add(lo);
    }
    // One round trip: the trace-range table (ordered by trace_lo) names the days to read.
    const days = `day >= (SELECT min(day) FROM ${this.t.traces} WHERE trace_lo IN ($IDS))
      AND day <= (SELECT max(max_day) FROM ${this.t.traces} WHERE trace_lo IN ($IDS))`;
    const spans = await this.spansOf([...los], days, doing);
    const groups = new Map<string, Span[]>();
    for (const s of spans) {
      const key = strict ? s.traceId : idHalves(s.traceId)[1];
      const g = groups.get(key);
      if (g === undefined) groups.set(key, [s]);
      else g.push(s);
    }
    return keys.map((k) => groups.get(k)).filter((g): g is Span[] => g !== undefined);
  }

  async getTrace(traceId: string): Promise<Span[]> {
    return (await this.traces([traceId], 'reading a trace'))[0] ?? [];
  }

  getTraceMany(traceIds: readonly string[]): Promise<Span[][]> {
    return this.traces(traceIds, 'reading traces');
  }

  async getTraces(request: QueryRequest): Promise<Span[][]> {
    const strict = this.options.strictTraceId;
    // The newest slice of the window first: most searches find `limit` traces there, reading a
    // fraction of the spans; the whole window is read only when they do not.
    let found: FoundTrace[] = [];
    for (const fraction of SEARCH_SLICES) {
      const since = fraction === 1 ? undefined : Math.floor((request.endTs - request.lookback * fraction) * 1000);
      found = await this.rows<FoundTrace>(searchQuery(this.t, strict, request, since), 'searching traces');
      if (found.length >= request.limit) break;
    }
    if (found.length === 0) return [];
    const d0 = Math.min(...found.map((f) => Number(f.d0)));
    const d1 = Math.max(...found.map((f) => Number(f.d1)));
    const spans = await this.spansOf([...new Set(found.map((f) => f.lo))], `day >= ${int(d0)} AND day <= ${int(d1)}`, 'reading the traces found');
    const key = (lo: string, hi: string | undefined): string => `${lo.padStart(16, '0')}:${hi === undefined ? '' : hi.padStart(16, '0')}`;
    const groups = new Map<string, Span[]>(found.map((f) => [key(f.lo, f.hi), []]));
    for (const s of spans) {
      const [hi, lo] = idHalves(s.traceId);
      groups.get(key(lo, strict ? hi : undefined))?.push(s);
    }
    return found.map((f) => groups.get(key(f.lo, f.hi)) as Span[]).filter((g) => g.length > 0);
  }

  private async names(sql: string, doing: string): Promise<string[]> {
    const rows = await this.rows<{ v: string }>(sql, doing);
    return rows.map((r) => r.v).filter((v) => v !== '').sort();
  }

  getServiceNames(): Promise<string[]> {
    return this.names(`SELECT DISTINCT local_service AS v FROM ${this.t.spans}`, 'listing services');
  }

  getRemoteServiceNames(serviceName: string): Promise<string[]> {
    return this.names(
      `SELECT DISTINCT remote_service AS v FROM ${this.t.spans} WHERE local_service = ${str(serviceName.toLowerCase())}`,
      'listing remote services',
    );
  }

  getSpanNames(serviceName: string): Promise<string[]> {
    return this.names(
      `SELECT DISTINCT name AS v FROM ${this.t.spans} WHERE local_service = ${str(serviceName.toLowerCase())}`,
      'listing span names',
    );
  }

  async getDependencies(endTs: number, lookback: number): Promise<DependencyLink[]> {
    if (this.closed) throw this.closedError();
    return this.links.links((endTs - lookback) * 1000, endTs * 1000);
  }

  getKeys(): Promise<string[]> {
    return Promise.resolve([...this.options.autocompleteKeys]);
  }

  getValues(key: string): Promise<string[]> {
    if (!this.options.autocompleteKeys.includes(key)) return Promise.resolve([]);
    return this.names(
      `SELECT DISTINCT tag_values[indexOf(tag_keys, ${str(key)})] AS v FROM ${this.t.spans} WHERE has(tag_keys, ${str(key)})`,
      'listing tag values',
    );
  }

  /** Drops the day partitions older than the retention; resolves to the number of days dropped. */
  sweep(): Promise<number> {
    const retention = this.options.retention ?? 0;
    if (retention <= 0 || this.closed) return Promise.resolve(0);
    return this.retention.dropBefore(dayOf((this.now() - retention) * 1000));
  }

  async check(): Promise<CheckResult> {
    if (this.closed) return { ok: false, error: 'the ClickHouse store is closed' };
    try {
      // Reading both tables through the Distributed engine reaches every shard.
      await this.conn.rows(`SELECT count() AS n FROM (SELECT 1 FROM ${this.t.traces} LIMIT 1)`, 'checking health');
      return { ok: true };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  private async closeConnections(): Promise<void> {
    await Promise.all([this.conn, ...this.nodes.filter((n) => n !== this.conn)].map((c) => c.close().catch(() => undefined)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.retentionTimer !== undefined) clearInterval(this.retentionTimer);
    await this.queue.drain();
    this.closed = true;
    await this.closeConnections();
  }
}

/** Lower-hex, padded to 16 or 32 chars; 32 chars with 16 leading zeros become 16 (as the model does). */
function normalizeTraceId(traceId: string): string {
  const lower = traceId.toLowerCase();
  if (lower.length <= 16) return lower.padStart(16, '0');
  const padded = lower.padStart(32, '0');
  return padded.startsWith('0000000000000000') ? padded.slice(16) : padded;
}
