// The annotationQuery term index: term hash → ordinals of the traces holding the term. A global
// Map of posting lists cost one lookup in a multi-million-entry map per term per span, which led
// the ingest profile. Here adding a term is two array pushes: pairs collect in an open run, which
// is sealed (radix-sorted by hash, adjacent duplicates dropped) once full. A lookup binary-searches
// every sealed run and scans the open one: a few hundred runs per million spans.

/** Pairs per run. */
const RUN_PAIRS = 1 << 16;
/** Ordinals in a run are kept relative to its smallest, in this many bits. */
const MAX_SPREAD = 2 ** 30;

/** A sealed run: pairs sorted by hash, ordinals as offsets from base (16 bits when they fit, as they nearly always do). */
interface Run {
  hashes: Int32Array;
  offsets: Int32Array | Uint16Array;
  base: number;
  maxOrd: number;
}

/**
 * Sorts parallel arrays by key (non-negative 30-bit integers), stably, in place: LSD radix, two
 * 15-bit passes through the scratch arrays (an even number of passes ends back in keys and values).
 */
function radixSort(keys: Int32Array, values: Int32Array, n: number, scratch: Scratch): void {
  let k: Int32Array = keys, v: Int32Array = values;
  let k2: Int32Array = scratch.keys, v2: Int32Array = scratch.values;
  const count = scratch.count;
  for (let shift = 0; shift < 30; shift += 15) {
    count.fill(0);
    for (let i = 0; i < n; i++) {
      const bucket = ((k[i] as number) >>> shift) & 0x7fff;
      count[bucket] = (count[bucket] as number) + 1;
    }
    let sum = 0;
    for (let b = 0; b < count.length; b++) {
      const c = count[b] as number;
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const key = k[i] as number;
      const bucket = (key >>> shift) & 0x7fff;
      const at = count[bucket] as number;
      count[bucket] = at + 1;
      k2[at] = key;
      v2[at] = v[i] as number;
    }
    [k, k2] = [k2, k];
    [v, v2] = [v2, v];
  }
}

/** Buffers a sort works in, kept across seals (each is as long as a run). */
interface Scratch {
  keys: Int32Array;
  values: Int32Array;
  count: Int32Array;
}

/** Index of the first element of a sorted Int32Array that is >= x. */
function lowerBound32(a: Int32Array, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
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

  /** Sorts the open run by hash, drops duplicate pairs, and keeps it as a sealed run. */
  private seal(): void {
    const n = this.n;
    if (n === 0) return;
    const hashes = this.hashes, offsets = this.offsets;
    radixSort(hashes, offsets, n, (this.scratch ??= { keys: new Int32Array(RUN_PAIRS), values: new Int32Array(RUN_PAIRS), count: new Int32Array(1 << 15) }));
    // Rebase so offsets from base (possibly the ordinal of a later, larger first pair) are >= 0.
    const shift = this.base - this.minOrd;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const h = hashes[i] as number, o = (offsets[i] as number) + shift;
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
      for (let i = lowerBound32(r.hashes, hash); i < r.hashes.length && r.hashes[i] === hash; i++) {
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
