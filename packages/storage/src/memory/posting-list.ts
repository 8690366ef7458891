// Posting lists: ascending arrays of trace ordinals (a trace's ordinal is its arrival rank).
// Traces are evicted oldest ordinal first, so evicted entries always form a prefix of every list:
// readers skip it with a binary search, and a periodic sweep cuts it off.

/** A posting list, or a single ordinal (most tag values occur in one trace, so keep those small). */
export type Postings = number | number[];

/** Index of the first element >= ord. */
export function lowerBound(list: readonly number[], ord: number, from = 0, to = list.length): number {
  let lo = from, hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < ord) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Adds ord to a sorted list unless present (usually an append: new traces have the highest ordinal). */
export function addOrdinal(list: number[], ord: number): void {
  const n = list.length;
  const last = n === 0 ? -1 : (list[n - 1] as number);
  if (ord > last) {
    list.push(ord);
    return;
  }
  if (ord === last) return;
  const i = lowerBound(list, ord);
  if (list[i] !== ord) list.splice(i, 0, ord);
}

/** Largest value kept in a parallel duration list (a small integer); longer durations are clamped. */
export const MAX_KEPT_DURATION = 0x3fffffff;

/**
 * Adds ord to a sorted list with a parallel list of per-trace maxima (e.g. the longest span of a
 * service in that trace), raising the maximum when ord is already present.
 */
export function addOrdinalWithMax(list: number[], maxes: number[], ord: number, value: number): void {
  const v = value > MAX_KEPT_DURATION ? MAX_KEPT_DURATION : value;
  const n = list.length;
  const last = n === 0 ? -1 : (list[n - 1] as number);
  let i: number;
  if (ord > last) {
    list.push(ord);
    maxes.push(v);
    return;
  } else if (ord === last) {
    i = n - 1;
  } else {
    i = lowerBound(list, ord);
    if (list[i] !== ord) {
      list.splice(i, 0, ord);
      maxes.splice(i, 0, v);
      return;
    }
  }
  if (v > (maxes[i] as number)) maxes[i] = v;
}

/** Adds ord to the postings stored under key in a map of postings. */
export function addPosting<K>(map: Map<K, Postings>, key: K, ord: number): void {
  const p = map.get(key);
  if (p === undefined) map.set(key, ord);
  else if (typeof p === 'number') {
    if (p !== ord) map.set(key, p < ord ? [p, ord] : [ord, p]);
  } else addOrdinal(p, ord);
}

/** The postings as a list. */
export function asList(p: Postings): readonly number[] {
  return typeof p === 'number' ? [p] : p;
}

/** Whether a sorted list holds ord. */
export function hasOrdinal(list: readonly number[], ord: number): boolean {
  const i = lowerBound(list, ord);
  return list[i] === ord;
}

/** Whether the postings hold any ordinal >= firstLive. */
export function hasLive(p: Postings, firstLive: number): boolean {
  return typeof p === 'number' ? p >= firstLive : p.length > 0 && (p[p.length - 1] as number) >= firstLive;
}

/** Cuts the dead prefix off every postings in the map, deleting emptied ones. */
export function sweepPostings<K>(map: Map<K, Postings>, firstLive: number): void {
  for (const [key, p] of map) {
    if (typeof p === 'number') {
      if (p < firstLive) map.delete(key);
      continue;
    }
    if (p.length === 0 || (p[0] as number) >= firstLive) continue;
    const i = lowerBound(p, firstLive);
    if (i >= p.length) map.delete(key);
    else if (i === p.length - 1) map.set(key, p[i] as number);
    else p.splice(0, i);
  }
}

const FNV_OFFSET = 0x811c9dc5;

/** Continues a 32-bit FNV-1a hash over the chars of s. */
function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** 32-bit FNV-1a of a string, as a small integer key. */
export function hash32(s: string): number {
  return fnv(FNV_OFFSET, s) | 0;
}

// Term hashes are map keys: kept to 30 bits so V8 holds them as small integers, not heap numbers.
const SMI = 0x3fffffff;

/** The hash a tag key's term hashes start from (hash it once for both of its terms). */
export function keyHash(key: string): number {
  return fnv(FNV_OFFSET, key);
}

/** Term hash of a bare word (a tag key or an annotation value) from its keyHash. */
export function bareHash(keyHashed: number): number {
  return Math.imul(keyHashed ^ 0x77, 0x01000193) & SMI;
}

/** Term hash of "key=value" from the key's keyHash, without building the string. */
export function pairHash(keyHashed: number, value: string): number {
  return fnv(Math.imul(keyHashed ^ 0x3d, 0x01000193), value) & SMI;
}

/** fnv continued over bytes [start, end) of b: equal to fnv over a string of those chars when all are ASCII. */
export function fnvBytes(h: number, b: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    h ^= b[i] as number;
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** keyHash of an ASCII string given as its bytes. */
export function keyHashBytes(b: Uint8Array, start: number, end: number): number {
  return fnvBytes(FNV_OFFSET, b, start, end);
}

/** pairHash of an ASCII value given as its bytes. */
export function pairHashBytes(keyHashed: number, b: Uint8Array, start: number, end: number): number {
  return fnvBytes(Math.imul(keyHashed ^ 0x3d, 0x01000193), b, start, end) & SMI;
}

/** Hash of "key=value" (value non-empty) or of a bare word. */
export function termHash(key: string, value: string): number {
  const k = keyHash(key);
  return value === '' ? bareHash(k) : pairHash(k, value);
}

/** Chars of a packed span its duplicate-check hash reads: ids, kind, name and times. */
const SPAN_HASH_CHARS = 64;

/**
 * Duplicate-check hash of a packed span: of its start only, which tells almost all spans of a
 * trace apart; spans that agree there are compared whole.
 */
export function spanHash(packed: string): number {
  let h = FNV_OFFSET;
  for (let i = 0, n = Math.min(packed.length, SPAN_HASH_CHARS); i < n; i++) {
    h ^= packed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h & SMI;
}

/** Mixes two 32-bit integers into one (after murmur3's finalizer), for keys made of two parts. */
export function mix32(a: number, b: number): number {
  let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  return Math.imul(h, 0xc2b2ae35);
}

/** Combines a term hash with a service name hash (the term as recorded by that service). */
export function qualifiedHash(term: number, service: number): number {
  return mix32(term, service) & SMI;
}
