import type { Endpoint } from '@skein/model';
import type { V1Span } from './v1-span.js';

/** v1 endpoint: serviceName is always written (empty when unknown), as v1 readers require it. */
function endpointView(e: Endpoint): object {
  return { serviceName: e.serviceName ?? '', ipv4: e.ipv4, ipv6: e.ipv6, port: e.port !== undefined && e.port > 0 ? e.port : undefined };
}

/**
 * A plain object with the v1 fields in Zipkin's order (undefined ones are left out by
 * JSON.stringify); the same endpoint object is converted once per span. Microseconds are
 * rounded to whole numbers, which every Zipkin reader requires.
 */
export function v1SpanView(s: V1Span): object {
  let last: Endpoint | undefined;
  let lastView: object | undefined;
  const view = (e: Endpoint | undefined): object | undefined => {
    if (e === undefined) return undefined;
    if (e !== last) {
      last = e;
      lastView = endpointView(e);
    }
    return lastView;
  };
  return {
    traceId: s.traceId,
    parentId: s.parentId,
    id: s.id,
    name: s.name ?? '',
    timestamp: Math.round(s.timestamp) > 0 ? Math.round(s.timestamp) : undefined,
    duration: Math.round(s.duration) > 0 ? Math.round(s.duration) : undefined,
    annotations: s.annotations.length > 0
      ? s.annotations.map((a) => ({ timestamp: Math.round(a.timestamp), value: a.value, endpoint: view(a.endpoint) }))
      : undefined,
    binaryAnnotations: s.binaryAnnotations.length > 0
      ? s.binaryAnnotations.map((b) => ({ key: b.key, value: b.value ?? true, endpoint: view(b.endpoint) }))
      : undefined,
    debug: s.debug ? true : undefined,
  };
}
