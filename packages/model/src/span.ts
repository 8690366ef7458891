/** The kind of a span: which side of a remote call it records. Absent for local spans. */
export type SpanKind = 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';

/** The span kinds Zipkin knows, for validation. */
export const SPAN_KINDS: readonly SpanKind[] = ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];

/** A network endpoint: the service and address at one side of a span. */
export interface Endpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

/** A timestamped event within a span; timestamp is epoch microseconds. */
export interface Annotation {
  timestamp: number;
  value: string;
}

/**
 * A Zipkin v2 span. Ids are lower-hex: traceId 16 or 32 chars, id and parentId 16 chars.
 * timestamp is epoch microseconds, duration is microseconds. Optional fields are absent,
 * never undefined-valued, once normalized.
 */
export interface Span {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: SpanKind;
  timestamp?: number;
  duration?: number;
  localEndpoint?: Endpoint;
  remoteEndpoint?: Endpoint;
  annotations?: Annotation[];
  tags?: Record<string, string>;
  debug?: boolean;
  shared?: boolean;
}

/** An edge of the service dependency graph: calls from parent service to child service. */
export interface DependencyLink {
  parent: string;
  child: string;
  callCount: number;
  errorCount?: number;
}
