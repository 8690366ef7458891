/**
 * A decoded OTLP attribute value. int64 is a number when exact, else a bigint; doubles are
 * numbers too (their text is the same either way). An absent AnyValue is null.
 */
export type OtlpValue = string | boolean | number | bigint | Uint8Array | OtlpValue[] | OtlpKvList | null;

/** An OTLP KeyValueList (kvlist_value), kept distinct from arrays. */
export class OtlpKvList {
  constructor(readonly values: OtlpAttribute[]) {}
}

/** One OTLP KeyValue. */
export interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}

/** An OTLP Span.Event with its time in whole microseconds. */
export interface OtlpEvent {
  timeUs: number;
  name: string;
  attributes: OtlpAttribute[];
  droppedAttributesCount: number;
}

/** An OTLP Span.Link; ids are lower-hex ('' when absent). */
export interface OtlpLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: OtlpAttribute[];
  droppedAttributesCount: number;
}

/**
 * An OTLP span as read off the wire, before mapping. Ids are lower-hex ('' when absent, any
 * length: the mapper validates). Times are split into whole microseconds and leftover nanos so
 * that 64-bit epoch nanos convert exactly.
 */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  startUs: number;
  startRemNs: number;
  endUs: number;
  endRemNs: number;
  attributes: OtlpAttribute[];
  droppedAttributesCount: number;
  events: OtlpEvent[];
  droppedEventsCount: number;
  links: OtlpLink[];
  droppedLinksCount: number;
  statusCode: number;
  statusMessage: string;
}

/** An OTLP InstrumentationScope. */
export interface OtlpScope {
  name: string;
  version: string;
  attributes: OtlpAttribute[];
}

/** An OTLP ScopeSpans. */
export interface OtlpScopeSpans {
  scope: OtlpScope;
  spans: OtlpSpan[];
}

/** An OTLP ResourceSpans (resource attributes plus its scopes). */
export interface OtlpResourceSpans {
  attributes: OtlpAttribute[];
  scopeSpans: OtlpScopeSpans[];
}

/** OTLP Span.SpanKind values. */
export const KIND_UNSPECIFIED = 0;
export const KIND_INTERNAL = 1;
export const KIND_SERVER = 2;
export const KIND_CLIENT = 3;
export const KIND_PRODUCER = 4;
export const KIND_CONSUMER = 5;

/** OTLP Status.StatusCode values. */
export const STATUS_UNSET = 0;
export const STATUS_OK = 1;
export const STATUS_ERROR = 2;

/** A span with every field at its default, for decoders to fill in. */
export function emptySpan(): OtlpSpan {
  return {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceState: '',
    name: '',
    kind: 0,
    startUs: 0,
    startRemNs: 0,
    endUs: 0,
    endRemNs: 0,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    statusCode: 0,
    statusMessage: '',
  };
}
