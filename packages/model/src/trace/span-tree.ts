import type { Span } from '../span.js';
import { correctClockSkewInPlace } from './clock-skew.js';
import { mergeIndexed } from './merge.js';
import { TreeProblemLog, type TreeProblem } from './tree-problems.js';

/**
 * A trace as a flat tree: node i is spans[i]. Arrays instead of node objects so 100,000-span
 * traces build in O(n) with little garbage. Children of a node are
 * childList[childStart[i] .. childStart[i+1]), sorted by start time.
 */
export interface SpanTree {
  readonly traceId: string;
  readonly spans: readonly Span[];
  readonly parent: Int32Array;
  readonly childStart: Int32Array;
  readonly childList: Int32Array;
  readonly roots: Int32Array;
  /** Nodes in depth-first pre-order (the waterfall's row order). */
  readonly order: Int32Array;
  /** Position of each node in `order`. */
  readonly position: Int32Array;
  readonly depth: Int32Array;
  /** Number of nodes in each node's subtree, itself included. */
  readonly subtreeSize: Int32Array;
  /** Start and end of each span, epoch microseconds (after skew correction when enabled). */
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly problems: readonly TreeProblem[];
  /** Number of spans whose timestamps clock-skew correction moved. */
  readonly skewAdjusted: number;
}

/** Options for {@link buildSpanTree}. */
export interface BuildOptions {
  /** Correct clock skew between client and server hosts (default true). */
  correctSkew?: boolean;
}

function sameService(a: Span, b: Span): boolean {
  const x = a.localEndpoint, y = b.localEndpoint;
  if (!x || !y) return false;
  if (x.serviceName && y.serviceName) return x.serviceName === y.serviceName;
  return (x.ipv4 !== undefined && x.ipv4 === y.ipv4) || (x.ipv6 !== undefined && x.ipv6 === y.ipv6);
}

/** Resolves each span's parent index (-1: root, -2: parent id not in the trace). */
function resolveParents(spans: readonly Span[], uniqueIndex: Map<string, number> | null): Int32Array {
  const n = spans.length;
  let anyShared = false;
  for (let i = 0; i < n && !anyShared; i++) if ((spans[i] as Span).shared) anyShared = true;
  const plain = uniqueIndex !== null && !anyShared ? uniqueIndex : new Map<string, number>();
  const shared = new Map<string, number[]>();
  if (plain !== uniqueIndex) {
    for (let i = 0; i < n; i++) {
      const s = spans[i] as Span;
      if (s.shared) {
        const list = shared.get(s.id);
        if (list) list.push(i); else shared.set(s.id, [i]);
      } else if (!plain.has(s.id)) plain.set(s.id, i);
    }
  }
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = spans[i] as Span;
    let p = -1;
    const client = s.shared ? plain.get(s.id) : undefined;
    if (client !== undefined && client !== i) p = client;
    else if (s.parentId !== undefined) {
      p = -2;
      // A local child of a shared server span has the server's id as parent: prefer the server
      // side on the same service, else the plain (client) span, else any shared span.
      const candidates = anyShared ? shared.get(s.parentId) : undefined;
      const onSameService = candidates?.find((c) => c !== i && sameService(spans[c] as Span, s));
      const plainParent = plain.get(s.parentId);
      if (onSameService !== undefined) p = onSameService;
      else if (plainParent !== undefined && plainParent !== i) p = plainParent;
      else if (candidates && candidates[0] !== undefined && candidates[0] !== i) p = candidates[0];
    }
    parent[i] = p;
  }
  return parent;
}

/** Cuts parent cycles so every node reaches a root; the node closing a cycle becomes a root. */
function breakCycles(spans: readonly Span[], parent: Int32Array, log: TreeProblemLog): void {
  const n = parent.length;
  const state = new Uint8Array(n); // 0 unseen, 1 on current path, 2 reaches a root
  const path: number[] = [];
  for (let i = 0; i < n; i++) {
    let cur = i;
    while (state[cur] === 0) {
      state[cur] = 1;
      path.push(cur);
      const p = parent[cur] as number;
      if (p < 0) break;
      if (state[p] === 1) {
        parent[cur] = -1;
        log.add('CYCLE', (spans[cur] as Span).id);
        break;
      }
      cur = p;
    }
    for (const x of path) state[x] = 2;
    path.length = 0;
  }
}

function spanStart(s: Span): number | undefined {
  if (s.timestamp) return s.timestamp;
  const a = s.annotations?.[0];
  return a ? a.timestamp : undefined;
}

