import type { Endpoint, Span } from '@skein/model';
import { utf8Bytes } from './json-body.js';

function endpointView(e: Endpoint | undefined): object | undefined {
  if (e === undefined) return undefined;
  const port = e.port !== undefined && e.port > 0 ? e.port : undefined;
  if (e.serviceName === undefined && e.ipv4 === undefined && e.ipv6 === undefined && port === undefined) return undefined;
  return { serviceName: e.serviceName, ipv4: e.ipv4, ipv6: e.ipv6, port };
}

/**
 * A plain object with exactly the v2 fields in Zipkin's order; undefined fields are left out by
 * JSON.stringify. One native stringify of these views is faster than concatenating per field.
 * Microseconds are rounded to whole numbers, which every Zipkin reader requires.
 */
function spanView(s: Span): object {
  const anns = s.annotations;
  const tags = s.tags;
  return {
    traceId: s.traceId,
    parentId: s.parentId,
    id: s.id,
    kind: s.kind,
    name: s.name,
    timestamp: s.timestamp !== undefined && s.timestamp >= 0.5 ? Math.round(s.timestamp) : undefined,
    duration: s.duration !== undefined && s.duration >= 0.5 ? Math.round(s.duration) : undefined,
    localEndpoint: endpointView(s.localEndpoint),
    remoteEndpoint: endpointView(s.remoteEndpoint),
    annotations: anns !== undefined && anns.length > 0 ? anns.map((a) => ({ timestamp: Math.round(a.timestamp), value: a.value })) : undefined,
    tags: tags !== undefined && hasKeys(tags) ? tags : undefined,
    debug: s.debug === true ? true : undefined,
    shared: s.shared === true ? true : undefined,
  };
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/**
 * Encodes spans as a Zipkin JSON v2 list. A big list is written 512 spans at a time, so the views
 * of a chunk die young instead of all being kept (and copied by the collector) until the end.
 */
export function encodeJsonV2(spans: readonly Span[]): Uint8Array {
  if (spans.length <= CHUNK) return utf8Bytes(JSON.stringify(spans.map(spanView)));
  const parts: string[] = [];
  for (let i = 0; i < spans.length; i += CHUNK) parts.push(JSON.stringify(spans.slice(i, i + CHUNK).map(spanView)).slice(1, -1));
  return utf8Bytes(`[${parts.join(',')}]`);
}

const CHUNK = 512;
