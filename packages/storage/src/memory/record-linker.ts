import type { DependencyLinker, Endpoint } from '@skein/model';
import { FLAGS, ID_HI, ID_LO, LOCAL, PARENT_HI, PARENT_LO, REMOTE_SERVICE, STRIDE, type LinkRecords } from './link-records.js';
import { ERROR_TAG, HAS_PARENT, KIND_SHIFT, SHARED_SPAN } from './prepared-batch.js';

// One trace's dependency links from its link records, exactly as DependencyLinker.putTrace finds
// them from its spans (see dependency-linker.ts in @skein/model): the same cleanup (pieces of one
// span merged, a server's shared flag and parent id backfilled from its client), the same tree
// with the same quirks of its maps (a later piece with a span's id takes its place as a parent),
// the same walk. Numbers and scratch arrays instead of span, node and key objects: linking a
// trace allocates nothing unless pieces merge.

const CLIENT = 1;
const SERVER = 2;
const PRODUCER = 3;
const CONSUMER = 4;
/** No key, no node. */
const NONE = -1;

// Scratch arrays, grown as needed and reused (linking runs on one thread). Positions p are the
// trace's records in cleanup order; entries c are what cleanup leaves (merged pieces), in that order.
let size = 0;
/** Record index per position, and the merge sort's buffer. */
let at = new Int32Array(0);
let buf = new Int32Array(0);
/** Per entry: id, parent id and whether it has one, kind, shared, error tag, timestamp. */
let idHi = new Int32Array(0);
let idLo = new Int32Array(0);
let parentHi = new Int32Array(0);
let parentLo = new Int32Array(0);
let hasParent = new Uint8Array(0);
let kind = new Uint8Array(0);
let shared = new Uint8Array(0);
let error = new Uint8Array(0);
let ts = new Float64Array(0);
/** Per entry: local endpoint (interned, the block's own, or merged from pieces; its service is the span's), remote service name. */
const endpoint: (Endpoint | undefined)[] = [];
const remote: (string | undefined)[] = [];
/** Per entry: its key in the tree's maps, and the key it has without its endpoint (see buildTree). */
let keyOf = new Int32Array(0);
let bareKeyOf = new Int32Array(0);
/** Per entry: the first entry with its id. */
let groupOf = new Int32Array(0);
/** Per key (at most two per entry): in the span-to-parent map or not, its parent key, its rank there, its node. */
let present = new Uint8Array(0);
let parentKey = new Int32Array(0);
let rank = new Int32Array(0);
let node = new Int32Array(0);
/** Keys in the order they entered the span-to-parent map (stale where a key left and came back). */
let inserted = new Int32Array(0);
/** Per node (entries, then the synthetic root): parent node, and children as lists (first, kids). */
let up = new Int32Array(0);
let first = new Int32Array(0);
let kids = new Int32Array(0);
let queue = new Int32Array(0);
let attachedChild = new Int32Array(0);
let attachedParent = new Int32Array(0);

function ensure(n: number): void {
  if (size >= n) return;
  size = Math.max(n, size * 2, 64);
  at = new Int32Array(size);
  buf = new Int32Array(size);
  idHi = new Int32Array(size);
  idLo = new Int32Array(size);
  parentHi = new Int32Array(size);
  parentLo = new Int32Array(size);
  hasParent = new Uint8Array(size);
  kind = new Uint8Array(size);
  shared = new Uint8Array(size);
  error = new Uint8Array(size);
  ts = new Float64Array(size);
  keyOf = new Int32Array(size);
  bareKeyOf = new Int32Array(size);
  groupOf = new Int32Array(size);
  present = new Uint8Array(2 * size);
  parentKey = new Int32Array(2 * size);
  rank = new Int32Array(2 * size);
  node = new Int32Array(2 * size);
  inserted = new Int32Array(4 * size);
  up = new Int32Array(size + 1);
  first = new Int32Array(size + 2);
  kids = new Int32Array(size + 1);
  queue = new Int32Array(size + 1);
  attachedChild = new Int32Array(2 * size);
  attachedParent = new Int32Array(2 * size);
}

// What the sort's comparison reads (set per call, so that it is a plain function, not a closure).
let records: LinkRecords | undefined;
let ints = new Int32Array(0);
let endpoints: readonly Endpoint[] = [];

