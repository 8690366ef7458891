import type { Database, Statement } from 'better-sqlite3';
import type { Span } from '@skein/model';
import { hexToBlob, lowTraceId } from './ids.js';
import { LEVEL_US, bucketOf, parseLinks, traceLinks } from './links.js';
import type { NameTable } from './names.js';
import type { SpanReader } from './span-reader.js';
import { MultiInsert } from './multi-insert.js';
import { encodeSpan } from './span-row.js';
import { spanTerms } from './tag-terms.js';

interface TraceRow {
  tid: number;
  svcs: string | null;
  ts: number | null;
  root_ts: number | null;
  min_ts: number | null;
  links: string | null;
  lbucket: number | null;
}

/** Writes batches of spans in one transaction each: spans, search terms, names and links. */
export class SpanWriter {
  private readonly selectTrace: Statement<[Buffer], TraceRow>;
  private readonly insertTraces: MultiInsert;
  private readonly maxTid: Statement<[], { n: number }>;
  /** traces rows of groups new in this transaction, inserted at its end. */
  private readonly newTraces: unknown[] = [];
  private nextTid = 0;
  private readonly updateTrace: Statement<[number | null, number | null, number | null, string | null, number | null, string | null, number]>;
  private readonly insertSvcTraces: MultiInsert;
  /** svc_traces rows to insert at the end of the transaction (svc, ts, tid, ...). */
  private readonly svcRows: number[] = [];
  private readonly deleteSvcTrace: Statement<[number, number, number]>;
  private readonly insertSpans: MultiInsert;
  private readonly insertTerms: MultiInsert;
  /** Link count changes per bucket, parent and child, applied once per transaction. */
  private readonly deltas = new Map<string, [number, number, number, number, number, number]>();
  private readonly insertService: Statement<[number]>;
  private readonly insertSpanName: Statement<[number, number]>;
  private readonly insertRemote: Statement<[number, number]>;
  private readonly insertValue: Statement<[string, string]>;
  private readonly addBucket: Statement<[number, number, number, number, number, number]>;
  private readonly pruneBucket: Statement<[number, number]>;
  private readonly seenPairs = new Set<number>();
  private readonly seenValues = new Set<string>();
  private readonly autocompleteKeys: ReadonlySet<string>;
  readonly transaction: (spans: readonly Span[]) => void;

  constructor(private readonly db: Database, private readonly names: NameTable, private readonly reader: SpanReader,
    autocompleteKeys: readonly string[]) {
    this.autocompleteKeys = new Set(autocompleteKeys);
    this.selectTrace = db.prepare('SELECT tid, ts, root_ts, min_ts, links, lbucket, svcs FROM traces WHERE lo = ?');
    this.insertTraces = new MultiInsert(db, 'INSERT INTO traces (tid, lo, ts, root_ts, min_ts, links, lbucket, svcs)', 8);
    this.maxTid = db.prepare('SELECT coalesce(max(tid), 0) AS n FROM traces');
    this.updateTrace = db.prepare('UPDATE traces SET ts = ?, root_ts = ?, min_ts = ?, links = ?, lbucket = ?, svcs = ? WHERE tid = ?');
    this.insertSvcTraces = new MultiInsert(db, 'INSERT OR IGNORE INTO svc_traces (svc, ts, tid)', 3);
    this.deleteSvcTrace = db.prepare('DELETE FROM svc_traces WHERE svc = ? AND ts = ? AND tid = ?');
    this.insertSpans = new MultiInsert(db, 'INSERT OR IGNORE INTO spans (tid, h, hi, id, pid, ts, dur, svc, rsvc, name, kf, body)', 12);
    this.insertTerms = new MultiInsert(db, 'INSERT OR IGNORE INTO tags (tid, h, svc)', 3);
    this.insertService = db.prepare('INSERT OR IGNORE INTO services (svc) VALUES (?)');
    this.insertSpanName = db.prepare('INSERT OR IGNORE INTO span_names (svc, name) VALUES (?, ?)');
    this.insertRemote = db.prepare('INSERT OR IGNORE INTO remote_names (svc, rsvc) VALUES (?, ?)');
    this.insertValue = db.prepare('INSERT OR IGNORE INTO autocomplete (k, v) VALUES (?, ?)');
    this.addBucket = db.prepare(
      `INSERT INTO dep_buckets (level, bucket, parent, child, calls, errors) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (level, bucket, parent, child) DO UPDATE SET calls = calls + excluded.calls, errors = errors + excluded.errors`,
    );
    this.pruneBucket = db.prepare('DELETE FROM dep_buckets WHERE level = ? AND bucket = ? AND calls <= 0');
    this.transaction = db.transaction((spans: readonly Span[]) => this.write(spans));
  }

