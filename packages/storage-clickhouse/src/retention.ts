import type { ChConnection } from './ch-client.js';
import type { Layout } from './schema.js';
import { ident, int, str } from './sql.js';

/** Drops whole day partitions of the local tables (on every node of a cluster). */
export class Retention {
  constructor(private readonly conn: ChConnection, private readonly nodes: readonly ChConnection[], private readonly layout: Layout) {}

  /** Drops every partition of a day before `day`; resolves to the number of days dropped (on the first node). */
  async dropBefore(day: number): Promise<number> {
    const { database, cluster } = this.layout;
    const local = cluster === '' ? '' : '_local';
    const targets = cluster !== '' && this.nodes.length > 0 ? this.nodes : [this.conn];
    const on = cluster !== '' && this.nodes.length === 0 ? ` ON CLUSTER ${ident(cluster)}` : '';
    let dropped = 0;
    for (const node of targets) {
      const parts = await node.rows<{ p: string; t: string }>(
        `SELECT DISTINCT partition AS p, table AS t FROM system.parts
         WHERE database = ${str(database)} AND table IN ('spans${local}', 'traces${local}') AND active AND toUInt32(partition) < ${int(day)}`,
        'listing old partitions',
      );
      const days = new Set<string>();
      for (const { p, t } of parts) {
        days.add(p);
        await node.command(`ALTER TABLE ${ident(database)}.${ident(t)}${on} DROP PARTITION ${int(Number(p))}`, `dropping day ${p}`);
      }
      if (node === targets[0]) dropped = days.size;
    }
    return dropped;
  }
}
