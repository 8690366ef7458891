import type { Database, Statement } from 'better-sqlite3';
import type { DependencyLink } from '@skein/model';
import { LEVEL_US, parseLinks } from './links.js';
import type { NameTable } from './names.js';

type Range = [number, number];

/**
 * getDependencies for traces starting in [endTs - lookback, endTs]: whole hours inside the window
 * come from level 1 of dep_buckets, whole 10-minute buckets in the rest from level 0, and the
 * partial buckets at either edge from the links stored on each trace in them (traces_ts index).
 */
export class DependencyReader {
  private readonly buckets: Statement<[number, number, number], { parent: number; child: number; calls: number; errors: number }>;
  private readonly edge: Statement<[number, number], { links: string }>;

  constructor(db: Database, private readonly names: NameTable) {
    this.buckets = db.prepare(
      `SELECT parent, child, sum(calls) AS calls, sum(errors) AS errors FROM dep_buckets
       WHERE level = ? AND bucket BETWEEN ? AND ? GROUP BY parent, child`,
    );
    this.edge = db.prepare('SELECT links FROM traces INDEXED BY traces_ts WHERE ts BETWEEN ? AND ? AND links IS NOT NULL');
  }

  run(endTs: number, lookback: number): DependencyLink[] {
    const start = (endTs - lookback) * 1000;
    const end = endTs * 1000;
    if (end < start) return [];
    const sums = new Map<string, [number, number, number, number]>();
    const add = (p: number, c: number, calls: number, errors: number): void => {
      const key = `${p},${c}`;
      const s = sums.get(key);
      if (s === undefined) sums.set(key, [p, c, calls, errors]);
      else {
        s[2] += calls;
        s[3] += errors;
      }
    };
    // Coarsest level first; what a level cannot cover whole is left for the next finer one.
    let rest: Range[] = [[start, end]];
    for (let level = LEVEL_US.length - 1; level >= 0; level--) {
      const size = LEVEL_US[level] as number;
      const next: Range[] = [];
      for (const [a, b] of rest) {
        const first = Math.ceil(a / size);
        const last = Math.floor((b + 1) / size) - 1; // the last bucket whose every µs is <= b
        if (first > last) {
          next.push([a, b]);
          continue;
        }
        for (const r of this.buckets.iterate(level, first, last)) add(r.parent, r.child, r.calls, r.errors);
        if (a < first * size) next.push([a, first * size - 1]);
        if ((last + 1) * size <= b) next.push([(last + 1) * size, b]);
      }
      rest = next;
    }
    for (const [from, to] of rest) {
      for (const { links } of this.edge.iterate(from, to)) {
        for (const [p, c, calls, errors] of parseLinks(links)) add(p, c, calls, errors);
      }
    }
    const out: DependencyLink[] = [];
    for (const [p, c, calls, errors] of sums.values()) {
      if (calls <= 0) continue;
      const link: DependencyLink = { parent: this.names.name(p), child: this.names.name(c), callCount: calls };
      if (errors > 0) link.errorCount = errors;
      out.push(link);
    }
    return out;
  }
}
