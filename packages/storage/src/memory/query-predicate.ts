import type { Span } from '@skein/model';
import type { QueryRequest } from '../storage.js';

/**
 * The start of a trace in epoch microseconds, as Zipkin dates it: the root span's timestamp, else
 * the earliest timestamp; 0 when no span has one.
 */
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

/** Whether a trace starts in [endTs - lookback, endTs] (milliseconds; timestamps are microseconds). */
export function inWindow(timestamp: number, request: QueryRequest): boolean {
  return timestamp !== 0 && timestamp >= (request.endTs - request.lookback) * 1000 && timestamp <= request.endTs * 1000;
}

/**
 * Zipkin's QueryRequest.test without the time window: conditions are checked against the spans
 * of serviceName (any span when absent), and different spans may satisfy different conditions.
 */
export function matchesQuery(spans: readonly Span[], request: QueryRequest): boolean {
  const { serviceName, remoteServiceName, spanName, minDuration, maxDuration } = request;
  let serviceMatched = serviceName === undefined;
  let remoteMatched = remoteServiceName === undefined;
  let nameMatched = spanName === undefined;
  let durationMatched = minDuration === undefined && maxDuration === undefined;
  const remaining = new Map(Object.entries(request.annotationQuery ?? {}));
  for (const span of spans) {
    if (serviceName !== undefined && span.localEndpoint?.serviceName !== serviceName) continue;
    serviceMatched = true;
    if (remaining.size > 0) {
      if (span.annotations !== undefined) {
        for (const a of span.annotations) if (remaining.get(a.value) === '') remaining.delete(a.value);
      }
      if (span.tags !== undefined) {
        for (const key in span.tags) {
          const want = remaining.get(key);
          if (want !== undefined && (want === '' || want === span.tags[key])) remaining.delete(key);
        }
      }
    }
    if (!remoteMatched && span.remoteEndpoint?.serviceName === remoteServiceName) remoteMatched = true;
    if (!nameMatched && span.name === spanName) nameMatched = true;
    if (!durationMatched) {
      const d = span.duration ?? 0;
      durationMatched = d >= (minDuration ?? 0) && (maxDuration === undefined || d <= maxDuration);
    }
  }
  return serviceMatched && remoteMatched && nameMatched && durationMatched && remaining.size === 0;
}

/** Splits spans by exact trace id (strictTraceId), keeping first-seen order. */
export function groupByTraceId(spans: readonly Span[]): Span[][] {
  const groups = new Map<string, Span[]>();
  for (const s of spans) {
    const g = groups.get(s.traceId);
    if (g === undefined) groups.set(s.traceId, [s]);
    else g.push(s);
  }
  return [...groups.values()];
}

/** Lower-hex, padded to 16 or 32 chars; 32 chars with 16 leading zeros become 16. */
export function normalizeTraceId(traceId: string): string {
  const lower = traceId.toLowerCase();
  if (lower.length <= 16) return lower.padStart(16, '0');
  const padded = lower.padStart(32, '0');
  return padded.startsWith('0000000000000000') ? padded.slice(16) : padded;
}

/** The low 64 bits of a normalized trace id. */
export function lowTraceId(traceId: string): string {
  return traceId.length === 32 ? traceId.slice(16) : traceId;
}
