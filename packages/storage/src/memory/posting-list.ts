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

/** 32-bit FNV-1a of a string, as a small integer key. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
