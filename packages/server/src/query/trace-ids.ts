import { normalizeTraceId } from '@skein/model';
import { QueryError } from './query-error.js';

/** Java's String.trim(): strips leading and trailing characters at or below U+0020. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 32) start++;
  while (end > start && s.charCodeAt(end - 1) <= 32) end--;
  return s.slice(start, end);
}

function normalize(traceId: string): string {
  try {
    return normalizeTraceId(traceId);
  } catch (err) {
    throw new QueryError('QUERY_TRACE_ID_INVALID', err instanceof Error ? err.message : String(err));
  }
}

/** The trace id of GET /api/v2/trace/{traceId}: trimmed (as Zipkin does), then normalized. */
export function parseTraceIdPath(raw: string): string {
  return normalize(javaTrim(raw));
}

/**
 * The traceIds of GET /api/v2/traceMany: comma-separated, each normalized (not trimmed), no id
 * twice, at least two. Messages are Zipkin's.
 */
export function parseTraceIds(raw: string): string[] {
  if (raw === '') throw new QueryError('QUERY_TRACE_IDS_INVALID', 'traceIds parameter is empty');
  const ids = new Set<string>();
  // Zipkin splits into at most 1000 parts; the last one then holds the rest and fails validation.
  const parts = raw.split(',');
  if (parts.length > 1000) parts.splice(999, parts.length, parts.slice(999).join(','));
  for (const part of parts) {
    const id = normalize(part);
    if (ids.has(id)) throw new QueryError('QUERY_TRACE_IDS_INVALID', `redundant traceId: ${part}`);
    ids.add(id);
  }
  if (ids.size === 1) {
    throw new QueryError(
      'QUERY_TRACE_IDS_INVALID',
      'Use /api/v2/trace/{traceId} endpoint to retrieve a single trace',
    );
  }
  return [...ids];
}
