import { mix32 } from './posting-list.js';
import type { TraceEntry } from './trace-entry.js';

// Traces by the low 64 bits of their id. A Map keyed by id strings cost about a microsecond per
// lookup once it held hundreds of thousands of traces (a fresh key string hashed, then cache
// misses through the table), and led the store's profile. Here a slot is four int32s in one
// typed array: the id's two 32-bit halves, the trace's ordinal (its low 32 bits) and a used
// mark; a lookup compares ints in place and reads the trace only on a match.

/** The value of the 8 hex digits of s from start (ids are lower hex; other chars, or none, give some value: lookups compare the ids themselves). */
export function hexWord(s: string, start: number): number {
  let v = 0;
  for (let i = start; i < start + 8; i++) {
    const c = s.charCodeAt(i);
    v = (v << 4) | ((c <= 0x39 ? c - 0x30 : c - 0x57) & 0xf);
  }
  return v;
}

/** Where the low 64 bits of a normalized trace id begin (a 16-char id is all of them). */
function keyStart(traceId: string): number {
  return traceId.length === 32 ? 16 : 0;
}

/** Whether two trace ids have the same low 64 bits (for ids of other lengths, whether they are equal). */
function sameKey(a: string, b: string): boolean {
  const i = keyStart(a), j = keyStart(b), n = a.length - i;
  if (b.length - j !== n) return false;
  for (let k = n - 1; k >= 0; k--) if (a.charCodeAt(i + k) !== b.charCodeAt(j + k)) return false;
  return true;
}

const USED = 1;

/** Traces by the low 64 bits of their id (as lowTraceId keys them). */
export class TraceTable {
  private slots = new Int32Array(4 * 1024);
  private mask = 1023;
  /** Traces held. */
  size = 0;

  constructor(
    /** The trace with this ordinal, if still stored. */
    private readonly entry: (ord: number) => TraceEntry | undefined,
    /** One past the newest ordinal (ordinals are kept as their low 32 bits, rebuilt from it). */
    private readonly nextOrd: () => number,
  ) {}

  /** The trace whose id has the low 64 bits of traceId's, or undefined. */
  get(traceId: string): TraceEntry | undefined {
    const at = keyStart(traceId);
    const hi = hexWord(traceId, at), lo = hexWord(traceId, at + 8);
    const s = this.slots;
    for (let i = hash(hi, lo) & this.mask; s[i * 4 + 3] === USED; i = (i + 1) & this.mask) {
      if (s[i * 4] !== hi || s[i * 4 + 1] !== lo) continue;
      const e = this.entry(this.ord(s[i * 4 + 2] as number));
      if (e !== undefined && sameKey(e.traceId, traceId)) return e;
    }
    return undefined;
  }

  /** Adds a trace (its id's low 64 bits must not be held yet). */
  add(e: TraceEntry): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.resize((this.mask + 1) * 2);
    const at = keyStart(e.traceId);
    this.place(hexWord(e.traceId, at), hexWord(e.traceId, at + 8), e.ord);
    this.size++;
  }

  /** Removes a trace. */
  delete(e: TraceEntry): void {
    const at = keyStart(e.traceId);
    const hi = hexWord(e.traceId, at), lo = hexWord(e.traceId, at + 8), ord = e.ord | 0;
    const s = this.slots, mask = this.mask;
    let i = hash(hi, lo) & mask;
    while (s[i * 4 + 3] === USED && !(s[i * 4] === hi && s[i * 4 + 1] === lo && s[i * 4 + 2] === ord)) i = (i + 1) & mask;
    if (s[i * 4 + 3] !== USED) return;
    // Backward-shift deletion: later slots of the probe run move up, so no tombstones build up.
    for (let j = (i + 1) & mask; s[j * 4 + 3] === USED; j = (j + 1) & mask) {
      const home = hash(s[j * 4] as number, s[j * 4 + 1] as number) & mask;
      // Slot j may fill the hole at i when its home is not in the cyclic range (i, j].
      if (i <= j ? home > i && home <= j : home > i || home <= j) continue;
      s.copyWithin(i * 4, j * 4, j * 4 + 4);
      i = j;
    }
    s.fill(0, i * 4, i * 4 + 4);
    this.size--;
  }

  /** Drops every trace. */
  clear(): void {
    this.slots = new Int32Array(4 * 1024);
    this.mask = 1023;
    this.size = 0;
  }

  private place(hi: number, lo: number, ord: number): void {
    const s = this.slots, mask = this.mask;
    let i = hash(hi, lo) & mask;
    while (s[i * 4 + 3] === USED) i = (i + 1) & mask;
    s[i * 4] = hi;
    s[i * 4 + 1] = lo;
    s[i * 4 + 2] = ord | 0;
    s[i * 4 + 3] = USED;
  }

  private resize(slots: number): void {
    const old = this.slots;
    this.slots = new Int32Array(slots * 4);
    this.mask = slots - 1;
    for (let i = 0; i < old.length; i += 4) {
      if (old[i + 3] === USED) this.place(old[i] as number, old[i + 1] as number, old[i + 2] as number);
    }
  }

  /** The ordinal whose low 32 bits are stored (live ordinals lie within 2^32 below nextOrd). */
  private ord(stored: number): number {
    const next = this.nextOrd();
    return next - (((next >>> 0) - (stored >>> 0)) >>> 0);
  }
}

/** Mixes an id's halves into a slot index (ids are random, but tests and tools use sequences). */
function hash(hi: number, lo: number): number {
  const h = mix32(lo, hi);
  return h ^ (h >>> 16);
}
