// The annotationQuery term index: term hash → ordinals of the traces holding the term. A global
// Map of posting lists cost one lookup in a multi-million-entry map per term per span, which led
// the ingest profile. Here adding a term is two array pushes: pairs collect in an open run, which
// is sealed (grouped by the hash's high bits, adjacent duplicates dropped) once full. A lookup
// binary-searches every sealed run for its bucket and scans the open one: a few hundred runs per
// million spans.

/** Pairs per run. */
const RUN_PAIRS = 1 << 16;
/** Ordinals in a run are kept relative to its smallest, in this many bits. */
const MAX_SPREAD = 2 ** 30;

/** A sealed run: pairs sorted by bucket (see bucketSort), ordinals as offsets from base (16 bits when they fit, as they nearly always do). */
interface Run {
  hashes: Int32Array;
  offsets: Int32Array | Uint16Array;
  base: number;
  maxOrd: number;
}

/** Bits of a term hash (30 in all) that pick its bucket: the high 15. */
const BUCKET_SHIFT = 15;

/**
 * Groups parallel arrays by bucket (a key's high 15 bits), stably, into the scratch arrays: one
 * counting pass and one scatter. Within a bucket pairs stay in the order they were added, so a
 * lookup scans its hash's bucket, a handful of pairs; a second pass to sort by the low bits as
 * well cost as much again and left lookups no faster.
 */
function bucketSort(keys: Int32Array, values: Int32Array, n: number, scratch: Scratch): void {
  const count = scratch.count, k2 = scratch.keys, v2 = scratch.values;
  count.fill(0);
  for (let i = 0; i < n; i++) {
    const bucket = (keys[i] as number) >>> BUCKET_SHIFT;
    count[bucket] = (count[bucket] as number) + 1;
  }
  let sum = 0;
  for (let b = 0; b < count.length; b++) {
    const c = count[b] as number;
    count[b] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const key = keys[i] as number;
    const bucket = key >>> BUCKET_SHIFT;
    const at = count[bucket] as number;
    count[bucket] = at + 1;
    k2[at] = key;
    v2[at] = values[i] as number;
  }
}

/** Buffers a sort works in, kept across seals (each is as long as a run). */
interface Scratch {
  keys: Int32Array;
  values: Int32Array;
  count: Int32Array;
}

/** Index of the first hash of a bucket-sorted Int32Array whose bucket is >= bucket. */
function bucketStart(a: Int32Array, bucket: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) >>> BUCKET_SHIFT < bucket) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Term hash (a non-negative 30-bit integer) → ordinals of traces holding the term. */
export class TermIndex {
  private runs: Run[] = [];
  private hashes = new Int32Array(RUN_PAIRS);
  private offsets = new Int32Array(RUN_PAIRS);
  private n = 0;
  private scratch: Scratch | undefined;
  private base = 0;
  private minOrd = 0;
  private maxOrd = 0;

  /** Records that the trace with this ordinal holds the term. */
  add(hash: number, ord: number): void {
    // A late span of a very old trace could stretch the run past what offsets hold: seal first.
    if (this.n > 0 && Math.max(ord, this.maxOrd) - Math.min(ord, this.minOrd) >= MAX_SPREAD) this.seal();
    if (this.n === 0) {
      this.base = this.minOrd = this.maxOrd = ord;
    } else if (ord < this.minOrd) {
      this.minOrd = ord;
    } else if (ord > this.maxOrd) {
      this.maxOrd = ord;
    }
    this.push(hash, ord);
  }

  private push(hash: number, ord: number): void {
    const i = this.n;
    // The same term of consecutive spans of one trace: the commonest duplicate, dropped at once.
    if (i > 0 && this.hashes[i - 1] === hash && this.offsets[i - 1] === ord - this.base) return;
    this.hashes[i] = hash;
    this.offsets[i] = ord - this.base;
    this.n = i + 1;
    if (this.n === RUN_PAIRS) this.seal();
  }

  /** Groups the open run by bucket, drops repeated pairs, and keeps it as a sealed run. */
  private seal(): void {
    const n = this.n;
    if (n === 0) return;
    const hashes = this.hashes, offsets = this.offsets;
    const scratch = (this.scratch ??= { keys: new Int32Array(RUN_PAIRS), values: new Int32Array(RUN_PAIRS), count: new Int32Array(1 << (30 - BUCKET_SHIFT)) });
    bucketSort(hashes, offsets, n, scratch);
    // Back into the open run's arrays, rebased so offsets from base (possibly the ordinal of a
    // later, larger first pair) are >= 0, without a pair equal to the one before it (the same
    // term of spans of one trace, which arrive together).
    const sortedHashes = scratch.keys, sortedOffsets = scratch.values;
    const shift = this.base - this.minOrd;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const h = sortedHashes[i] as number, o = (sortedOffsets[i] as number) + shift;
      if (m > 0 && hashes[m - 1] === h && offsets[m - 1] === o) continue;
      hashes[m] = h;
      offsets[m] = o;
      m++;
    }
    const kept = this.maxOrd - this.minOrd < 0x10000 ? new Uint16Array(m) : new Int32Array(m);
    kept.set(offsets.subarray(0, m));
    this.runs.push({ hashes: hashes.slice(0, m), offsets: kept, base: this.minOrd, maxOrd: this.maxOrd });
    this.n = 0; // the open run's arrays are reused: only [0, n) is ever read
  }

  /** Ascending ordinals >= firstLive of traces holding the term, or undefined when none. */
  get(hash: number, firstLive: number): number[] | undefined {
    const out: number[] = [];
    for (const r of this.runs) {
      if (r.maxOrd < firstLive) continue;
      const bucket = hash >>> BUCKET_SHIFT, hashes = r.hashes;
      for (let i = bucketStart(hashes, bucket); i < hashes.length && (hashes[i] as number) >>> BUCKET_SHIFT === bucket; i++) {
        if (hashes[i] !== hash) continue;
        const ord = r.base + (r.offsets[i] as number);
        if (ord >= firstLive) out.push(ord);
      }
    }
    for (let i = 0; i < this.n; i++) {
      if (this.hashes[i] !== hash) continue;
      const ord = this.base + (this.offsets[i] as number);
      if (ord >= firstLive) out.push(ord);
    }
    if (out.length === 0) return undefined;
    out.sort((a, b) => a - b);
    let m = 1;
    for (let i = 1; i < out.length; i++) if (out[i] !== out[m - 1]) out[m++] = out[i] as number;
    out.length = m;
    return out;
  }

  /** Drops sealed runs holding only ordinals below firstLive (evicted traces). */
  drop(firstLive: number): void {
    if (this.runs.some((r) => r.maxOrd < firstLive)) this.runs = this.runs.filter((r) => r.maxOrd >= firstLive);
  }

  /** Pairs kept (sealed and open), for tests and sizing. */
  get size(): number {
    return this.runs.reduce((s, r) => s + r.hashes.length, this.n);
  }

  /** Drops everything. */
  clear(): void {
    this.runs = [];
    this.n = 0;
  }
}
