// The memory store's duplicate check for recent traces: a span's packed-string hash, paired with
// its trace's ordinal, in a fixed table instead of a set per trace. A set per trace cost an
// allocation per trace, its growth, and a walk to bound them; in a table a new span costs one
// hash and a probe or two. The table keeps two generations: when the newer one fills, the older
// is cleared and takes the newer's place. A trace whose first span is older than the older
// generation may have spans the table lost, so the store checks it another way (see covers).

/** Hashes of the most recently stored spans, each with its trace's ordinal. */
export class RecentSpans {
  private newer: Int32Array;
  private older: Int32Array;
  private readonly shift: number;
  private readonly perGeneration: number;
  private inNewer = 0;
  /** Spans added in all, and the count when each generation began. */
  private added = 0;
  private olderFrom = 0;
  private newerFrom = 0;

  /** Keeps at least `spans` of the newest spans: each generation takes that many, rounded up to a power of two (at least 4). */
  constructor(spans: number) {
    this.perGeneration = 2 ** Math.max(2, Math.ceil(Math.log2(Math.max(1, spans))));
    const slots = this.perGeneration * 2; // a generation is at most half full
    this.shift = 32 - Math.log2(slots);
    this.newer = new Int32Array(slots);
    this.older = new Int32Array(slots);
  }

  /** The number the next span added will have. */
  get next(): number {
    return this.added;
  }

  /** Whether the table still holds every span added since span number `from`. */
  covers(from: number): boolean {
    return from >= this.olderFrom;
  }

  /**
   * Records a span with this hash for the trace with this ordinal, whose first span was number
   * `since`; true (recording nothing) when one with the same key is there already: the same span,
   * or rarely another whose key collides. The older generation is searched only for a trace that
   * began before the newer one did.
   */
  addSeen(hash: number, ord: number, since: number): boolean {
    const key = RecentSpans.key(hash, ord);
    const table = this.newer;
    const mask = table.length - 1;
    let s = key >>> this.shift;
    for (let k = table[s] as number; k !== 0; k = table[s] as number) {
      if (k === key) return true;
      s = (s + 1) & mask;
    }
    if (since < this.newerFrom && this.find(this.older, key)) return true;
    table[s] = key;
    this.added++;
    if (++this.inNewer === this.perGeneration) {
      const cleared = this.older.fill(0);
      this.older = this.newer;
      this.newer = cleared;
      this.olderFrom = this.newerFrom;
      this.newerFrom = this.added;
      this.inNewer = 0;
    }
    return false;
  }

  /** Forgets everything. */
  clear(): void {
    this.newer.fill(0);
    this.older.fill(0);
    this.inNewer = 0;
    this.olderFrom = this.newerFrom = this.added;
  }

  private find(table: Int32Array, key: number): boolean {
    for (let s = key >>> this.shift; ; s = (s + 1) & (table.length - 1)) {
      const k = table[s] as number;
      if (k === key) return true;
      if (k === 0) return false;
    }
  }

  /** A non-zero 32-bit key of (hash, ordinal); keys that collide only cost a comparison of spans. */
  private static key(hash: number, ord: number): number {
    let h = Math.imul(hash ^ Math.imul(ord, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    return h | 1;
  }
}
