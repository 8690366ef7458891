import { fnvBytes } from './posting-list.js';

/** The hash ByteCache keys are looked up by. */
export function byteHash(b: Uint8Array, start: number, end: number, seed = 0): number {
  return fnvBytes(0x811c9dc5 ^ seed, b, start, end);
}

/**
 * Maps byte strings (with a numeric tag, e.g. the tag key a value belongs to) to values without
 * making a JS string of them: an open-addressing table of hashes over a byte arena. It stops
 * taking entries at `cap`; lookups go on working.
 */
export class ByteCache<V> {
  private slots = new Int32Array(1024);
  private hashes: number[] = [];
  private tags: number[] = [];
  private starts: number[] = [];
  private ends: number[] = [];
  private arena = new Uint8Array(16_384);
  private used = 0;
  private readonly values: V[] = [];

  constructor(private readonly cap = 100_000, private readonly maxBytes = 512) {}

  /** The value stored for bytes [start, end) of b under tag, or undefined. h is byteHash of them. */
  get(b: Uint8Array, start: number, end: number, h: number, tag = 0): V | undefined {
    const mask = this.slots.length - 1;
    const len = end - start;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = (this.slots[s] as number) - 1;
      if (e < 0) return undefined;
      if (this.hashes[e] !== h || this.tags[e] !== tag) continue;
      const from = this.starts[e] as number;
      if ((this.ends[e] as number) - from !== len) continue;
      let i = 0;
      while (i < len && this.arena[from + i] === b[start + i]) i++;
      if (i === len) return this.values[e];
    }
  }

  /** Stores a value for bytes [start, end) of b under tag (not yet present; see get); false when full or too long. */
  set(b: Uint8Array, start: number, end: number, h: number, tag: number, value: V): boolean {
    const len = end - start;
    if (this.values.length >= this.cap || len > this.maxBytes) return false;
    if (this.used + len > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      bigger.set(this.arena.subarray(0, this.used));
      this.arena = bigger;
    }
    this.arena.set(b.subarray(start, end), this.used);
    const e = this.values.length;
    this.hashes.push(h);
    this.tags.push(tag);
    this.starts.push(this.used);
    this.ends.push(this.used + len);
    this.values.push(value);
    this.used += len;
    if ((e + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(e);
    return true;
  }

  private place(e: number): void {
    const mask = this.slots.length - 1;
    let s = (this.hashes[e] as number) & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = e + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let e = 0; e < this.values.length; e++) this.place(e);
  }
}
