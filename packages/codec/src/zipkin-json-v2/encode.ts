import type { Endpoint, Span } from '@skein/model';
import { utf8Bytes } from './json-body.js';

const str = JSON.stringify;

/** JSON text of an endpoint, or '' when it has no fields. */
export function endpointJson(e: Endpoint): string {
  let out = '';
  if (e.serviceName !== undefined) out += `,"serviceName":${str(e.serviceName)}`;
  if (e.ipv4 !== undefined) out += `,"ipv4":${str(e.ipv4)}`;
  if (e.ipv6 !== undefined) out += `,"ipv6":${str(e.ipv6)}`;
  if (e.port !== undefined && e.port > 0) out += `,"port":${e.port}`;
  return out === '' ? '' : `{${out.slice(1)}}`;
}

/** JSON text of a tags object: keys in their own order, string values. */
export function tagsJson(tags: Record<string, string>): string {
  let out = '';
  for (const k of Object.keys(tags)) out += `,${str(k)}:${str(tags[k])}`;
  return `{${out.slice(1)}}`;
}

/** JSON v2 text of one span, fields in Zipkin's order; absent fields omitted. */
export function spanJsonV2(s: Span): string {
  let out = `{"traceId":${str(s.traceId)}`;
  if (s.parentId !== undefined) out += `,"parentId":${str(s.parentId)}`;
  out += `,"id":${str(s.id)}`;
  if (s.kind !== undefined) out += `,"kind":"${s.kind}"`;
  if (s.name !== undefined) out += `,"name":${str(s.name)}`;
  if (s.timestamp !== undefined && s.timestamp > 0) out += `,"timestamp":${s.timestamp}`;
  if (s.duration !== undefined && s.duration > 0) out += `,"duration":${s.duration}`;
  if (s.localEndpoint !== undefined) {
    const e = endpointJson(s.localEndpoint);
    if (e !== '') out += `,"localEndpoint":${e}`;
  }
  if (s.remoteEndpoint !== undefined) {
    const e = endpointJson(s.remoteEndpoint);
    if (e !== '') out += `,"remoteEndpoint":${e}`;
  }
  const anns = s.annotations;
  if (anns !== undefined && anns.length > 0) {
    out += ',"annotations":[';
    for (let i = 0; i < anns.length; i++) {
      const a = anns[i]!;
      out += `${i === 0 ? '' : ','}{"timestamp":${a.timestamp},"value":${str(a.value)}}`;
    }
    out += ']';
  }
  if (s.tags !== undefined && Object.keys(s.tags).length > 0) out += `,"tags":${tagsJson(s.tags)}`;
  if (s.debug === true) out += ',"debug":true';
  if (s.shared === true) out += ',"shared":true';
  return `${out}}`;
}

function endpointView(e: Endpoint | undefined): object | undefined {
  if (e === undefined) return undefined;
  const port = e.port !== undefined && e.port > 0 ? e.port : undefined;
  if (e.serviceName === undefined && e.ipv4 === undefined && e.ipv6 === undefined && port === undefined) return undefined;
  return { serviceName: e.serviceName, ipv4: e.ipv4, ipv6: e.ipv6, port };
}

/**
 * A plain object with exactly the v2 fields in Zipkin's order; undefined fields are left out by
 * JSON.stringify. One native stringify of these views is faster than concatenating per field.
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
    timestamp: s.timestamp !== undefined && s.timestamp > 0 ? s.timestamp : undefined,
    duration: s.duration !== undefined && s.duration > 0 ? s.duration : undefined,
    localEndpoint: endpointView(s.localEndpoint),
    remoteEndpoint: endpointView(s.remoteEndpoint),
    annotations: anns !== undefined && anns.length > 0 ? anns.map((a) => ({ timestamp: a.timestamp, value: a.value })) : undefined,
    tags: tags !== undefined && hasKeys(tags) ? tags : undefined,
    debug: s.debug === true ? true : undefined,
    shared: s.shared === true ? true : undefined,
  };
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Encodes spans as a Zipkin JSON v2 list. */
export function encodeJsonV2(spans: readonly Span[]): Uint8Array {
  return utf8Bytes(JSON.stringify(spans.map(spanView)));
}
