/**
 * Interns repeated strings as small numbers so stored spans stay compact. A string is interned
 * the first time it is seen, until the table holds `cap` strings; after that new strings stay
 * inline. So a given string always packs the same way (equal spans pack to equal strings, which
 * makes duplicate checks a string comparison), and high-cardinality data cannot grow the table
 * without bound. Interned ids start at 1.
 */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [''];

  constructor(private readonly cap: number, private readonly maxLength = 200) {}

  /** The id of s when interned, else s itself. */
  intern(s: string): number | string {
    const id = this.ids.get(s);
    if (id !== undefined) return id;
    if (this.values.length > this.cap || s.length > this.maxLength) return s;
    const next = this.values.length;
    this.values.push(s);
    this.ids.set(s, next);
    return next;
  }

  /** The string for an id returned by intern() (or the inline string itself). */
  resolve(v: number | string): string {
    return typeof v === 'string' ? v : (this.values[v] as string);
  }

  /** The strings interned after the first `size` (a replica holding `size` catches up with them). */
  since(size: number): string[] {
    return this.values.slice(size + 1);
  }

  /** Interns strings in order, as the table this replicates did (see since()). */
  append(strings: readonly string[]): void {
    for (const s of strings) {
      this.ids.set(s, this.values.length);
      this.values.push(s);
    }
  }

  /** True once it interns no more strings. */
  get full(): boolean {
    return this.values.length > this.cap;
  }

  /** Number of interned strings. */
  get size(): number {
    return this.values.length - 1;
  }
}
