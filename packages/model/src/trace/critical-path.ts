import type { SpanTree } from './span-tree.js';

/** A stretch of time, on the critical path, spent in one span itself (not waiting on a child). */
export interface CriticalSegment {
  node: number;
  start: number;
  end: number;
}

/** The critical path: its segments in time order and, per node, whether it lies on the path. */
export interface CriticalPath {
  segments: CriticalSegment[];
  onPath: Uint8Array;
}

interface Frame {
  node: number;
  lo: number;
  cursor: number;
  kids: number[];
  next: number;
}

/**
 * The longest blocking chain of a trace. Starting from a root's end and walking backwards in
 * time, a span is blocked by the child that finished last before the current point (the cursor):
 * the time between that child's end and the cursor is the span's own work; then the path descends
 * into that child (clipped to the window [child start, cursor]) and the cursor jumps to the
 * child's start. Children starting at or after the cursor cannot block anything earlier and are
 * skipped. When no child remains, the span's own time back to its start closes the window.
 * Each node's children are sorted once by end time, so the walk is O(n log n), iterative
 * (no recursion depth limit). With several roots, the longest root is used.
 */
export function criticalPath(tree: SpanTree): CriticalPath {
  const n = tree.spans.length;
  const onPath = new Uint8Array(n);
  const segments: CriticalSegment[] = [];
  if (tree.roots.length === 0) return { segments, onPath };
  const { start, end, childStart, childList } = tree;
  let root = tree.roots[0] as number;
  for (const r of tree.roots) if ((end[r] as number) - (start[r] as number) > (end[root] as number) - (start[root] as number)) root = r;
  const frame = (node: number, lo: number, hi: number): Frame => {
    const kids = Array.from(childList.subarray(childStart[node] as number, childStart[node + 1] as number));
    kids.sort((a, b) => (end[b] as number) - (end[a] as number));
    onPath[node] = 1;
    return { node, lo, cursor: hi, kids, next: 0 };
  };
  const stack: Frame[] = [frame(root, start[root] as number, end[root] as number)];
  while (stack.length > 0) {
    const f = stack[stack.length - 1] as Frame;
    let child = -1;
    while (f.next < f.kids.length) {
      const c = f.kids[f.next++] as number;
      if ((start[c] as number) < f.cursor && (end[c] as number) > f.lo) { child = c; break; }
    }
    if (child < 0) {
      if (f.cursor > f.lo) segments.push({ node: f.node, start: f.lo, end: f.cursor });
      stack.pop();
      continue;
    }
    const childEnd = Math.min(end[child] as number, f.cursor);
    const childStartClipped = Math.max(start[child] as number, f.lo);
    if (childEnd < f.cursor) segments.push({ node: f.node, start: childEnd, end: f.cursor });
    f.cursor = childStartClipped;
    stack.push(frame(child, childStartClipped, childEnd));
  }
  segments.sort((a, b) => a.start - b.start || a.end - b.end);
  return { segments, onPath };
}
