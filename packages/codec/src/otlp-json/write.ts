import { OtlpKvList, type OtlpAttribute, type OtlpResourceSpans, type OtlpSpan, type OtlpValue } from '../internal/otlp/model.js';

const utf8 = new TextEncoder();

/** Unix nanos as the decimal string OTLP/JSON uses for uint64, exactly. */
function nanosText(micros: number, remNs: number): string {
  if (micros <= 0) return String(remNs);
  return `${micros}${String(remNs).padStart(3, '0')}`;
}

function anyValue(v: OtlpValue): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { intValue: String(v) } : { doubleValue: Number.isFinite(v) ? v : String(v) };
  if (typeof v === 'bigint') return { intValue: v.toString() };
  if (v === null) return {};
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (v instanceof OtlpKvList) return { kvlistValue: { values: attributes(v.values) } };
  return { arrayValue: { values: v.map(anyValue) } };
}

function attributes(attrs: readonly OtlpAttribute[]): Record<string, unknown>[] {
  return attrs.map((a) => ({ key: a.key, value: anyValue(a.value) }));
}

function span(s: OtlpSpan): Record<string, unknown> {
  const o: Record<string, unknown> = { traceId: s.traceId, spanId: s.spanId };
  if (s.traceState !== '') o.traceState = s.traceState;
  if (s.parentSpanId !== '') o.parentSpanId = s.parentSpanId;
  o.name = s.name;
  o.kind = s.kind;
  o.startTimeUnixNano = nanosText(s.startUs, s.startRemNs);
  o.endTimeUnixNano = nanosText(s.endUs, s.endRemNs);
  o.attributes = attributes(s.attributes);
  if (s.droppedAttributesCount > 0) o.droppedAttributesCount = s.droppedAttributesCount;
  o.events = s.events.map((e) => {
    const eo: Record<string, unknown> = { timeUnixNano: nanosText(e.timeUs, 0), name: e.name, attributes: attributes(e.attributes) };
    if (e.droppedAttributesCount > 0) eo.droppedAttributesCount = e.droppedAttributesCount;
    return eo;
  });
  if (s.droppedEventsCount > 0) o.droppedEventsCount = s.droppedEventsCount;
  o.links = s.links.map((l) => {
    const lo: Record<string, unknown> = { traceId: l.traceId, spanId: l.spanId };
    if (l.traceState !== '') lo.traceState = l.traceState;
    lo.attributes = attributes(l.attributes);
    if (l.droppedAttributesCount > 0) lo.droppedAttributesCount = l.droppedAttributesCount;
    return lo;
  });
  if (s.droppedLinksCount > 0) o.droppedLinksCount = s.droppedLinksCount;
  const status: Record<string, unknown> = {};
  if (s.statusMessage !== '') status.message = s.statusMessage;
  if (s.statusCode !== 0) status.code = s.statusCode;
  o.status = status;
  return o;
}

/** Writes an OTLP/JSON ExportTraceServiceRequest (hex ids, uint64 as strings, enums as integers). */
export function writeExportRequestJson(resources: readonly OtlpResourceSpans[]): Uint8Array {
  const body = {
    resourceSpans: resources.map((rs) => ({
      resource: { attributes: attributes(rs.attributes) },
      scopeSpans: rs.scopeSpans.map((ss) => {
        const scope: Record<string, unknown> = { name: ss.scope.name };
        if (ss.scope.version !== '') scope.version = ss.scope.version;
        if (ss.scope.attributes.length > 0) scope.attributes = attributes(ss.scope.attributes);
        return { scope, spans: ss.spans.map(span) };
      }),
    })),
  };
  return utf8.encode(JSON.stringify(body));
}
