import type { Database, Statement } from 'better-sqlite3';
import type { SpanWriter } from './writer.js';

/**
 * Deletes whole trace groups that started before a cutoff, oldest first, a small batch per
 * transaction so ingest transactions run in between.
 */
export class Retention {
  private readonly oldest: Statement<[number, number], { tid: number; ts: number | null; links: string | null; lbucket: number | null; svcs: string | null }>;
  private readonly deleteBatch: (cutoffMicros: number, max: number) => number;

  constructor(db: Database, writer: SpanWriter) {
    this.oldest = db.prepare('SELECT tid, ts, links, lbucket, svcs FROM traces INDEXED BY traces_ts WHERE ts < ? ORDER BY ts LIMIT ?');
    const delSpans = db.prepare('DELETE FROM spans WHERE tid = ?');
    const delTags = db.prepare('DELETE FROM tags WHERE tid = ?');
    const delTrace = db.prepare('DELETE FROM traces WHERE tid = ?');
    this.deleteBatch = db.transaction((cutoff: number, max: number) => {
      const rows = this.oldest.all(cutoff, max);
      for (const r of rows) {
        writer.addLinks(r.lbucket, r.links, -1);
        writer.unindexServices(r.tid, r.ts, r.svcs);
        delSpans.run(r.tid);
        delTags.run(r.tid);
        delTrace.run(r.tid);
      }
      writer.flushLinks();
      return rows.length;
    });
  }

  /** Deletes up to max trace groups older than cutoff (epoch µs); returns how many. */
  deleteOlderThan(cutoffMicros: number, max: number): number {
    return this.deleteBatch(cutoffMicros, max);
  }
}
