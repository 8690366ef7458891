export { clickhouseCommand, startClickHouse } from './clickhouse-server.js';
export type { ClickHouseNode, ClickHouseServers } from './clickhouse-server.js';