/** Compares two unsigned 32-bit halves given as int32s. */
function cmpU(a: number, b: number): number {
  return a === b ? 0 : a >>> 0 < b >>> 0 ? -1 : 1;
}

/** Like the linker's compareOptional: undefined sorts last. */
function cmpOptional(a: string | undefined, b: string | undefined): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The local endpoint of record r. */
function localOf(r: number): Endpoint | undefined {
  return (records as LinkRecords).local(ints[r * STRIDE + LOCAL] as number, endpoints);
}

/** The linker's cleanup order, on records: by id, unshared first, a client first among those, then by endpoint. */
function cleanupOrder(x: number, y: number): number {
  const a = ints;
  const c = cmpU(a[x * STRIDE + ID_HI] as number, a[y * STRIDE + ID_HI] as number)
    || cmpU(a[x * STRIDE + ID_LO] as number, a[y * STRIDE + ID_LO] as number);
  if (c !== 0) return c;
  const fx = a[x * STRIDE + FLAGS] as number, fy = a[y * STRIDE + FLAGS] as number;
  const sx = (fx & SHARED_SPAN) !== 0, sy = (fy & SHARED_SPAN) !== 0;
  if (sx !== sy) return sx ? 1 : -1;
  if (!sx) {
    const cx = ((fx >>> KIND_SHIFT) & 7) === CLIENT, cy = ((fy >>> KIND_SHIFT) & 7) === CLIENT;
    if (cx !== cy) return cx ? -1 : 1;
  }
  const ex = localOf(x), ey = localOf(y);
  if (ex === undefined || ey === undefined) return ex === ey ? 0 : ex === undefined ? -1 : 1;
  return cmpOptional(ex.serviceName, ey.serviceName) || cmpOptional(ex.ipv4, ey.ipv4) || cmpOptional(ex.ipv6, ey.ipv6);
}

/** Sorts at[0..n) stably by cleanupOrder (insertion sort on short runs, then merges through buf). */
function sortPositions(n: number): void {
  const RUN = 16;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(n, lo + RUN);
    for (let i = lo + 1; i < hi; i++) {
      const v = at[i] as number;
      let j = i - 1;
      while (j >= lo && cleanupOrder(at[j] as number, v) > 0) {
        at[j + 1] = at[j] as number;
        j--;
      }
      at[j + 1] = v;
    }
  }
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width), hi = Math.min(n, lo + 2 * width);
      if (mid >= hi || cleanupOrder(at[mid - 1] as number, at[mid] as number) <= 0) continue;
      let i = lo, j = mid, k = lo;
      while (i < mid && j < hi) buf[k++] = cleanupOrder(at[j] as number, at[i] as number) < 0 ? (at[j++] as number) : (at[i++] as number);
      while (i < mid) buf[k++] = at[i++] as number;
      while (j < hi) buf[k++] = at[j++] as number;
      at.set(buf.subarray(lo, hi), lo);
    }
  }
}

/** Whether two endpoints give the linker's endpointKey the same text (absent fields count as '' and port 0). */
function sameKey(x: Endpoint | undefined, y: Endpoint | undefined): boolean {
  if (x === y) return true;
  if (x === undefined || y === undefined) return false;
  return (x.serviceName ?? '') === (y.serviceName ?? '') && (x.ipv4 ?? '') === (y.ipv4 ?? '')
    && (x.ipv6 ?? '') === (y.ipv6 ?? '') && (x.port ?? 0) === (y.port ?? 0);
}

/** Whether a piece's endpoint agrees with the one merged so far (fields both have are equal). */
function agrees(m: Endpoint | undefined, e: Endpoint | undefined): boolean {
  if (m === undefined || e === undefined) return true;
  return (m.serviceName === undefined || e.serviceName === undefined || m.serviceName === e.serviceName)
    && (m.ipv4 === undefined || e.ipv4 === undefined || m.ipv4 === e.ipv4)
    && (m.ipv6 === undefined || e.ipv6 === undefined || m.ipv6 === e.ipv6)
    && (m.port === undefined || e.port === undefined || m.port === e.port);
}

