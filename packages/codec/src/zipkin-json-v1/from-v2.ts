import type { Span } from '@skein/model';
import { compareV1Annotations, compareV1BinaryAnnotations } from './v1-span.js';
import type { V1Span } from './v1-span.js';

interface Metadata {
  startTs: number;
  endTs: number;
  begin?: string;
  end?: string;
  addr?: string;
}

/** Works out which core annotations and address annotation a v2 span implies, as Zipkin's V2SpanConverter. */
function metadata(s: Span): Metadata {
  let startTs = s.timestamp ?? 0;
  const duration = s.duration ?? 0;
  let endTs = startTs !== 0 && duration !== 0 ? startTs + duration : 0;
  let msTs = 0;
  let wsTs = 0;
  let wrTs = 0;
  let mrTs = 0;
  let kind = s.kind;
  for (const a of s.annotations ?? []) {
    switch (a.value) {
      case 'cs': kind = 'CLIENT'; if (a.timestamp < startTs) startTs = a.timestamp; break;
      case 'sr': kind = 'SERVER'; if (a.timestamp < startTs) startTs = a.timestamp; break;
      case 'ss': kind = 'SERVER'; if (a.timestamp > endTs) endTs = a.timestamp; break;
      case 'cr': kind = 'CLIENT'; if (a.timestamp > endTs) endTs = a.timestamp; break;
      case 'ms': kind = 'PRODUCER'; msTs = a.timestamp; break;
      case 'mr': kind = 'CONSUMER'; mrTs = a.timestamp; break;
      case 'ws': wsTs = a.timestamp; break;
      case 'wr': wrTs = a.timestamp; break;
      default:
    }
  }
  const md: Metadata = { startTs, endTs };
  if (s.remoteEndpoint !== undefined) md.addr = 'sa';
  if (kind === undefined) return md;
  switch (kind) {
    case 'CLIENT': Object.assign(md, { addr: 'sa', begin: 'cs', end: 'cr' }); break;
    case 'SERVER': Object.assign(md, { addr: 'ca', begin: 'sr', end: 'ss' }); break;
    case 'PRODUCER':
      Object.assign(md, { addr: 'ma', begin: 'ms', end: 'ws' });
      if (md.startTs === 0 || (msTs !== 0 && msTs < md.startTs)) md.startTs = msTs;
      if (md.endTs === 0 || (wsTs !== 0 && wsTs > md.endTs)) md.endTs = wsTs;
      break;
    case 'CONSUMER':
      md.addr = 'ma';
      if (md.startTs === 0 || (wrTs !== 0 && wrTs < md.startTs)) md.startTs = wrTs;
      if (md.endTs === 0 || (mrTs !== 0 && mrTs > md.endTs)) md.endTs = mrTs;
      if (md.endTs !== 0 || wrTs !== 0) Object.assign(md, { begin: 'wr', end: 'mr' });
      else md.begin = 'mr';
      break;
  }
  if (s.remoteEndpoint === undefined) delete md.addr;
  return md;
}

/**
 * Converts a v2 span to v1 as Zipkin's V2SpanConverter: kind and times become core
 * annotations at the local endpoint, tags become binary annotations, the remote endpoint an
 * address annotation (sa/ca/ma); a span with nothing else gets an empty "lc" to keep its endpoint.
 */
export function toV1(s: Span): V1Span {
  const md = metadata(s);
  const ep = s.localEndpoint;
  const v1: V1Span = {
    traceId: s.traceId, id: s.id, timestamp: 0, duration: 0, annotations: [], binaryAnnotations: [], debug: s.debug === true,
  };
  if (s.parentId !== undefined) v1.parentId = s.parentId;
  if (s.name !== undefined) v1.name = s.name;
  // shared (server) spans carry no timestamp and duration in v1: the client side owns them
  if (s.shared !== true) {
    v1.timestamp = s.timestamp ?? 0;
    v1.duration = s.duration ?? 0;
  }
  const at = (timestamp: number, value: string): void => {
    v1.annotations.push(ep === undefined ? { timestamp, value } : { timestamp, value, endpoint: ep });
  };
  const begin = md.startTs !== 0 && md.begin !== undefined ? md.begin : undefined;
  const end = md.endTs !== 0 && md.end !== undefined ? md.end : undefined;
  const annotations = s.annotations ?? [];
  if (begin !== undefined) at(md.startTs, begin);
  for (const a of annotations) {
    if (a.value === begin || a.value === end) continue;
    at(a.timestamp, a.value);
  }
  if (end !== undefined) at(md.endTs, end);
  const tags = s.tags ?? {};
  const tagKeys = Object.keys(tags);
  for (const key of tagKeys) {
    const value = tags[key] as string;
    v1.binaryAnnotations.push(ep === undefined ? { key, value } : { key, value, endpoint: ep });
  }
  if (v1.annotations.length === 0 && ep !== undefined && tagKeys.length === 0) {
    v1.binaryAnnotations.push({ key: 'lc', value: '', endpoint: ep });
  }
  if (md.addr !== undefined && s.remoteEndpoint !== undefined) {
    v1.binaryAnnotations.push({ key: md.addr, endpoint: s.remoteEndpoint });
  }
  v1.annotations.sort(compareV1Annotations);
  v1.binaryAnnotations.sort(compareV1BinaryAnnotations);
  return v1;
}
