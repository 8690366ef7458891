import type { Database, Statement } from 'better-sqlite3';
import type { Span } from '@skein/model';
import { groupByTraceId, inWindow, matchesQuery, traceTimestamp, type QueryRequest } from '@skein/storage';
import type { NameTable } from './names.js';
import type { SpanReader } from './span-reader.js';
import { termHash } from './tag-terms.js';

/** A candidate query: SQL over trace groups in the time window, newest first, and its parameters. */
export interface CandidateQuery {
  sql: string;
  params: number[];
}

/**
 * Builds the candidate query. It walks svc_traces (or the traces_ts index) over the window, newest
 * first, and probes each group's spans and search terms by primary key, so it never scans all spans; every
 * probe is a necessary condition of Zipkin's test, which is then applied exactly to the spans.
 * Returns undefined when a name in the request was never stored (nothing can match).
 */
export function candidateQuery(q: QueryRequest, names: NameTable): CandidateQuery | undefined {
  const where: string[] = ['t.ts BETWEEN ? AND ?'];
  const params: number[] = [(q.endTs - q.lookback) * 1000, q.endTs * 1000];
  let svc: number | undefined;
  if (q.serviceName !== undefined) {
    svc = names.find(q.serviceName);
    if (svc === undefined) return undefined;
  }
  const spanProbe = (cond: string, ...p: number[]): void => {
    where.push(`EXISTS (SELECT 1 FROM spans s WHERE s.tid = t.tid${svc === undefined ? '' : ' AND s.svc = ?'} AND ${cond})`);
    if (svc !== undefined) params.push(svc);
    params.push(...p);
  };
  if (q.remoteServiceName !== undefined) {
    const r = names.find(q.remoteServiceName);
    if (r === undefined) return undefined;
    spanProbe('s.rsvc = ?', r);
  }
  if (q.spanName !== undefined) {
    const n = names.find(q.spanName);
    if (n === undefined) return undefined;
    spanProbe('s.name = ?', n);
  }
  if (q.minDuration !== undefined || q.maxDuration !== undefined) {
    if (q.maxDuration !== undefined) spanProbe('coalesce(s.dur, 0) BETWEEN ? AND ?', q.minDuration ?? 0, q.maxDuration);
    else spanProbe('coalesce(s.dur, 0) >= ?', q.minDuration ?? 0);
  }
  for (const [key, value] of Object.entries(q.annotationQuery ?? {})) {
    where.push(`EXISTS (SELECT 1 FROM tags g WHERE g.tid = t.tid AND g.h = ?${svc === undefined ? '' : ' AND g.svc = ?'})`);
    params.push(termHash(key, value));
    if (svc !== undefined) params.push(svc);
  }
  // With a service, walk that service's traces (svc_traces); otherwise every trace in the window.
  const from = svc === undefined ? 'traces t INDEXED BY traces_ts' : 'svc_traces t';
  if (svc !== undefined) {
    where.unshift('t.svc = ?');
    params.unshift(svc);
  }
  const sql = `SELECT t.tid FROM ${from} WHERE ${where.join(' AND ')} ORDER BY t.ts DESC`;
  return { sql, params };
}

/** Runs getTraces: candidates newest first, verified with Zipkin's test, up to the limit. */
export class TraceSearch {
  private readonly statements = new Map<string, Statement<number[], { tid: number }>>();

  constructor(private readonly db: Database, private readonly names: NameTable, private readonly reader: SpanReader,
    private readonly strictTraceId: boolean) {}

  run(q: QueryRequest): Span[][] {
    const cq = candidateQuery(q, this.names);
    if (cq === undefined || q.limit <= 0) return [];
    let stmt = this.statements.get(cq.sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(cq.sql);
      if (this.statements.size > 200) this.statements.clear();
      this.statements.set(cq.sql, stmt);
    }
    const found: Span[][] = [];
    for (const { tid } of stmt.iterate(...cq.params)) {
      const group = this.reader.groupSpans(tid);
      for (const trace of this.strictTraceId ? groupByTraceId(group) : [group]) {
        if (inWindow(traceTimestamp(trace), q) && matchesQuery(trace, q)) found.push(trace);
      }
      // A group may hold several strict traces; past the limit only ordering among them matters.
      if (found.length >= q.limit) break;
    }
    found.sort((a, b) => traceTimestamp(b) - traceTimestamp(a));
    return found.slice(0, q.limit);
  }
}