/** The endpoint merged so far with a piece's: the fields it lacks taken from the piece. */
function fill(m: Endpoint | undefined, e: Endpoint | undefined): Endpoint | undefined {
  if (m === undefined) return e;
  if (e === undefined || m === e) return m;
  const out: Endpoint = { ...m };
  if (out.serviceName === undefined && e.serviceName !== undefined) out.serviceName = e.serviceName;
  if (out.ipv4 === undefined && e.ipv4 !== undefined) out.ipv4 = e.ipv4;
  if (out.ipv6 === undefined && e.ipv6 !== undefined) out.ipv6 = e.ipv6;
  if (out.port === undefined && e.port !== undefined) out.port = e.port;
  return out;
}

/** Makes entry c from record r. */
function entry(c: number, r: number, names: readonly string[]): void {
  const o = r * STRIDE, f = ints[o + FLAGS] as number;
  idHi[c] = ints[o + ID_HI] as number;
  idLo[c] = ints[o + ID_LO] as number;
  hasParent[c] = (f & HAS_PARENT) !== 0 ? 1 : 0;
  parentHi[c] = ints[o + PARENT_HI] as number;
  parentLo[c] = ints[o + PARENT_LO] as number;
  kind[c] = (f >>> KIND_SHIFT) & 7;
  shared[c] = (f & SHARED_SPAN) !== 0 ? 1 : 0;
  error[c] = (f & ERROR_TAG) !== 0 ? 1 : 0;
  endpoint[c] = localOf(r);
  remote[c] = names[ints[o + REMOTE_SERVICE] as number] || undefined;
}

/** Merges record r, a later piece of entry c's span, into it: what c lacks is taken from r, error tags unite. */
function merge(c: number, r: number, names: readonly string[], times: Float64Array): void {
  const o = r * STRIDE, f = ints[o + FLAGS] as number;
  if (kind[c] === 0) kind[c] = (f >>> KIND_SHIFT) & 7;
  if (hasParent[c] === 0 && (f & HAS_PARENT) !== 0) {
    hasParent[c] = 1;
    parentHi[c] = ints[o + PARENT_HI] as number;
    parentLo[c] = ints[o + PARENT_LO] as number;
  }
  if ((f & ERROR_TAG) !== 0) error[c] = 1;
  if (ts[c] === 0) ts[c] = times[r] as number;
  endpoint[c] = fill(endpoint[c], localOf(r));
  remote[c] ??= names[ints[o + REMOTE_SERVICE] as number] || undefined;
}

/** Merges pieces of one span and backfills what servers forget, as the linker's cleanTrace; returns the entries. */
function clean(n: number, names: readonly string[], times: Float64Array): number {
  let m = 0;
  for (let p = 0; p < n; p++) {
    const c = m++;
    const r = at[p] as number;
    entry(c, r, names);
    ts[c] = times[r] as number;
    while (p + 1 < n) {
      const next = at[p + 1] as number;
      if ((ints[next * STRIDE + ID_HI] as number) !== idHi[c] || (ints[next * STRIDE + ID_LO] as number) !== idLo[c]) break;
      const nextShared = ((ints[next * STRIDE + FLAGS] as number) & SHARED_SPAN) !== 0 ? 1 : 0;
      if (nextShared !== shared[c] || !agrees(endpoint[c], localOf(next))) break;
      merge(c, next, names, times);
      p++;
    }
    if (c > 0 && idHi[c - 1] === idHi[c] && idLo[c - 1] === idLo[c]) {
      if (kind[c - 1] === CLIENT && kind[c] === SERVER && shared[c] === 0) shared[c] = 1;
      if (shared[c] === 1 && hasParent[c] === 0 && hasParent[c - 1] === 1) {
        hasParent[c] = 1;
        parentHi[c] = parentHi[c - 1] as number;
        parentLo[c] = parentLo[c - 1] as number;
      }
    }
  }
  return m;
}

/** The first entry with this id, or -1 (entries are sorted by id). */
function findId(m: number, hi: number, lo: number): number {
  let l = 0, h = m;
  while (l < h) {
    const x = (l + h) >>> 1;
    if ((cmpU(idHi[x] as number, hi) || cmpU(idLo[x] as number, lo)) < 0) l = x + 1;
    else h = x;
  }
  return l < m && idHi[l] === hi && idLo[l] === lo ? l : -1;
}

