// The store indexes annotationQuery terms per trace, not per span, and spans of one trace
// mostly come together and share most terms (a service's tags, its kind's annotations). So a
// batch gives each term once per run of consecutive spans of one trace: fewer pairs for the
// store's thread to index, and to sort and de-duplicate later.

/** Slots of the table: a run keeps at most half as many distinct terms; past that, repeats stay. */
const SLOTS = 1 << 10;
const MAX_DISTINCT = SLOTS >> 1;

/** The distinct term hashes of the current run of one trace's spans. */
export class RunTerms {
  private readonly hashes = new Int32Array(SLOTS);
  /** The run a slot was filled in (so a new run needs no clearing). */
  private readonly runs = new Int32Array(SLOTS);
  private run = 1;
  private distinct = 0;

  /** Starts a new run. */
  reset(): void {
    if (++this.run === 0x7fffffff) {
      this.runs.fill(0);
      this.run = 1;
    }
    this.distinct = 0;
  }

  /** Compacts terms[from, to) in place to the terms not yet seen in this run; returns the new end. */
  dropRepeats(terms: Int32Array, from: number, to: number): number {
    const hashes = this.hashes, runs = this.runs, run = this.run;
    let w = from;
    for (let i = from; i < to; i++) {
      const h = terms[i] as number;
      if (this.distinct < MAX_DISTINCT) {
        let s = Math.imul(h, 0x9e3779b1) >>> 22; // the top 10 bits
        while (runs[s] === run && hashes[s] !== h) s = (s + 1) & (SLOTS - 1);
        if (runs[s] === run) continue;
        runs[s] = run;
        hashes[s] = h;
        this.distinct++;
      }
      terms[w++] = h;
    }
    return w;
  }
}
