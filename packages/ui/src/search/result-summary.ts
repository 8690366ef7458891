import { isErrorSpan, serviceOf, type Span } from '@skein/model';

/** One search result row: enough to choose a trace without building its tree. */
export interface ResultSummary {
  traceId: string;
  rootService: string;
  rootName: string;
  /** Epoch µs. */
  start: number;
  duration: number;
  spanCount: number;
  errorCount: number;
  services: { name: string; count: number }[];
}

/** Summarizes a trace from a search answer in one pass (root: the span without a parent, else the earliest). */
export function summarizeResult(spans: readonly Span[]): ResultSummary {
  let start = Infinity, end = -Infinity, errors = 0;
  let root: Span | undefined;
  const counts = new Map<string, number>();
  let traceId = '';
  for (const s of spans) {
    if (s.traceId.length > traceId.length) traceId = s.traceId;
    if (s.timestamp) {
      if (s.timestamp < start) start = s.timestamp;
      if (s.timestamp + (s.duration ?? 0) > end) end = s.timestamp + (s.duration ?? 0);
    }
    if (!s.parentId && (!root || (s.timestamp ?? Infinity) < (root.timestamp ?? Infinity))) root = s;
    const svc = serviceOf(s);
    counts.set(svc, (counts.get(svc) ?? 0) + 1);
    if (isErrorSpan(s)) errors++;
  }
  if (!root) for (const s of spans) if (s.timestamp === start) { root = s; break; }
  if (!Number.isFinite(start)) { start = 0; end = 0; }
  return {
    traceId,
    rootService: root ? serviceOf(root) : 'unknown',
    rootName: root?.name ?? '',
    start, duration: end - start, spanCount: spans.length, errorCount: errors,
    services: [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1)),
  };
}

/** Result orders offered by the search page. */
export const SORTS = {
  newest: (a: ResultSummary, b: ResultSummary) => b.start - a.start,
  oldest: (a: ResultSummary, b: ResultSummary) => a.start - b.start,
  longest: (a: ResultSummary, b: ResultSummary) => b.duration - a.duration,
  shortest: (a: ResultSummary, b: ResultSummary) => a.duration - b.duration,
  spans: (a: ResultSummary, b: ResultSummary) => b.spanCount - a.spanCount,
} as const;

/** A key of {@link SORTS}. */
export type SortKey = keyof typeof SORTS;