/** The key of the unshared span with the id of entry g (the first of its id), or NONE. */
function unsharedKey(m: number, g: number): number {
  for (let c = g; c < m && idHi[c] === idHi[g] && idLo[c] === idLo[g]; c++) if (shared[c] === 0) return keyOf[c] as number;
  return NONE;
}

/** The key of a shared span with the id of entry g and this endpoint's key, or NONE. */
function sharedKey(m: number, g: number, e: Endpoint | undefined): number {
  for (let c = g; c < m && idHi[c] === idHi[g] && idLo[c] === idLo[g]; c++) {
    if (shared[c] === 1 && sameKey(endpoint[c], e)) return keyOf[c] as number;
  }
  return NONE;
}

/** Numbers the keys the linker's maps would use: an unshared span's id, a shared span's id with its endpoint, and without. */
function numberKeys(m: number): number {
  let keys = 0;
  for (let g = 0; g < m; ) {
    let end = g + 1;
    while (end < m && idHi[end] === idHi[g] && idLo[end] === idLo[g]) end++;
    let bare = NONE, plain = NONE;
    for (let c = g; c < end; c++) {
      groupOf[c] = g;
      if (shared[c] === 0) {
        if (plain === NONE) plain = keys++;
        keyOf[c] = bareKeyOf[c] = plain;
        continue;
      }
      if (bare === NONE) bare = keys++;
      bareKeyOf[c] = bare;
      let k = NONE;
      if (endpoint[c] === undefined) k = bare;
      else for (let d = g; d < c && k === NONE; d++) if (shared[d] === 1 && endpoint[d] !== undefined && sameKey(endpoint[d], endpoint[c])) k = keyOf[d] as number;
      keyOf[c] = k === NONE ? keys++ : k;
    }
    g = end;
  }
  return keys;
}

let ranks = 0;

/** Puts a key in the span-to-parent map, or changes its parent (a key keeps its rank). */
function setParent(k: number, parent: number): void {
  if (present[k] === 0) {
    present[k] = 1;
    rank[k] = ranks;
    inserted[ranks++] = k;
  }
  parentKey[k] = parent;
}

/**
 * Builds the trace's tree as the linker's buildTree does (up, first and kids); returns its root:
 * the root entry, or m for a synthetic root.
 */
function buildTree(m: number): number {
  const keys = numberKeys(m);
  present.fill(0, 0, keys);
  node.fill(NONE, 0, keys);
  ranks = 0;
  for (let c = 0; c < m; c++) {
    if (shared[c] === 1) setParent(keyOf[c] as number, unsharedKey(m, groupOf[c] as number)); // its client's
    else if (hasParent[c] === 1) {
      const g = findId(m, parentHi[c] as number, parentLo[c] as number);
      setParent(keyOf[c] as number, g < 0 ? NONE : unsharedKey(m, g));
    } else setParent(keyOf[c] as number, NONE);
  }
  let root = -1;
  for (let c = 0; c < m; c++) {
    let hasParentKey = shared[c] === 1;
    if (!hasParentKey && hasParent[c] === 1) {
      hasParentKey = true;
      // A shared server span on the same endpoint is preferred as parent (a local span inside a server).
      const g = findId(m, parentHi[c] as number, parentLo[c] as number);
      const server = g < 0 ? NONE : sharedKey(m, g, endpoint[c]);
      if (server !== NONE) setParent(keyOf[c] as number, server);
    }
    if (!hasParentKey && root < 0) {
      root = c;
      present[keyOf[c] as number] = 0;
    } else {
      node[bareKeyOf[c] as number] = c;
      if (shared[c] === 1) node[keyOf[c] as number] = c;
    }
  }
  const tree = root >= 0 ? root : m;
  // Attach children in the order their keys entered the map; a node attaches once.
  up.fill(NONE, 0, m + 1);
  let pairs = 0;
  for (let i = 0; i < ranks; i++) {
    const k = inserted[i] as number;
    if (present[k] === 0 || rank[k] !== i) continue;
    const child = node[k] as number;
    if (child === NONE || child === tree || up[child] !== NONE) continue;
    const pk = parentKey[k] as number;
    const found = pk === NONE ? NONE : (node[pk] as number);
    const parent = found === NONE ? tree : found;
    if (parent === child) continue;
    up[child] = parent;
    attachedChild[pairs] = child;
    attachedParent[pairs++] = parent;
  }
  first.fill(0, 0, m + 2);
  for (let i = 0; i < pairs; i++) {
    const v = (attachedParent[i] as number) + 1;
    first[v] = (first[v] as number) + 1;
  }
  for (let v = 0; v <= m; v++) first[v + 1] = (first[v + 1] as number) + (first[v] as number);
  for (let v = 0; v <= m; v++) queue[v] = first[v] as number; // borrowed as the next free place of each list
  for (let i = 0; i < pairs; i++) {
    const v = attachedParent[i] as number;
    const place = queue[v] as number;
    kids[place] = attachedChild[i] as number;
    queue[v] = place + 1;
  }
  return tree;
}

