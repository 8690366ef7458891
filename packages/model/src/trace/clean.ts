import type { Annotation, Endpoint, Span } from '../span.js';

/** Left-pads a hex id to 16 chars, or to 32 when longer; a 32-char id with 16 leading zeros becomes 16. */
export function normalizeTraceIdForView(traceId: string): string {
  const lower = traceId.toLowerCase();
  if (lower.length > 16) {
    const padded = lower.padStart(32, '0');
    return padded.startsWith('0000000000000000') ? padded.slice(16) : padded;
  }
  return lower.padStart(16, '0');
}

function hasFields(e: Endpoint | undefined): e is Endpoint {
  return e !== undefined && Object.keys(e).length > 0;
}

/** True when `s` is 1..max lower-case hex characters (a loop: this runs for every span of a trace). */
function isLowerHex(s: unknown, exact: number, alt = exact): boolean {
  if (typeof s !== 'string' || (s.length !== exact && s.length !== alt)) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Whether a span needs no cleaning: the common case, checked without allocating. */
function alreadyClean(span: Span): boolean {
  if (!isLowerHex(span.id, 16) || !isLowerHex(span.traceId, 16, 32)) return false;
  if (span.traceId.length === 32 && span.traceId.startsWith('0000000000000000')) return false;
  if (span.parentId !== undefined && (!isLowerHex(span.parentId, 16) || span.parentId === span.id)) return false;
  if (span.shared === true && span.kind === 'CLIENT') return false;
  const a = span.annotations;
  if (a) for (let i = 1; i < a.length; i++) if ((a[i - 1] as Annotation).timestamp > (a[i] as Annotation).timestamp) return false;
  if (span.localEndpoint !== undefined && !hasFields(span.localEndpoint)) return false;
  if (span.remoteEndpoint !== undefined && !hasFields(span.remoteEndpoint)) return false;
  return true;
}

/**
 * Cleans one span for display without mutating it: ids lower-case and padded, parentId equal to
 * id dropped, "shared" dropped from CLIENT spans, annotations sorted. Returns the input itself
 * when nothing needs to change, so clean data costs no copies.
 */
export function cleanSpanForView(span: Span): Span {
  if (alreadyClean(span)) return span;
  const traceId = normalizeTraceIdForView(String(span.traceId ?? ''));
  const id = String(span.id ?? '').toLowerCase().padStart(16, '0');
  const parentId = span.parentId === undefined ? undefined : String(span.parentId).toLowerCase().padStart(16, '0');
  const dropParent = parentId !== undefined && parentId === id;
  const dropShared = span.shared === true && span.kind === 'CLIENT';
  const annotations = span.annotations;
  let sorted = true;
  if (annotations) {
    for (let i = 1; i < annotations.length; i++) {
      if ((annotations[i - 1] as Annotation).timestamp > (annotations[i] as Annotation).timestamp) { sorted = false; break; }
    }
  }
  const unchanged = traceId === span.traceId && id === span.id && parentId === span.parentId && !dropParent &&
    !dropShared && sorted && (span.localEndpoint === undefined || hasFields(span.localEndpoint)) &&
    (span.remoteEndpoint === undefined || hasFields(span.remoteEndpoint));
  if (unchanged) return span;
  const res: Span = { ...span, traceId, id };
  if (parentId === undefined || dropParent) delete res.parentId;
  else res.parentId = parentId;
  if (dropShared) delete res.shared;
  if (!hasFields(span.localEndpoint)) delete res.localEndpoint;
  if (!hasFields(span.remoteEndpoint)) delete res.remoteEndpoint;
  if (annotations && !sorted) res.annotations = [...annotations].sort((a, b) => a.timestamp - b.timestamp);
  return res;
}
