import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { storageError } from './errors.js';

// @clickhouse/client talks to 18.16 over HTTP as long as we avoid query parameters ({x:Type} is
// sent as param_x, a setting 18.16 rejects): values are written into the SQL (see sql.ts), rows
// are read as JSONEachRow and written as RowBinary through exec(), both formats 18.16 knows.

/** One ClickHouse server reached over HTTP; every failure becomes a ClickHouseStorageError. */
export class ChConnection {
  private readonly client: ClickHouseClient;

  constructor(readonly url: string, requestTimeoutMs = 30_000) {
    this.client = createClient({
      url,
      request_timeout: requestTimeoutMs,
      log: { level: ClickHouseLogLevel.OFF },
      compression: { request: false, response: false },
    });
  }

  /** Rows of a SELECT, as JSON objects (64-bit integers arrive as strings). */
  async rows<T>(sql: string, doing: string): Promise<T[]> {
    try {
      const rs = await this.client.query({ query: sql, format: 'JSONEachRow' });
      return await rs.json<T>();
    } catch (err) {
      throw storageError(err, this.url, doing);
    }
  }

  /** The TabSeparated text of a SELECT (for large results: no JSON objects to build). */
  async text(sql: string, doing: string): Promise<string> {
    try {
      const rs = await this.client.query({ query: sql, format: 'TabSeparated' });
      return await rs.text();
    } catch (err) {
      throw storageError(err, this.url, doing);
    }
  }

  /** Runs a statement that returns nothing (DDL, ALTER). */
  async command(sql: string, doing: string, settings?: ClickHouseSettings): Promise<void> {
    try {
      await this.client.command(settings === undefined ? { query: sql } : { query: sql, clickhouse_settings: settings });
    } catch (err) {
      throw storageError(err, this.url, doing);
    }
  }

  /** INSERT of a RowBinary body; resolves once ClickHouse acknowledged it. */
  async insertRowBinary(table: string, body: Buffer, doing: string, settings?: ClickHouseSettings): Promise<void> {
    try {
      const res = await this.client.exec({
        query: `INSERT INTO ${table} FORMAT RowBinary`, values: Readable.from([body]),
        ...(settings === undefined ? {} : { clickhouse_settings: settings }),
      });
      // Drain the (empty) answer so the socket returns to the pool.
      for await (const _ of res.stream) { /* nothing */ }
    } catch (err) {
      throw storageError(err, this.url, doing);
    }
  }

  /** Closes idle sockets. */
  close(): Promise<void> {
    return this.client.close();
  }
}
