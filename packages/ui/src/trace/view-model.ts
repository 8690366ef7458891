import type { CriticalPath, Span, SpanTree } from '@skein/model';

/** Flags the spans matching a search text (service, name, ids, tag keys and values); null when the text is empty. */
export function matchSpans(tree: SpanTree, text: string): { flags: Uint8Array; count: number } | null {
  const needle = text.trim().toLowerCase();
  if (!needle) return null;
  const n = tree.spans.length;
  const flags = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const s = tree.spans[i] as Span;
    if (spanMatches(s, needle)) { flags[i] = 1; count++; }
  }
  return { flags, count };
}

const MAX_SCAN = 4096;

function has(v: string | undefined, needle: string): boolean {
  // Huge tag values (megabytes) are searched only in their first few KB, so typing stays fast.
  return v !== undefined && (v.length > MAX_SCAN ? v.slice(0, MAX_SCAN) : v).toLowerCase().includes(needle);
}

function spanMatches(s: Span, needle: string): boolean {
  if (has(s.name, needle) || has(s.localEndpoint?.serviceName, needle) || has(s.remoteEndpoint?.serviceName, needle)) return true;
  if (s.id === needle || s.parentId === needle) return true;
  if (s.tags) for (const k in s.tags) if (has(k, needle) || has(s.tags[k], needle)) return true;
  if (s.annotations) for (const a of s.annotations) if (has(a.value, needle)) return true;
  return false;
}

/** Critical-path segments grouped by node: segments of node i are list[start[i] .. start[i+1]). */
export interface SegmentsByNode {
  start: Int32Array;
  from: Float64Array;
  to: Float64Array;
}

/** Groups critical-path segments by span, for drawing them on each row. */
export function segmentsByNode(cp: CriticalPath, n: number): SegmentsByNode {
  const start = new Int32Array(n + 1);
  for (const s of cp.segments) start[s.node + 1] = (start[s.node + 1] as number) + 1;
  for (let i = 0; i < n; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number);
  const fill = start.slice(0, n);
  const from = new Float64Array(cp.segments.length);
  const to = new Float64Array(cp.segments.length);
  for (const s of cp.segments) {
    const at = fill[s.node] as number;
    from[at] = s.start;
    to[at] = s.end;
    fill[s.node] = at + 1;
  }
  return { start, from, to };
}

/** Evenly spaced "nice" tick offsets (µs) for a time axis of the given span. */
export function timeTicks(duration: number, count = 5): number[] {
  if (!(duration > 0)) return [0];
  const raw = duration / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = 0; t <= duration + 1e-9; t += step) out.push(t);
  return out;
}

/** The ordered list of spans on the critical path (one entry per span, first visit order). */
export function criticalSpans(cp: CriticalPath): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const s of cp.segments) if (!seen.has(s.node)) { seen.add(s.node); out.push(s.node); }
  return out;
}
