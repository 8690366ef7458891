import type { Database, Statement } from 'better-sqlite3';

/** Interns service names, span names and the like into small integer ids, cached both ways. */
export class NameTable {
  private readonly ids = new Map<string, number>();
  private readonly strings = new Map<number, string>();
  private readonly select: Statement<[string], { id: number }>;
  private readonly insert: Statement<[string]>;
  private readonly byId: Statement<[number], { s: string }>;

  constructor(db: Database) {
    this.select = db.prepare('SELECT id FROM names WHERE s = ?');
    this.insert = db.prepare('INSERT INTO names (s) VALUES (?)');
    this.byId = db.prepare('SELECT s FROM names WHERE id = ?');
  }

  /** The id of s, adding it when new (call inside the write transaction). */
  intern(s: string): number {
    let id = this.ids.get(s);
    if (id !== undefined) return id;
    const row = this.select.get(s);
    id = row !== undefined ? row.id : Number(this.insert.run(s).lastInsertRowid);
    this.ids.set(s, id);
    this.strings.set(id, s);
    return id;
  }

  /** The id of s, or undefined when no span ever used it (for queries: nothing can match). */
  find(s: string): number | undefined {
    const id = this.ids.get(s);
    if (id !== undefined) return id;
    const row = this.select.get(s);
    return row?.id;
  }

  /** The string of an id. */
  name(id: number): string {
    let s = this.strings.get(id);
    if (s !== undefined) return s;
    const row = this.byId.get(id);
    if (row === undefined) throw new Error(`SQLite store is inconsistent: name id ${id} is unknown`);
    s = row.s;
    this.strings.set(id, s);
    return s;
  }

  /** Forgets cached ids (after a rolled-back transaction, ids it added no longer exist). */
  reset(): void {
    this.ids.clear();
    this.strings.clear();
  }
}