  /** Forgets caches of what is already stored (after a failed transaction). */
  reset(): void {
    this.seenPairs.clear();
    this.seenValues.clear();
    this.deltas.clear();
  }

  private write(spans: readonly Span[]): void {
    const groups = new Map<string, Span[]>();
    for (const span of spans) {
      const lo = lowTraceId(span.traceId);
      const g = groups.get(lo);
      if (g === undefined) groups.set(lo, [span]);
      else g.push(span);
    }
    this.svcRows.length = 0;
    this.newTraces.length = 0;
    this.nextTid = (this.maxTid.get()?.n ?? 0) + 1;
    for (const [lo, group] of groups) this.writeGroup(lo, group);
    this.insertTraces.run(this.newTraces);
    this.insertSvcTraces.run(this.svcRows);
    this.flushLinks();
  }

  private writeGroup(lo: string, group: Span[]): void {
    const loBlob = hexToBlob(lo);
    let trace = this.selectTrace.get(loBlob);
    const isNew = trace === undefined;
    if (trace === undefined) {
      // Row written at the end of the transaction, with everything known by then.
      trace = { tid: this.nextTid++, ts: null, root_ts: null, min_ts: null, links: null, lbucket: null, svcs: null };
    }
    const tid = trace.tid;
    const inserted: Span[] = [];
    const values: unknown[] = [];
    const hashes = new Set<number>();
    const terms = new Map<number, Set<number>>();
    let rootTs = trace.root_ts;
    let minTs = trace.min_ts;
    for (const span of group) {
      const r = encodeSpan(span, (s) => this.names.intern(s));
      if (hashes.has(r.h)) continue; // the same span twice in this batch
      hashes.add(r.h);
      values.push(tid, r.h, r.hi, r.id, r.pid, r.ts, r.dur, r.svc, r.rsvc, r.name, r.kf, r.body);
      inserted.push(span);
      const ts = span.timestamp;
      if (ts !== undefined && ts > 0) {
        if (minTs === null || ts < minTs) minTs = ts;
        if (span.parentId === undefined && (rootTs === null || ts < rootTs)) rootTs = ts;
      }
      const svc = r.svc ?? 0;
      let set = terms.get(svc);
      if (set === undefined) terms.set(svc, (set = new Set()));
      spanTerms(span, set);
      if (r.svc !== null) this.names_(r.svc, r.name, r.rsvc);
      if (span.tags !== undefined && this.autocompleteKeys.size > 0) this.autocomplete(span.tags);
    }
    // Identical spans stored earlier are ignored; when nothing is new, nothing else changes.
    if (this.insertSpans.run(values) === 0) return;
    const termValues: number[] = [];
    for (const [svc, set] of terms) for (const h of set) termValues.push(tid, h, svc);
    this.insertTerms.run(termValues);
    const ts = rootTs ?? minTs;
    const svcs = this.indexServices(tid, trace.ts, ts, trace.svcs, terms.keys());
    const all = isNew ? inserted : this.reader.groupSpans(tid, lo);
    const links = traceLinks(all, this.names);
    const lbucket = ts === null ? null : bucketOf(ts);
    if (links !== trace.links || lbucket !== trace.lbucket) {
      this.addLinks(trace.lbucket, trace.links, -1);
      this.addLinks(lbucket, links, 1);
    }
    if (isNew) this.newTraces.push(tid, loBlob, ts, rootTs, minTs, links, lbucket, svcs);
    else this.updateTrace.run(ts, rootTs, minTs, links, lbucket, svcs, tid);
  }

