import type { DependencyLinker } from '@skein/model';
import { FLAGS, ID_HI, ID_LO, LOCAL, LOCAL_SERVICE, NOT_INTERNED, PARENT_HI, PARENT_LO, REMOTE_SERVICE, STRIDE, type LinkRecords } from './link-records.js';
import { ERROR_TAG, HAS_PARENT, KIND_SHIFT, SHARED_SPAN } from './prepared-batch.js';

// One trace's dependency links from its link records, exactly as DependencyLinker.putTrace finds
// them from its spans (see dependency-linker.ts in @skein/model), with numbers instead of span,
// node and key objects. It takes the traces whose span ids are unique but for a client and the
// server sharing its id, which is nearly all: pieces of one span to merge, or an endpoint that
// is not interned, make it decline, and the caller links that trace from its spans.

const CLIENT = 1;
const SERVER = 2;
const PRODUCER = 3;
const CONSUMER = 4;

// Scratch arrays, grown as needed and reused (linking runs on one thread).
/** Record index per position, positions in cleanup order (by id, the client before its shared server). */
let at = new Int32Array(64);
/** Per position: parent id (with the shared server's backfilled from its client) and whether it has one. */
let parentHi = new Int32Array(64);
let parentLo = new Int32Array(64);
let hasParent = new Uint8Array(64);
/** Per node (positions, then the synthetic root at n): parent node, -1 for the tree's root. */
let up = new Int32Array(65);
/** Children of each node, by node: kids[first[v]] to kids[first[v + 1] - 1]. */
let first = new Int32Array(66);
let kids = new Int32Array(65);
let queue = new Int32Array(65);

function ensure(n: number): void {
  if (at.length >= n) return;
  const size = Math.max(n, at.length * 2);
  at = new Int32Array(size);
  parentHi = new Int32Array(size);
  parentLo = new Int32Array(size);
  hasParent = new Uint8Array(size);
  up = new Int32Array(size + 1);
  first = new Int32Array(size + 2);
  kids = new Int32Array(size + 1);
  queue = new Int32Array(size + 1);
}

/** Compares two unsigned 32-bit halves given as int32s. */
function cmpU(a: number, b: number): number {
  return a === b ? 0 : a >>> 0 < b >>> 0 ? -1 : 1;
}

/**
 * Adds the links of one trace, whose records are order[from] to order[to - 1], to linker as
 * putTrace of its spans would; false, having added nothing, when the trace needs what records
 * do not tell (see the note above).
 */
