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
export function matchingQuery(t: Tables, key: string, r: QueryRequest, sinceUs?: number): string | undefined {
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
  // Cheap sort-key and time columns first (PREWHERE): the tag arrays are read only for the rows left.
  const prewhere = [`day >= ${int(Math.max(0, first))} AND day <= ${int(last)}`];
  if (r.serviceName !== undefined) prewhere.push(`local_service = ${str(r.serviceName)}`);
  if (sinceUs !== undefined) prewhere.push(`ts >= ${int(Math.max(0, sinceUs - SKEW_SLACK_US))}`);
  // Rows meeting no condition cannot help a trace match: filter them out before grouping.
  const where = conds.length > 0 ? ` WHERE ${conds.map((c) => `(${c})`).join(' OR ')}` : '';
  const having = conds.length <= 1 ? '1' : conds.map((c) => `countIf(${c}) > 0`).join(' AND ');
  return `SELECT ${key} FROM ${t.spansLocal} PREWHERE ${prewhere.join(' AND ')}${where} GROUP BY ${key} HAVING ${having}`;
}

/** One trace found by a search: its key (hex via lower(hex())), start and day range. */
export interface FoundTrace {
  lo: string;
  hi?: string;
  tts: string | number;
  d0: number;
  d1: number;
}

/**
 * How far before a trace's start its spans are looked for when a search reads only the newest
 * slice of its window (µs): spans earlier than their trace's start by more (clock skew beyond an
 * hour) can hide a trace from a slice; the last attempt reads the whole window.
 */
const SKEW_SLACK_US = 3_600_000_000;

/** Fractions of the lookback a search reads, newest first, until it has `limit` traces. */
export const SEARCH_SLICES = [1 / 16, 1 / 4, 1] as const;

/**
 * The newest `limit` traces matching a request, newest first, among those starting at or after
 * sinceUs (the whole window when absent). Every span of a trace starts at or after the trace
 * (skew aside), so a trace starting in the slice is found by reading the spans of the slice, and
 * if `limit` traces start there, no older trace can rank among them.
 */
export function searchQuery(t: Tables, strict: boolean, r: QueryRequest, sinceUs?: number): string {
  const key = traceKey(strict);
  const begin = Math.max((r.endTs - r.lookback) * 1000, sinceUs ?? Number.NEGATIVE_INFINITY);
  const inner = windowQuery(t, key, begin, r.endTs * 1000, matchingQuery(t, key, r, sinceUs));
  const hi = strict ? ', lower(hex(trace_hi)) AS hi' : '';
  return `SELECT lower(hex(trace_lo)) AS lo${hi}, tts, d0, d1 FROM (${inner})
    ORDER BY tts DESC, trace_lo DESC LIMIT ${int(Math.max(0, Math.floor(r.limit)))}`;
}
