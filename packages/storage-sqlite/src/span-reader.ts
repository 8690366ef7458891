import type { Database, Statement } from 'better-sqlite3';
import type { Span } from '@skein/model';
import { blobToHex, hexToBlob } from './ids.js';
import type { NameTable } from './names.js';
import { decodeSpan } from './span-row.js';
import type { StoredSpan } from './span-row.js';

/** Reads the spans of trace groups (all spans sharing the low 64 bits of a trace id). */
export class SpanReader {
  private readonly spansOf: Statement<[number], StoredSpan>;
  private readonly tidOf: Statement<[Buffer], { tid: number }>;
  private readonly loOf: Statement<[number], { lo: Buffer }>;
  private readonly nameOf: (id: number) => string;

  constructor(db: Database, names: NameTable) {
    this.spansOf = db.prepare('SELECT hi, id, pid, ts, dur, svc, rsvc, name, kf, body FROM spans WHERE tid = ?');
    this.tidOf = db.prepare('SELECT tid FROM traces WHERE lo = ?');
    this.loOf = db.prepare('SELECT lo FROM traces WHERE tid = ?');
    this.nameOf = (id) => names.name(id);
  }

  /** Internal id of the group with these low 64 bits (16 hex chars), if stored. */
  tid(lo: string): number | undefined {
    return this.tidOf.get(hexToBlob(lo))?.tid;
  }

  /** Every span of a group; lo (hex) is looked up when not given. */
  groupSpans(tid: number, lo?: string): Span[] {
    const low = lo ?? blobToHex(this.loOf.get(tid)?.lo ?? Buffer.alloc(8));
    const rows = this.spansOf.all(tid);
    const out: Span[] = new Array<Span>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = decodeSpan(rows[i] as StoredSpan, low, this.nameOf);
    return out;
  }
}