/** The local service of entry p, as the linker reads it (an empty name is none). */
function serviceOf(c: number): string | undefined {
  return endpoint[c]?.serviceName || undefined;
}

/** Adds the links of entry p, as the linker's linkNode. */
function linkNode(p: number, isRoot: boolean, children: number, m: number, linker: DependencyLinker): void {
  let k = kind[p] as number;
  if (k === CLIENT && children > 0) return;
  const svc = serviceOf(p), rem = remote[p];
  if (k === 0) {
    if (svc === undefined || rem === undefined) return;
    k = CLIENT;
  }
  let parent: string | undefined, child: string | undefined;
  if (k === SERVER || k === CONSUMER) {
    child = svc;
    parent = rem;
    if (isRoot && parent === undefined) return;
  } else {
    parent = svc;
    child = rem;
  }
  let err = error[p] === 1;
  if (k === PRODUCER || k === CONSUMER) {
    if (parent !== undefined && child !== undefined) linker.putLink(parent, child, err);
    return;
  }
  let ancestor = up[p] as number;
  while (ancestor >= 0 && (ancestor === m || kind[ancestor] === 0)) ancestor = up[ancestor] as number;
  const ancestorName = ancestor >= 0 ? serviceOf(ancestor) : undefined;
  if (ancestor >= 0 && ancestorName !== undefined) {
    if (k === CLIENT && svc !== undefined && ancestorName !== svc) linker.putLink(ancestorName, svc, false);
    if (k === SERVER || parent === undefined) parent = ancestorName;
    if (!err && kind[ancestor] === CLIENT && hasParent[p] === 1 && parentHi[p] === idHi[ancestor] && parentLo[p] === idLo[ancestor]) {
      err = error[ancestor] === 1;
    }
  }
  if (parent !== undefined && child !== undefined) linker.putLink(parent, child, err);
}

/**
 * Adds the links of one trace, whose records are order[from] to order[to - 1], to linker as
 * putTrace of its spans would. names are the services by the numbers records hold, interned the
 * packer's endpoints by id.
 */
export function linkTraceRecords(
  linkRecords: LinkRecords, order: Int32Array, from: number, to: number, names: readonly string[],
  interned: readonly Endpoint[], linker: DependencyLinker,
): void {
  const n = to - from;
  if (n <= 0) return;
  ensure(n);
  records = linkRecords;
  ints = linkRecords.ints;
  endpoints = interned;
  for (let p = 0; p < n; p++) at[p] = order[from + p] as number;
  sortPositions(n);
  const m = clean(n, names, linkRecords.times);
  const tree = buildTree(m);
  // Breadth first from the tree's root; a synthetic root's children are taken as attached, and
  // every real node's children sorted by timestamp (stably) when it is reached.
  let head = 0, tail = 0;
  if (tree === m) {
    for (let k = first[m] as number; k < (first[m + 1] as number); k++) queue[tail++] = kids[k] as number;
  } else queue[tail++] = tree;
  while (head < tail) {
    const v = queue[head++] as number;
    const f = first[v] as number, l = first[v + 1] as number;
    for (let k = f + 1; k < l; k++) {
      const c = kids[k] as number, t = ts[c] as number;
      let j = k - 1;
      while (j >= f && (ts[kids[j] as number] as number) > t) {
        kids[j + 1] = kids[j] as number;
        j--;
      }
      kids[j + 1] = c;
    }
    for (let k = f; k < l; k++) queue[tail++] = kids[k] as number;
    linkNode(v, v === tree, l - f, m, linker);
  }
  records = undefined; // an evicted block's records are not kept alive by the last trace linked
}
