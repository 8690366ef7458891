/** Ids and sampling flags read from one propagation format. traceId is '' for a flags-only context. */
export interface WireIds {
  traceId: string;
  spanId: string;
  parentId: string | undefined;
  flags: number;
}
