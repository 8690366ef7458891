import type { QueryRequest } from '@skein/storage';
import type { Tables } from './schema.js';
import { dayOf, int, str } from './sql.js';

/** SQL of a trace's start as Zipkin dates it: its earliest root span, else its earliest span (0: none). */
export const TRACE_TS = `if(minIf(root_ts, root_ts > 0) > 0, minIf(root_ts, root_ts > 0), minIf(min_ts, min_ts > 0))`;

/** The GROUP BY key of a trace: low 64 bits (strictTraceId off, and always for dependencies), or all 128. */
export function traceKey(strict: boolean): string {
  return strict ? 'trace_lo, trace_hi' : 'trace_lo';
}

/**
 * Traces (rows of key, tts, d0, d1) whose start lies in [begin, end] (microseconds), among those
 * of the span-condition subquery `matching` when given. The trace-range table is small (a row per
 * trace per insert): without `matching`, its rows whose root or earliest span falls in the window
 * name the candidates; all rows of a candidate give its exact start. Subqueries read the local tables: in a
 * cluster every shard answers for the traces it holds.
 */
export function windowQuery(t: Tables, key: string, begin: number, end: number, matching?: string): string {
  const b = int(begin), e = int(end);
  return `SELECT ${key}, ${TRACE_TS} AS tts, min(day) AS d0, max(max_day) AS d1
    FROM ${t.traces}
    WHERE ${matching === undefined
    ? `trace_lo IN (SELECT trace_lo FROM ${t.tracesLocal} WHERE (root_ts >= ${b} AND root_ts <= ${e}) OR (min_ts >= ${b} AND min_ts <= ${e}))`
    : `(${key}) IN (${matching})`}
    GROUP BY ${key}
    HAVING tts >= ${b} AND tts <= ${e} AND tts > 0`;
}

/**
 * The keys of traces with spans meeting every condition of the request, as Zipkin's
 * QueryRequest.test: the conditions hold for spans of serviceName (any span when absent), and
 * different spans may meet different conditions. Spans are read from the days around the window
 * (a day either side): a trace is expected to lie within a day of its start.
 */
export function matchingQuery(t: Tables, key: string, r: QueryRequest): string | undefined {
  const conds: string[] = [];
  if (r.remoteServiceName !== undefined) conds.push(`remote_service = ${str(r.remoteServiceName)}`);
  if (r.spanName !== undefined) conds.push(`name = ${str(r.spanName)}`);
  if (r.minDuration !== undefined || r.maxDuration !== undefined) {
    const d = [`duration >= ${int(Math.max(0, Math.ceil(r.minDuration ?? 0)))}`];
    if (r.maxDuration !== undefined) d.push(`duration <= ${int(Math.floor(r.maxDuration))}`);
    conds.push(d.join(' AND '));
  }
  for (const [k, v] of Object.entries(r.annotationQuery ?? {})) {
    conds.push(v === ''
      ? `has(annotation_values, ${str(k)}) OR has(tag_keys, ${str(k)})`
      : `arrayExists((x, y) -> x = ${str(k)} AND y = ${str(v)}, tag_keys, tag_values)`);
  }
  if (r.serviceName === undefined && conds.length === 0) return undefined;
  const first = dayOf((r.endTs - r.lookback) * 1000) - 1;
  const last = dayOf(r.endTs * 1000) + 1;
  const where = [`day >= ${int(Math.max(0, first))} AND day <= ${int(last)}`];
  if (r.serviceName !== undefined) where.push(`local_service = ${str(r.serviceName)}`);
  // Rows meeting no condition cannot help a trace match: filter them out before grouping.
  if (conds.length > 0) where.push(`(${conds.map((c) => `(${c})`).join(' OR ')})`);
  const having = conds.length <= 1 ? '1' : conds.map((c) => `countIf(${c}) > 0`).join(' AND ');
  return `SELECT ${key} FROM ${t.spansLocal} WHERE ${where.join(' AND ')} GROUP BY ${key} HAVING ${having}`;
}

/** One trace found by a search: its key (hex via lower(hex())), start and day range. */
export interface FoundTrace {
  lo: string;
  hi?: string;
  tts: string | number;
  d0: number;
  d1: number;
}

/** The newest `limit` traces matching a request, newest first. */
export function searchQuery(t: Tables, strict: boolean, r: QueryRequest): string {
  const key = traceKey(strict);
  const inner = windowQuery(t, key, (r.endTs - r.lookback) * 1000, r.endTs * 1000, matchingQuery(t, key, r));
  const hi = strict ? ', lower(hex(trace_hi)) AS hi' : '';
  return `SELECT lower(hex(trace_lo)) AS lo${hi}, tts, d0, d1 FROM (${inner})
    ORDER BY tts DESC, trace_lo DESC LIMIT ${int(Math.max(0, Math.floor(r.limit)))}`;
}
