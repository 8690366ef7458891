import type { Span } from '@skein/model';
import type { QueryRequest } from '@skein/storage';

/** Zipkin's trace timestamp in µs: the (earliest) root span's, else the earliest span's; 0 when none. */
export function traceTimestamp(spans: readonly Span[]): number {
  let earliest = 0;
  let root = 0;
  for (const s of spans) {
    const ts = s.timestamp;
    if (ts === undefined || ts <= 0) continue;
    if (s.parentId === undefined && (root === 0 || ts < root)) root = ts;
    if (earliest === 0 || ts < earliest) earliest = ts;
  }
  return root !== 0 ? root : earliest;
}

/** Whether a trace timestamp (µs) lies in [endTs - lookback, endTs] (ms). */
export function inWindow(ts: number, request: Pick<QueryRequest, 'endTs' | 'lookback'>): boolean {
  return ts !== 0 && ts >= (request.endTs - request.lookback) * 1000 && ts <= request.endTs * 1000;
}

/**
 * Zipkin's QueryRequest.test without the window: each condition must hold for some span of
 * serviceName (any span when absent); different spans may satisfy different conditions.
 */
export function matchesQuery(spans: readonly Span[], q: QueryRequest): boolean {
  let service = q.serviceName === undefined;
  let remote = q.remoteServiceName === undefined;
  let name = q.spanName === undefined;
  let duration = q.minDuration === undefined && q.maxDuration === undefined;
  const remaining = new Map(Object.entries(q.annotationQuery ?? {}));
  for (const span of spans) {
    if (q.serviceName !== undefined && span.localEndpoint?.serviceName !== q.serviceName) continue;
    service = true;
    if (remaining.size > 0) {
      for (const a of span.annotations ?? []) if (remaining.get(a.value) === '') remaining.delete(a.value);
      if (span.tags !== undefined) {
        for (const key in span.tags) {
          const want = remaining.get(key);
          if (want !== undefined && (want === '' || want === span.tags[key])) remaining.delete(key);
        }
      }
    }
    if (!remote && span.remoteEndpoint?.serviceName === q.remoteServiceName) remote = true;
    if (!name && span.name === q.spanName) name = true;
    if (!duration) {
      const d = span.duration ?? 0;
      duration = d >= (q.minDuration ?? 0) && (q.maxDuration === undefined || d <= q.maxDuration);
    }
  }
  return service && remote && name && duration && remaining.size === 0;
}

/** Splits spans by exact trace id, in first-seen order. */
export function groupByTraceId(spans: readonly Span[]): Span[][] {
  const groups = new Map<string, Span[]>();
  for (const s of spans) {
    const g = groups.get(s.traceId);
    if (g === undefined) groups.set(s.traceId, [s]);
    else g.push(s);
  }
  return [...groups.values()];
}
