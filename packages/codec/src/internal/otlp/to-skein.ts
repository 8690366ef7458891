import {
  normalizeAnnotations,
  normalizeEndpoint,
  normalizeTraceId,
  setTag,
  SpanValidationError,
  type ErrorCode,
  type Span,
} from '@skein/model';
import { CONSUMABLE, localEndpoint, NONE, remoteEndpointOf } from './endpoints.js';
import {
  STATUS_ERROR,
  STATUS_OK,
  type OtlpAttribute,
  type OtlpResourceSpans,
  type OtlpSpan,
} from './model.js';
import { attributesJson, valueText } from './values.js';

/** Service name when the resource has no `service.name`, as the OpenTelemetry SDKs default. */
const UNKNOWN_SERVICE = 'unknown_service';

const KINDS = [undefined, undefined, 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;

type Tags = Record<string, string>;

/**
 * Maps decoded OTLP resource spans to normalized Skein spans (the mapping is documented in
 * otlp-json/MAPPING.md). Spans come out normalized by the span model's own rules (ids, lower-cased
 * names and services, endpoints, sorted annotations), so OTLP normalizes exactly like the Zipkin
 * formats. One bad span rejects the request: the error names its flat index and
 * its place (resourceSpans[i].scopeSpans[j].spans[k]). With hexIds, the ids were read from bytes
 * as lower-case hex (protobuf), so only their length and zeros need checking.
 */
export function toSkeinSpans(resources: readonly OtlpResourceSpans[], hexIds = false): Span[] {
  const out: Span[] = [];
  for (let i = 0; i < resources.length; i++) {
    const rs = resources[i]!;
    let serviceName = '';
    const resourceTags: Tags = {};
    for (const a of rs.attributes) {
      if (a.key === 'service.name') serviceName = valueText(a.value);
      else setTag(resourceTags, a.key, valueText(a.value));
    }
    if (serviceName === '') serviceName = UNKNOWN_SERVICE;
    for (let j = 0; j < rs.scopeSpans.length; j++) {
      const ss = rs.scopeSpans[j]!;
      const baseTags: Tags = { ...resourceTags };
      if (ss.scope.name !== '') baseTags['otel.scope.name'] = ss.scope.name;
      if (ss.scope.version !== '') baseTags['otel.scope.version'] = ss.scope.version;
      addAttributes(baseTags, ss.scope.attributes);
      for (let k = 0; k < ss.spans.length; k++) {
        out.push(toSkeinSpan(ss.spans[k]!, serviceName, baseTags, out.length, new Where(i, j, k), hexIds));
      }
    }
  }
  return out;
}

function addAttributes(tags: Tags, attrs: readonly OtlpAttribute[]): void {
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    setTag(tags, a.key, valueText(a.value));
  }
}

/** A span's place in the request, turned into text only for an error message. */
class Where {
  constructor(
    readonly resource: number,
    readonly scope: number,
    readonly span: number,
  ) {}

  toString(): string {
    return `resourceSpans[${this.resource}].scopeSpans[${this.scope}].spans[${this.span}]`;
  }
}

function invalid(code: ErrorCode, index: number, field: string, where: Where, rule: string): never {
  throw new SpanValidationError(code, index, field, `${where.toString()}: ${rule}`);
}

