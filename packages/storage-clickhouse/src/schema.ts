import type { ChConnection } from './ch-client.js';
import { ident, str } from './sql.js';

/** Where the store's tables live: one node, or local tables behind Distributed tables of a cluster. */
export interface Layout {
  database: string;
  /** Cluster name from the servers' remote_servers; '' for a single node. */
  cluster: string;
}

/** Fully qualified names of the tables queries read (`spans`, `traces`) and of the per-node tables. */
export interface Tables {
  /** Spans as queried (Distributed in a cluster). */
  spans: string;
  /** Trace ranges as queried (Distributed in a cluster). */
  traces: string;
  /** Spans on this node (same as spans on a single node); subqueries use it, a trace living on one shard. */
  spansLocal: string;
  /** Trace ranges on this node. */
  tracesLocal: string;
}

/** The names of the tables of a layout. */
export function tables(layout: Layout): Tables {
  const db = ident(layout.database);
  const local = layout.cluster === '' ? '' : '_local';
  return {
    spans: `${db}.spans`, traces: `${db}.traces`, spansLocal: `${db}.spans${local}`, tracesLocal: `${db}.traces${local}`,
  };
}

// Times are UInt64 microseconds and days UInt32 day numbers (18.16 has no DateTime64). `day` is the
// day of the span's timestamp (of its arrival when it has none): tables are partitioned by it, and
// retention drops whole partitions. Ids are UInt64 halves: trace_lo holds the low 64 bits.
const SPAN_COLUMNS = `
  day UInt32, trace_lo UInt64, trace_hi UInt64, id UInt64, parent_id UInt64, kind UInt8, flags UInt8,
  name String, ts UInt64, duration UInt64,
  local_service String, local_ipv4 String, local_ipv6 String, local_port UInt16,
  remote_service String, remote_ipv4 String, remote_ipv6 String, remote_port UInt16,
  annotation_ts Array(UInt64), annotation_values Array(String), tag_keys Array(String), tag_values Array(String)`;

// One row per trace per insert; a trace's range is the min/max over its rows (GROUP BY trace_lo).
const TRACE_COLUMNS = `
  day UInt32, max_day UInt32, trace_lo UInt64, trace_hi UInt64, root_ts UInt64, min_ts UInt64, max_ts UInt64`;

/** CREATE statements for a layout, in order. `onCluster` adds ON CLUSTER (distributed DDL, needs ZooKeeper). */
export function schemaStatements(layout: Layout, onCluster: boolean): string[] {
  const db = ident(layout.database);
  const on = onCluster && layout.cluster !== '' ? ` ON CLUSTER ${ident(layout.cluster)}` : '';
  const t = tables(layout);
  const out = [
    `CREATE DATABASE IF NOT EXISTS ${db}${on}`,
    `CREATE TABLE IF NOT EXISTS ${t.spansLocal}${on} (${SPAN_COLUMNS})
     ENGINE = MergeTree PARTITION BY day ORDER BY (local_service, name, ts) SETTINGS index_granularity = 1024`,
    `CREATE TABLE IF NOT EXISTS ${t.tracesLocal}${on} (${TRACE_COLUMNS})
     ENGINE = MergeTree PARTITION BY day ORDER BY (trace_lo, trace_hi) SETTINGS index_granularity = 1024`,
  ];
  if (layout.cluster !== '') {
    // Sharded by the low 64 bits of the trace id: a trace, and its ranges, live on one shard.
    const dist = (local: string): string =>
      `Distributed(${ident(layout.cluster)}, ${str(layout.database)}, ${str(local)}, intHash64(trace_lo))`;
    out.push(
      `CREATE TABLE IF NOT EXISTS ${t.spans}${on} AS ${t.spansLocal} ENGINE = ${dist('spans_local')}`,
      `CREATE TABLE IF NOT EXISTS ${t.traces}${on} AS ${t.tracesLocal} ENGINE = ${dist('traces_local')}`,
    );
  }
  return out;
}

/** Creates the database and tables on one connection. */
export async function createSchema(conn: ChConnection, layout: Layout, onCluster: boolean): Promise<void> {
  for (const sql of schemaStatements(layout, onCluster)) await conn.command(sql, 'creating the schema');
}
