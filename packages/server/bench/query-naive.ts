/**
 * The baseline of bench:query: the same queries answered with no index, by scanning every
 * stored span, with Zipkin's QueryRequest.test semantics (a span of the service must carry
 * the tag, a span of the service must last at least minDuration; newest trace first).
 */
import type { Span } from '@skein/model';

/** The search bench:query runs: service + one tag + minDuration. */
export interface SearchQuery {
  serviceName: string;
  tagKey: string;
  tagValue: string;
  minDuration: number;
  endTs: number;
  limit: number;
}

/** Every span of one trace, by scanning all spans. */
export function naiveTrace(spans: readonly Span[], traceId: string): Span[] {
  return spans.filter((s) => s.traceId === traceId);
}

interface State { ts: number; root: boolean; tag: boolean; duration: boolean }

/** Traces matching q, newest first, at most q.limit, by scanning all spans twice. */
export function naiveSearch(spans: readonly Span[], q: SearchQuery, lookbackMs = 86_400_000): Span[][] {
  const traces = new Map<string, State>();
  for (const s of spans) {
    let st = traces.get(s.traceId);
    if (!st) {
      st = { ts: 0, root: false, tag: false, duration: false };
      traces.set(s.traceId, st);
    }
    if (s.timestamp && !st.root) {
      if (!s.parentId) {
        st.ts = s.timestamp;
        st.root = true;
      } else if (st.ts === 0 || s.timestamp < st.ts) {
        st.ts = s.timestamp;
      }
    }
    if (s.localEndpoint?.serviceName !== q.serviceName) continue;
    if (s.tags?.[q.tagKey] === q.tagValue) st.tag = true;
    if ((s.duration ?? 0) >= q.minDuration) st.duration = true;
  }
  const lower = (q.endTs - lookbackMs) * 1000;
  const upper = q.endTs * 1000;
  const hits = [...traces]
    .filter(([, st]) => st.tag && st.duration && st.ts >= lower && st.ts <= upper)
    .sort((a, b) => b[1].ts - a[1].ts)
    .slice(0, q.limit);
  const wanted = new Map<string, Span[]>(hits.map(([id]) => [id, []]));
  for (const s of spans) wanted.get(s.traceId)?.push(s);
  return [...wanted.values()];
}