export function linkTraceRecords(
  records: LinkRecords, order: Int32Array, from: number, to: number, names: readonly string[], linker: DependencyLinker,
): boolean {
  const n = to - from;
  if (n <= 0) return true;
  ensure(n);
  const a = records.ints, times = records.times;
  for (let p = 0; p < n; p++) {
    const r = order[from + p] as number;
    if (a[r * STRIDE + LOCAL] === NOT_INTERNED) return false;
    at[p] = r;
  }
  const flags = (p: number): number => a[(at[p] as number) * STRIDE + FLAGS] as number;
  const hi = (p: number): number => a[(at[p] as number) * STRIDE + ID_HI] as number;
  const lo = (p: number): number => a[(at[p] as number) * STRIDE + ID_LO] as number;
  const shared = (p: number): boolean => (flags(p) & SHARED_SPAN) !== 0;
  // Cleanup order: by id, and for one id the unshared piece (the client) first.
  at.subarray(0, n).sort((x, y) => cmpU(a[x * STRIDE + ID_HI] as number, a[y * STRIDE + ID_HI] as number)
    || cmpU(a[x * STRIDE + ID_LO] as number, a[y * STRIDE + ID_LO] as number)
    || ((a[x * STRIDE + FLAGS] as number) & SHARED_SPAN) - ((a[y * STRIDE + FLAGS] as number) & SHARED_SPAN));
  for (let p = 0; p < n; p++) {
    const r = at[p] as number;
    hasParent[p] = ((a[r * STRIDE + FLAGS] as number) & HAS_PARENT) !== 0 ? 1 : 0;
    parentHi[p] = a[r * STRIDE + PARENT_HI] as number;
    parentLo[p] = a[r * STRIDE + PARENT_LO] as number;
    if (p > 0 && hi(p) === hi(p - 1) && lo(p) === lo(p - 1)) {
      // One id twice: only a client (unshared) and the server sharing its id, once each.
      if (shared(p - 1) || !shared(p) || (p > 1 && hi(p) === hi(p - 2) && lo(p) === lo(p - 2))) return false;
      if (hasParent[p] === 0 && hasParent[p - 1] === 1) {
        hasParent[p] = 1;
        parentHi[p] = parentHi[p - 1] as number;
        parentLo[p] = parentLo[p - 1] as number;
      }
    }
  }
  /** The position of the piece with this id and sharedness, or -1 (positions are sorted by id). */
  const find = (idHi: number, idLo: number, isShared: boolean): number => {
    let l = 0, h = n;
    while (l < h) {
      const m = (l + h) >>> 1;
      if ((cmpU(hi(m), idHi) || cmpU(lo(m), idLo)) < 0) l = m + 1;
      else h = m;
    }
    for (let p = l; p < n && hi(p) === idHi && lo(p) === idLo; p++) if (shared(p) === isShared) return p;
    return -1;
  };
  // The root is the first unshared span without a parent; else the tree's root is synthetic (n).
  let root = -1;
  for (let p = 0; p < n && root < 0; p++) if (!shared(p) && hasParent[p] === 0) root = p;
  const tree = root >= 0 ? root : n;
  const local = (p: number): number => a[(at[p] as number) * STRIDE + LOCAL] as number;
  for (let p = 0; p < n; p++) {
    if (p === root) {
      up[p] = -1;
      continue;
    }
    let parent = -1;
    if (shared(p)) {
      parent = find(hi(p), lo(p), false); // its client
    } else if (hasParent[p] === 1) {
      // A shared server span on the same endpoint is preferred (a local span inside a server).
      const server = find(parentHi[p] as number, parentLo[p] as number, true);
      parent = server >= 0 && local(server) === local(p) ? server : find(parentHi[p] as number, parentLo[p] as number, false);
    }
    up[p] = parent < 0 ? tree : parent;
  }
  up[n] = -1;
  // Children in the order they were attached (by position), as lists per node.
  first.fill(0, 0, n + 2);
  for (let p = 0; p < n; p++) if (p !== root) first[(up[p] as number) + 1] = (first[(up[p] as number) + 1] as number) + 1;
  for (let v = 0; v <= n; v++) first[v + 1] = (first[v + 1] as number) + (first[v] as number);
  const fill = queue; // borrowed as the next free place of each list
  for (let v = 0; v <= n; v++) fill[v] = first[v] as number;
  for (let p = 0; p < n; p++) {
    if (p === root) continue;
    const v = up[p] as number;
    kids[fill[v] as number] = p;
    fill[v] = (fill[v] as number) + 1;
  }
  const ts = (p: number): number => times[at[p] as number] as number;
  const kind = (p: number): number => (flags(p) >>> KIND_SHIFT) & 7;
  const error = (p: number): boolean => (flags(p) & ERROR_TAG) !== 0;
  const service = (p: number): string | undefined => names[a[(at[p] as number) * STRIDE + LOCAL_SERVICE] as number] || undefined;
  const remoteService = (p: number): string | undefined => names[a[(at[p] as number) * STRIDE + REMOTE_SERVICE] as number] || undefined;
  // Breadth first from the tree's root; a synthetic root's children are taken as attached, and
  // every real node's children sorted by timestamp (stably) when it is reached.
  let head = 0, tail = 0;
  if (tree === n) {
    for (let k = first[n] as number; k < (first[n + 1] as number); k++) queue[tail++] = kids[k] as number;
  } else queue[tail++] = tree;
  while (head < tail) {
    const node = queue[head++] as number;
    const f = first[node] as number, l = first[node + 1] as number;
    for (let k = f + 1; k < l; k++) {
      const c = kids[k] as number, t = ts(c);
      let j = k - 1;
      while (j >= f && ts(kids[j] as number) > t) {
        kids[j + 1] = kids[j] as number;
        j--;
      }
      kids[j + 1] = c;
    }
    for (let k = f; k < l; k++) queue[tail++] = kids[k] as number;
    linkNode(node, node === tree, l - f);
  }
  return true;

  function linkNode(p: number, isRoot: boolean, children: number): void {
    let k = kind(p);
    if (k === CLIENT && children > 0) return;
    const svc = service(p), remote = remoteService(p);
    if (k === 0) {
      if (svc === undefined || remote === undefined) return;
      k = CLIENT;
    }
    let parent: string | undefined, child: string | undefined;
    if (k === SERVER || k === CONSUMER) {
      child = svc;
      parent = remote;
      if (isRoot && parent === undefined) return;
    } else {
      parent = svc;
      child = remote;
    }
    let err = error(p);
    if (k === PRODUCER || k === CONSUMER) {
      if (parent !== undefined && child !== undefined) linker.putLink(parent, child, err);
      return;
    }
    let ancestor = up[p] as number;
    while (ancestor >= 0 && (ancestor === n || kind(ancestor) === 0)) ancestor = up[ancestor] as number;
    const ancestorName = ancestor >= 0 ? service(ancestor) : undefined;
    if (ancestor >= 0 && ancestorName !== undefined) {
      if (k === CLIENT && svc !== undefined && ancestorName !== svc) linker.putLink(ancestorName, svc, false);
      if (k === SERVER || parent === undefined) parent = ancestorName;
      if (!err && kind(ancestor) === CLIENT && hasParent[p] === 1 && parentHi[p] === hi(ancestor) && parentLo[p] === lo(ancestor)) {
        err = error(ancestor);
      }
    }
    if (parent !== undefined && child !== undefined) linker.putLink(parent, child, err);
  }
}