  /** Keeps svc_traces in step with the group's services and timestamp; returns the services as stored. */
  private indexServices(tid: number, oldTs: number | null, ts: number | null, stored: string | null, added: Iterable<number>): string | null {
    const old = stored === null ? [] : stored.split(',').map(Number);
    const all = new Set(old);
    for (const svc of added) if (svc !== 0) all.add(svc);
    if (oldTs !== ts && oldTs !== null) for (const svc of old) this.deleteSvcTrace.run(svc, oldTs, tid);
    if (ts !== null) {
      for (const svc of all) if (oldTs !== ts || !old.includes(svc)) this.svcRows.push(svc, ts, tid);
    }
    return all.size === 0 ? null : [...all].join(',');
  }

  /** Removes a deleted group from svc_traces. */
  unindexServices(tid: number, ts: number | null, stored: string | null): void {
    if (ts === null || stored === null) return;
    for (const svc of stored.split(',')) this.deleteSvcTrace.run(Number(svc), ts, tid);
  }

  /** Adds (sign 1) or removes (sign -1) a trace's links (bucket: its level-0 bucket); see flushLinks. */
  addLinks(bucket: number | null, json: string | null, sign: 1 | -1): void {
    if (bucket === null || json === null) return;
    const links = parseLinks(json);
    for (let level = 0; level < LEVEL_US.length; level++) {
      const b = Math.floor((bucket * (LEVEL_US[0] as number)) / (LEVEL_US[level] as number));
      for (const [p, c, calls, errors] of links) {
        const key = `${level},${b},${p},${c}`;
        const d = this.deltas.get(key);
        if (d === undefined) this.deltas.set(key, [level, b, p, c, sign * calls, sign * errors]);
        else {
          d[4] += sign * calls;
          d[5] += sign * errors;
        }
      }
    }
  }

  /** Applies the link changes collected by addLinks (call before the transaction commits). */
  flushLinks(): void {
    const emptied = new Map<string, [number, number]>();
    for (const [level, b, p, c, calls, errors] of this.deltas.values()) {
      if (calls === 0 && errors === 0) continue;
      this.addBucket.run(level, b, p, c, calls, errors);
      if (calls < 0) emptied.set(`${level},${b}`, [level, b]);
    }
    this.deltas.clear();
    for (const [level, b] of emptied.values()) this.pruneBucket.run(level, b);
  }

  // Pairs already stored, as numbers: kind * 2^48 + svc * 2^24 + other (name ids stay below 2^24
  // in practice; with a larger id the pair is simply inserted again, INSERT OR IGNORE).
  private names_(svc: number, name: number | null, rsvc: number | null): void {
    const seen = this.seenPairs;
    if (!seen.has(svc)) {
      this.insertService.run(svc);
      seen.add(svc);
    }
    if (name !== null) {
      const k = 2 ** 48 + svc * 2 ** 24 + name;
      if (name >= 2 ** 24 || svc >= 2 ** 24 || !seen.has(k)) {
        this.insertSpanName.run(svc, name);
        seen.add(k);
      }
    }
    if (rsvc !== null) {
      const k = 2 * 2 ** 48 + svc * 2 ** 24 + rsvc;
      if (rsvc >= 2 ** 24 || svc >= 2 ** 24 || !seen.has(k)) {
        this.insertRemote.run(svc, rsvc);
        seen.add(k);
      }
    }
  }

  private autocomplete(tags: Record<string, string>): void {
    for (const key in tags) {
      if (!this.autocompleteKeys.has(key)) continue;
      const value = tags[key] as string;
      if (value === '') continue;
      const k = `${key}\u0000${value}`;
      if (this.seenValues.has(k)) continue;
      if (this.seenValues.size > 100_000) this.seenValues.clear();
      this.insertValue.run(key, value);
      this.seenValues.add(k);
    }
  }
}
