import type { Annotation, Endpoint, Span } from '../span.js';
import { cleanSpanForView } from './clean.js';

function endpointsCompatible(a: Endpoint | undefined, b: Endpoint | undefined): boolean {
  if (!a || !b) return true;
  if (a.serviceName && b.serviceName && a.serviceName !== b.serviceName) return false;
  if (a.ipv4 && b.ipv4 && a.ipv4 !== b.ipv4) return false;
  if (a.ipv6 && b.ipv6 && a.ipv6 !== b.ipv6) return false;
  if (a.port && b.port && a.port !== b.port) return false;
  return true;
}

function mergeAnnotations(a: Annotation[] | undefined, b: Annotation[] | undefined): Annotation[] | undefined {
  if (!a || a.length === 0) return b;
  if (!b || b.length === 0) return a;
  const seen = new Set<string>();
  const out: Annotation[] = [];
  for (const x of [...a, ...b]) {
    const key = `${x.timestamp}\u0000${x.value}`;
    if (!seen.has(key)) { seen.add(key); out.push(x); }
  }
  return out.sort((x, y) => x.timestamp - y.timestamp || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
}

/** Merges two pieces of one span reported separately (e.g. one with the timestamp, one with annotations). */
export function mergeSpanPieces(left: Span, right: Span): Span {
  const res: Span = { traceId: right.traceId.length > left.traceId.length ? right.traceId : left.traceId, id: left.id };
  const parentId = left.parentId ?? right.parentId;
  if (parentId !== undefined) res.parentId = parentId;
  const name = left.name || right.name;
  if (name) res.name = name;
  const kind = left.kind ?? right.kind;
  if (kind) res.kind = kind;
  const timestamp = left.timestamp || right.timestamp;
  if (timestamp) res.timestamp = timestamp;
  const duration = left.duration || right.duration;
  if (duration) res.duration = duration;
  const local = { ...left.localEndpoint, ...right.localEndpoint };
  if (Object.keys(local).length > 0) res.localEndpoint = local;
  const remote = { ...left.remoteEndpoint, ...right.remoteEndpoint };
  if (Object.keys(remote).length > 0) res.remoteEndpoint = remote;
  const annotations = mergeAnnotations(left.annotations, right.annotations);
  if (annotations && annotations.length > 0) res.annotations = annotations;
  if (left.tags || right.tags) res.tags = { ...left.tags, ...right.tags };
  if (left.debug || right.debug) res.debug = true;
  if (left.shared || right.shared) res.shared = true;
  return res;
}

// Client (not shared) pieces first, so a shared server piece follows the client it belongs to.
function sideRank(s: Span): number {
  if (s.shared) return 2;
  return s.kind === 'CLIENT' ? 0 : 1;
}

/**
 * Merges spans that share an id, as Zipkin's UI does before building a tree:
 * pieces of the same side (same shared flag, compatible endpoints) become one span; a SERVER
 * span that reuses its CLIENT's id gets the missing `shared` flag and the client's parentId.
 * Spans with a unique id (nearly all) pass through untouched. The trace id is the longest seen.
 */
export function mergeSharedSpans(input: readonly Span[]): Span[] {
  return mergeIndexed(input).spans;
}

/**
 * {@link mergeSharedSpans}, also returning id → index of the result when every id was unique
 * (the usual case), so tree building need not index the spans a second time.
 */
export function mergeIndexed(input: readonly Span[]): { spans: Span[]; uniqueIndex: Map<string, number> | null } {
  const spans = input.map(cleanSpanForView);
  let traceId = '';
  const first = new Map<string, number>();
  let groups: Map<string, number[]> | undefined;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i] as Span;
    if (s.traceId.length > traceId.length) traceId = s.traceId;
    const at = first.get(s.id);
    if (at === undefined) first.set(s.id, i);
    else {
      groups ??= new Map();
      const g = groups.get(s.id);
      if (g) g.push(i); else groups.set(s.id, [at, i]);
    }
  }
  const out: Span[] = [];
  const fixTrace = (s: Span): Span => (s.traceId === traceId ? s : { ...s, traceId });
  if (!groups) {
    for (const s of spans) out.push(fixTrace(s));
    return { spans: out, uniqueIndex: first };
  }
  for (const [id, at] of first) {
    if (!groups.has(id)) out.push(fixTrace(spans[at] as Span));
  }
  for (const idxs of groups.values()) {
    const group = idxs.map((i) => spans[i] as Span).sort((a, b) => sideRank(a) - sideRank(b));
    const merged: Span[] = [];
    for (const s of group) {
      const last = merged[merged.length - 1];
      if (last && Boolean(last.shared) === Boolean(s.shared) && endpointsCompatible(last.localEndpoint, s.localEndpoint) &&
        (last.kind === undefined || s.kind === undefined || last.kind === s.kind)) {
        merged[merged.length - 1] = mergeSpanPieces(last, s);
      } else merged.push(s);
    }
    let client: Span | undefined;
    for (let k = 0; k < merged.length; k++) {
      let s = merged[k] as Span;
      if (s.kind === 'CLIENT' && !s.shared) client ??= s;
      else if (client && s.kind === 'SERVER') {
        if (!s.shared) s = { ...s, shared: true };
        if (s.parentId === undefined && client.parentId !== undefined) s = { ...s, parentId: client.parentId };
      }
      out.push(fixTrace(s));
    }
  }
  return { spans: out, uniqueIndex: null };
}
