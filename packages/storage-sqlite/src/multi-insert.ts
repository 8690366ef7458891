import type { Database, Statement } from 'better-sqlite3';

/** Largest number of rows one INSERT statement carries. */
const MAX_ROWS = 64;

/**
 * Inserts many rows with few statements (one VALUES list of up to 64 rows each): crossing from
 * JavaScript into SQLite once per row dominated the cost of ingest.
 */
export class MultiInsert {
  private readonly statements: (Statement<unknown[]> | undefined)[] = [];
  private readonly tuple: string;

  /** head is e.g. "INSERT OR IGNORE INTO tags (tid, h, svc)"; columns is the number of values per row. */
  constructor(private readonly db: Database, private readonly head: string, private readonly columns: number) {
    this.tuple = `(${new Array<string>(columns).fill('?').join(',')})`;
  }

  private statement(rows: number): Statement<unknown[]> {
    let s = this.statements[rows];
    if (s === undefined) {
      s = this.db.prepare(`${this.head} VALUES ${new Array<string>(rows).fill(this.tuple).join(',')}`);
      this.statements[rows] = s;
    }
    return s;
  }

  /** Inserts the rows whose values are laid out one after another in values; returns rows changed. */
  run(values: readonly unknown[]): number {
    const rows = values.length / this.columns;
    let changes = 0;
    for (let start = 0; start < rows; start += MAX_ROWS) {
      const n = Math.min(MAX_ROWS, rows - start);
      const part = start === 0 && n === rows ? values : values.slice(start * this.columns, (start + n) * this.columns);
      changes += this.statement(n).run(...part).changes;
    }
    return changes;
  }
}
