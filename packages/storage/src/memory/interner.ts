/**
 * Interns repeated strings as small numbers so stored spans stay compact. A string is interned on
 * its second sighting (values seen once, like unique URLs, stay inline), and never beyond `cap`
 * entries, so high-cardinality data cannot grow the table without bound. Interned ids start at 1.
 */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [''];
  private seenOnce = new Set<string>();

  constructor(private readonly cap: number, private readonly maxLength = 200) {}

  /** The id of s when interned, else s itself. */
  intern(s: string): number | string {
    const id = this.ids.get(s);
    if (id !== undefined) return id;
    if (this.values.length > this.cap || s.length > this.maxLength) return s;
    if (!this.seenOnce.has(s)) {
      if (this.seenOnce.size >= 65_536) this.seenOnce = new Set();
      this.seenOnce.add(s);
      return s;
    }
    this.seenOnce.delete(s);
    const next = this.values.length;
    this.values.push(s);
    this.ids.set(s, next);
    return next;
  }

  /** The string for an id returned by intern() (or the inline string itself). */
  resolve(v: number | string): string {
    return typeof v === 'string' ? v : (this.values[v] as string);
  }

  /** Number of interned strings. */
  get size(): number {
    return this.values.length - 1;
  }
}
