import type { Endpoint } from '@skein/model';

/** A v1 annotation: an event, optionally at an endpoint (core ones like "cs" need one). */
export interface V1Annotation {
  timestamp: number;
  value: string;
  endpoint?: Endpoint;
}

/**
 * A v1 binary annotation: a string tag, or (value absent) an address annotation
 * "ca", "sa" or "ma" whose endpoint is the remote side.
 */
export interface V1BinaryAnnotation {
  key: string;
  value?: string;
  endpoint?: Endpoint;
}

/** A Zipkin v1 span with ids already normalized to v2 form; 0 timestamp/duration means absent. */
export interface V1Span {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  timestamp: number;
  duration: number;
  annotations: V1Annotation[];
  binaryAnnotations: V1BinaryAnnotation[];
  debug: boolean;
}

/** Orders v1 annotations like Zipkin's V1Span: by timestamp, then value (stable otherwise). */
export function compareV1Annotations(a: V1Annotation, b: V1Annotation): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  return a.value === b.value ? 0 : a.value < b.value ? -1 : 1;
}

/** Orders v1 binary annotations like Zipkin's V1Span: by key (stable otherwise). */
export function compareV1BinaryAnnotations(a: V1BinaryAnnotation, b: V1BinaryAnnotation): number {
  return a.key === b.key ? 0 : a.key < b.key ? -1 : 1;
}

/** True when two endpoints have the same fields. */
export function sameEndpoint(a: Endpoint | undefined, b: Endpoint | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return a.serviceName === b.serviceName && a.ipv4 === b.ipv4 && a.ipv6 === b.ipv6 && a.port === b.port;
}
