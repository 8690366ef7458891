import type { Endpoint } from '@skein/model';
import type { V1Span } from './v1-span.js';

const str = JSON.stringify;

/** v1 endpoint JSON: serviceName is always written (empty when unknown), as v1 readers require it. */
function endpointJson(e: Endpoint): string {
  let out = `{"serviceName":${str(e.serviceName ?? '')}`;
  if (e.ipv4 !== undefined) out += `,"ipv4":${str(e.ipv4)}`;
  if (e.ipv6 !== undefined) out += `,"ipv6":${str(e.ipv6)}`;
  if (e.port !== undefined && e.port > 0) out += `,"port":${e.port}`;
  return `${out}}`;
}

/** JSON text of a v1 span in Zipkin's field order. */
export function v1SpanJson(s: V1Span): string {
  let out = `{"traceId":${str(s.traceId)}`;
  if (s.parentId !== undefined) out += `,"parentId":${str(s.parentId)}`;
  out += `,"id":${str(s.id)},"name":${str(s.name ?? '')}`;
  if (s.timestamp !== 0) out += `,"timestamp":${s.timestamp}`;
  if (s.duration !== 0) out += `,"duration":${s.duration}`;
  if (s.annotations.length > 0) {
    const parts = s.annotations.map((a) => {
      const e = a.endpoint === undefined ? '' : `,"endpoint":${endpointJson(a.endpoint)}`;
      return `{"timestamp":${a.timestamp},"value":${str(a.value)}${e}}`;
    });
    out += `,"annotations":[${parts.join(',')}]`;
  }
  if (s.binaryAnnotations.length > 0) {
    const parts = s.binaryAnnotations.map((b) => {
      const e = b.endpoint === undefined ? '' : `,"endpoint":${endpointJson(b.endpoint)}`;
      return `{"key":${str(b.key)},"value":${b.value === undefined ? 'true' : str(b.value)}${e}}`;
    });
    out += `,"binaryAnnotations":[${parts.join(',')}]`;
  }
  if (s.debug) out += ',"debug":true';
  return `${out}}`;
}
