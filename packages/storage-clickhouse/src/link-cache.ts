import { mergeDependencyLinks } from '@skein/model';
import type { DependencyLink } from '@skein/model';
import type { ChConnection } from './ch-client.js';
import { LINK_SELECT, linkRows } from './dependencies.js';
import type { Tables } from './schema.js';
import { TRACE_TS } from './search.js';
import { int } from './sql.js';

// 5-minute buckets: a window's edges cut two, recomputed on every call; whole ones are kept.
// (Finer buckets cut less at the edges but leave more link lists to merge.)
const BUCKET_US = 300_000_000;
const MAX_BUCKETS = 12 * 24 * 31;

interface Entry {
  stamp: string;
  links: DependencyLink[];
}

/**
 * Dependency links by 5-minute bucket of trace start. The links of a whole bucket inside the window
 * are kept with a stamp of that bucket's traces (their count, their rows in the trace-range table, the sum of
 * their latest span times): any span arriving for one of them adds a row, so a changed stamp, as
 * after retention, recomputes the bucket. Buckets cut by the window's edges are always computed.
 */
export class LinkCache {
  private readonly buckets = new Map<number, Entry>();

  constructor(private readonly conn: ChConnection, private readonly t: Tables) {}

  /** Links of traces (by low 64 bits, as Zipkin) starting in [begin, end] microseconds. */
  async links(begin: number, end: number): Promise<DependencyLink[]> {
    const b = int(begin), e = int(end);
    // Traces starting in [begin, end]; `within` ([from, to] ranges) narrows the candidates read.
    const traces = (table: string, within: [number, number][] = [[begin, end]]): string => {
      const near = within.map(([from, to]) => `(root_ts >= ${int(from)} AND root_ts <= ${int(to)}) OR (min_ts >= ${int(from)} AND min_ts <= ${int(to)})`);
      return `SELECT trace_lo, ${TRACE_TS} AS tts, count() AS n, max(max_ts) AS mx, min(day) AS d0, max(max_day) AS d1
        FROM ${table}
        WHERE trace_lo IN (SELECT trace_lo FROM ${this.t.tracesLocal} WHERE ${near.join(' OR ')})
        GROUP BY trace_lo HAVING tts >= ${b} AND tts <= ${e} AND tts > 0`;
    };
    const stamps = await this.conn.rows<{ h: string; s: string; d0: number; d1: number }>(
      `SELECT intDiv(tts, ${BUCKET_US}) AS h, concat(toString(count()), '/', toString(sum(n)), '/', toString(sum(mx))) AS s,
        min(d0) AS d0, max(d1) AS d1
       FROM (${traces(this.t.traces)}) GROUP BY h`, 'computing dependencies',
    );
    const whole = (h: number): boolean => h * BUCKET_US >= begin && (h + 1) * BUCKET_US - 1 <= end;
    const parts: DependencyLink[] = [];
    const todo: { h: number; stamp: string; d0: number; d1: number }[] = [];
    for (const r of stamps) {
      const h = Number(r.h);
      const cached = this.buckets.get(h);
      if (whole(h) && cached !== undefined && cached.stamp === r.s) parts.push(...cached.links);
      else todo.push({ h, stamp: r.s, d0: Number(r.d0), d1: Number(r.d1) });
    }
    if (todo.length > 0) {
      const d0 = Math.min(...todo.map((x) => x.d0)), d1 = Math.max(...todo.map((x) => x.d1));
      const hours = todo.map((x) => int(x.h)).join(', ');
      const ranges: [number, number][] = [];
      for (const h of todo.map((x) => x.h).sort((x, y) => x - y)) {
        const last = ranges[ranges.length - 1];
        const from = Math.max(begin, h * BUCKET_US), to = Math.min(end, (h + 1) * BUCKET_US - 1);
        if (last !== undefined && last[1] + 1 >= from) last[1] = to;
        else ranges.push([from, to]);
      }
      const wanted = `SELECT trace_lo, intDiv(tts, ${BUCKET_US}) AS h FROM (${traces(this.t.tracesLocal, ranges)}) WHERE h IN (${hours})`;
      // The IN prunes the spans read; the JOIN labels each span with its trace's bucket.
      const tsv = await this.conn.text(
        `SELECT ${LINK_SELECT}, h FROM ${this.t.spans} ANY INNER JOIN (${wanted}) USING trace_lo
         PREWHERE trace_lo IN (SELECT trace_lo FROM (${wanted})) WHERE day >= ${int(d0)} AND day <= ${int(d1)}`,
        'computing dependencies',
      );
      const byBucket = new Map<number, string[]>();
      for (const line of tsv.split('\n')) {
        if (line === '') continue;
        const tab = line.lastIndexOf('\t');
        const h = Number(line.slice(tab + 1));
        const g = byBucket.get(h);
        if (g === undefined) byBucket.set(h, [line.slice(0, tab)]);
        else g.push(line.slice(0, tab));
      }
      for (const { h, stamp } of todo) {
        const links = linkRows((byBucket.get(h) ?? []).join('\n'));
        if (whole(h)) this.remember(h, { stamp, links });
        parts.push(...links);
      }
    }
    return mergeDependencyLinks(parts);
  }

  private remember(h: number, entry: Entry): void {
    this.buckets.delete(h);
    this.buckets.set(h, entry);
    while (this.buckets.size > MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value as number);
  }
}