/** 0: valid hex of the length; 1: wrong length or not hex; 2: all zeros. */
function idProblem(hex: string, chars: number): number {
  if (hex.length !== chars) return 1;
  let zero = true;
  for (let i = 0; i < chars; i++) {
    const c = hex.charCodeAt(i);
    if (c === 48) continue;
    zero = false;
    if (!((c > 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return 1;
  }
  return zero ? 2 : 0;
}

function checkId(hex: string, bytes: number, index: number, field: string, where: Where): string {
  const problem = idProblem(hex, bytes * 2);
  if (problem === 0) return hex.toLowerCase();
  const code: ErrorCode = field === 'traceId' ? 'SPAN_INVALID_TRACE_ID' : field === 'spanId' ? 'SPAN_INVALID_ID' : 'SPAN_INVALID_PARENT_ID';
  if (hex.length === 0) invalid(code, index, field, where, `${field} is empty; OTLP requires ${bytes} bytes`);
  if (problem === 2) invalid(code, index, field, where, `${field} must not be all zeros`);
  return invalid(code, index, field, where, `${field} must be ${bytes} bytes (${bytes * 2} hex characters), got ${JSON.stringify(hex.slice(0, 40))}`);
}

function allZeros(hex: string): boolean {
  for (let i = 0; i < hex.length; i++) if (hex.charCodeAt(i) !== 48) return false;
  return true;
}

/** Whether hex (lower-case hex already) has the length of `bytes` and is not all zeros. */
function goodHexId(hex: string, bytes: number): boolean {
  return hex.length === bytes * 2 && !allZeros(hex);
}

function toSkeinSpan(s: OtlpSpan, serviceName: string, baseTags: Tags, index: number, where: Where, hexIds: boolean): Span {
  // Builds the span in normalized form directly, with the same rules (and model functions) as
  // normalizeSpan: the OTLP ids, times and tags are already checked and typed here, so a second
  // validation pass would only cost time. The tests assert the result is a fixed point of
  // normalizeSpan.
  const id = hexIds && goodHexId(s.spanId, 8) ? s.spanId : checkId(s.spanId, 8, index, 'spanId', where);
  const traceId = hexIds && goodHexId(s.traceId, 16) ? s.traceId : checkId(s.traceId, 16, index, 'traceId', where);
  const span: Span = { traceId: normalizeTraceId(traceId, index), id };
  // An all-zero parent id means none.
  if (s.parentSpanId !== '' && (hexIds ? !allZeros(s.parentSpanId) : idProblem(s.parentSpanId, s.parentSpanId.length) !== 2)) {
    const parentId = hexIds && goodHexId(s.parentSpanId, 8) ? s.parentSpanId : checkId(s.parentSpanId, 8, index, 'parentSpanId', where);
    if (parentId !== id) span.parentId = parentId;
  }
  const kind = KINDS[s.kind];
  if (kind !== undefined) span.kind = kind;
  if (s.name !== '') span.name = s.name.toLowerCase();
  if (s.startUs > 0) {
    span.timestamp = s.startUs;
    const durNs = (s.endUs - s.startUs) * 1000 + (s.endRemNs - s.startRemNs);
    if (durNs > 0) span.duration = Math.max(1, Math.floor(durNs / 1000));
  }

  // Attributes that may move into an endpoint wait aside, so a moved one never has to be
  // removed from the tags (a copy or `delete` would cost more than the whole mapping).
  let tags: Tags = { ...baseTags };
  let side: Tags = NONE;
  for (let i = 0; i < s.attributes.length; i++) {
    const a = s.attributes[i]!;
    if (CONSUMABLE.has(a.key)) {
      if (side === NONE) side = {};
      side[a.key] = valueText(a.value);
    } else setTag(tags, a.key, valueText(a.value));
  }
  const consumed: string[] = [];
  const local = normalizeEndpoint(localEndpoint(serviceName, tags, consumed, side), index, 'localEndpoint');
  if (local !== undefined) span.localEndpoint = local;
  const remote = normalizeEndpoint(remoteEndpointOf(tags, s.kind, consumed, side), index, 'remoteEndpoint');
  if (remote !== undefined) span.remoteEndpoint = remote;
  for (const k in side) if (!consumed.includes(k)) tags[k] = side[k]!;
  // a resource or scope attribute moved into an endpoint (rare): copy without it
  if (consumed.length > 0 && hasAny(baseTags, consumed)) tags = without(tags, consumed);

  if (s.events.length > 0) {
    const annotations: { timestamp: number; value: string }[] = [];
    for (const e of s.events) {
      const timestamp = e.timeUs > 0 ? e.timeUs : s.startUs;
      if (timestamp <= 0) continue; // nowhere to place it on the timeline
      const value =
        e.attributes.length === 0 && e.droppedAttributesCount === 0
          ? e.name
          : `${e.name}|${attributesJson(e.attributes)}|${e.droppedAttributesCount}`;
      annotations.push({ timestamp, value });
    }
    const normalized = normalizeAnnotations(annotations, index);
    if (normalized !== undefined) span.annotations = normalized;
  }

  if (s.statusCode === STATUS_ERROR) {
    tags['otel.status_code'] = 'ERROR';
    tags.error = s.statusMessage !== '' ? s.statusMessage : 'true';
  } else {
    if (s.statusCode === STATUS_OK) tags['otel.status_code'] = 'OK';
    // Zipkin marks any span with an `error` tag failed; a boolean false one must not (OTel spec).
    if (tags.error === 'false') tags = without(tags, ['error']);
  }
  if (s.statusMessage !== '') tags['otel.status_description'] = s.statusMessage;
  if (s.droppedAttributesCount > 0) tags['otel.dropped_attributes_count'] = String(s.droppedAttributesCount);
  if (s.droppedEventsCount > 0) tags['otel.dropped_events_count'] = String(s.droppedEventsCount);
  if (s.droppedLinksCount > 0) tags['otel.dropped_links_count'] = String(s.droppedLinksCount);
  for (let i = 0; i < s.links.length; i++) {
    const l = s.links[i]!;
    tags[`otlp.link.${i}`] = `${l.traceId}|${l.spanId}|${l.traceState}|${attributesJson(l.attributes)}|${l.droppedAttributesCount}`;
  }
  if (s.traceState !== '') tags['w3c.tracestate'] = s.traceState;
  for (const _ in tags) {
    span.tags = tags;
    break;
  }
  return span;
}

function hasAny(tags: Tags, keys: readonly string[]): boolean {
  for (const k of keys) if (tags[k] !== undefined) return true;
  return false;
}

function without(tags: Tags, keys: readonly string[]): Tags {
  const out: Tags = {};
  for (const k in tags) if (!keys.includes(k)) setTag(out, k, tags[k]!);
  return out;
}