/** Builds children lists, the pre-order and depths from a parent array. */
function layout(parent: Int32Array, starts: Float64Array | null) {
  const n = parent.length;
  const childStart = new Int32Array(n + 1);
  let rootCount = 0;
  for (let i = 0; i < n; i++) {
    const p = parent[i] as number;
    if (p >= 0) childStart[p + 1] = (childStart[p + 1] as number) + 1; else rootCount++;
  }
  for (let i = 0; i < n; i++) childStart[i + 1] = (childStart[i + 1] as number) + (childStart[i] as number);
  const fill = childStart.slice(0, n);
  const childList = new Int32Array(n - rootCount);
  const roots = new Int32Array(rootCount);
  let r = 0;
  for (let i = 0; i < n; i++) {
    const p = parent[i] as number;
    if (p >= 0) { const at = fill[p] as number; childList[at] = i; fill[p] = at + 1; } else roots[r++] = i;
  }
  if (starts) {
    const byStart = (a: number, b: number): number => (starts[a] as number) - (starts[b] as number) || a - b;
    for (let i = 0; i < n; i++) {
      const from = childStart[i] as number, to = childStart[i + 1] as number;
      if (to - from > 1) childList.subarray(from, to).sort(byStart);
    }
    roots.sort(byStart);
  }
  const order = new Int32Array(n);
  const position = new Int32Array(n);
  const depth = new Int32Array(n);
  const stack: number[] = [];
  let k = 0;
  for (let ri = roots.length - 1; ri >= 0; ri--) stack.push(roots[ri] as number);
  while (stack.length > 0) {
    const node = stack.pop() as number;
    position[node] = k;
    order[k++] = node;
    const d = (depth[node] as number) + 1;
    for (let c = (childStart[node + 1] as number) - 1; c >= (childStart[node] as number); c--) {
      const child = childList[c] as number;
      depth[child] = d;
      stack.push(child);
    }
  }
  const subtreeSize = new Int32Array(n).fill(1);
  for (let j = n - 1; j >= 0; j--) {
    const node = order[j] as number, p = parent[node] as number;
    if (p >= 0) subtreeSize[p] = (subtreeSize[p] as number) + (subtreeSize[node] as number);
  }
  return { childStart, childList, roots, order, position, depth, subtreeSize };
}

/**
 * Builds the tree Zipkin's UI would show (after SpanNode.Builder): shared client/server spans
 * merged, a shared server span placed under its client, spans whose parent is missing placed
 * under the root (or at the top level of a headless trace), cycles cut, children by start time.
 */
export function buildSpanTree(input: readonly Span[], options: BuildOptions = {}): SpanTree {
  const { spans, uniqueIndex } = mergeIndexed(input);
  const n = spans.length;
  const log = new TreeProblemLog();
  const parent = resolveParents(spans, uniqueIndex);
  const trueRoots: number[] = [];
  for (let i = 0; i < n; i++) if (parent[i] === -1) trueRoots.push(i);
  if (trueRoots.length > 1) for (const i of trueRoots) log.add('MULTIPLE_ROOTS', (spans[i] as Span).id);
  const adopt = trueRoots.length > 0 ? (trueRoots[0] as number) : -1;
  for (let i = 0; i < n; i++) {
    if (parent[i] === -2) {
      log.add('MISSING_PARENT', (spans[i] as Span).id);
      parent[i] = adopt;
    }
  }
  if (trueRoots.length === 0 && n > 0) log.add('MISSING_ROOT', (spans[0] as Span).id);
  breakCycles(spans, parent, log);

  let skewAdjusted = 0;
  if (options.correctSkew !== false && trueRoots.length > 0) {
    const first = layout(parent, null);
    skewAdjusted = correctClockSkewInPlace(spans, parent, first.order);
  }
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const known = new Uint8Array(n);
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const st = spanStart(spans[i] as Span);
    if (st !== undefined) { start[i] = st; known[i] = 1; if (st < min) min = st; }
  }
  const tree = layout(parent, start);
  for (let j = 0; j < n; j++) {
    const i = tree.order[j] as number;
    const s = spans[i] as Span;
    if (!known[i]) {
      const p = parent[i] as number;
      start[i] = p >= 0 ? (start[p] as number) : (Number.isFinite(min) ? min : 0);
      log.add('NO_TIMESTAMP', s.id);
    }
    let e = (start[i] as number) + (s.duration ?? 0);
    const anns = s.annotations;
    const lastAnn = anns && anns.length > 0 ? (anns[anns.length - 1] as { timestamp: number }).timestamp : 0;
    if (!s.duration && lastAnn > e) e = lastAnn;
    end[i] = e;
  }
  return {
    traceId: spans[0]?.traceId ?? '', spans, parent, ...tree, start, end, problems: log.list(), skewAdjusted,
  };
}
