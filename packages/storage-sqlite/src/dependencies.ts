import type { Database, Statement } from 'better-sqlite3';
import { mergeDependencyLinks } from '@skein/model';
import type { DependencyLink } from '@skein/model';
import { HOUR_US, parseLinks } from './links.js';
import type { NameTable } from './names.js';

/**
 * getDependencies for traces starting in [endTs - lookback, endTs]: whole hours inside the window
 * come from the dep_hours aggregate; the partial hours at either edge are summed from the links
 * stored on each trace in them (found through the traces_ts index).
 */
export class DependencyReader {
  private readonly hours: Statement<[number, number], { parent: number; child: number; calls: number; errors: number }>;
  private readonly edge: Statement<[number, number], { links: string }>;

  constructor(db: Database, private readonly names: NameTable) {
    this.hours = db.prepare(
      `SELECT parent, child, sum(calls) AS calls, sum(errors) AS errors FROM dep_hours
       WHERE hour BETWEEN ? AND ? GROUP BY parent, child`,
    );
    this.edge = db.prepare('SELECT links FROM traces INDEXED BY traces_ts WHERE ts BETWEEN ? AND ? AND links IS NOT NULL');
  }

  run(endTs: number, lookback: number): DependencyLink[] {
    const start = (endTs - lookback) * 1000;
    const end = endTs * 1000;
    if (end < start) return [];
    const firstHour = Math.ceil(start / HOUR_US);
    const lastHour = Math.floor((end + 1) / HOUR_US) - 1; // last hour whose every µs is <= end
    const raw: DependencyLink[] = [];
    const add = (p: number, c: number, calls: number, errors: number): void => {
      if (calls <= 0) return;
      const link: DependencyLink = { parent: this.names.name(p), child: this.names.name(c), callCount: calls };
      if (errors > 0) link.errorCount = errors;
      raw.push(link);
    };
    const edges: [number, number][] = [];
    if (firstHour <= lastHour) {
      for (const r of this.hours.iterate(firstHour, lastHour)) add(r.parent, r.child, r.calls, r.errors);
      if (start < firstHour * HOUR_US) edges.push([start, firstHour * HOUR_US - 1]);
      if ((lastHour + 1) * HOUR_US <= end) edges.push([(lastHour + 1) * HOUR_US, end]);
    } else {
      edges.push([start, end]);
    }
    for (const [from, to] of edges) {
      for (const { links } of this.edge.iterate(from, to)) {
        for (const [p, c, calls, errors] of parseLinks(links)) add(p, c, calls, errors);
      }
    }
    return mergeDependencyLinks(raw);
  }
}
