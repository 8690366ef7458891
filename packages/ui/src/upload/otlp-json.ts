import type { Annotation, Span, SpanKind } from '@skein/model';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Whether a decoded JSON value looks like an OTLP/JSON export (`{ resourceSpans: [...] }`). */
export function isOtlpJson(v: unknown): boolean {
  return isObj(v) && Array.isArray(v['resourceSpans']);
}

/** OTLP JSON carries ids as hex; some exporters write base64 (the protobuf JSON default). */
function hexId(v: unknown, bytes: number): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  if (new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(v)) return v.toLowerCase();
  try {
    const raw = atob(v);
    if (raw.length !== bytes) return undefined;
    let hex = '';
    for (let i = 0; i < raw.length; i++) hex += raw.charCodeAt(i).toString(16).padStart(2, '0');
    return hex;
  } catch {
    return undefined;
  }
}

function anyValue(v: unknown): string {
  if (!isObj(v)) return '';
  if ('stringValue' in v) return String(v['stringValue']);
  if ('intValue' in v) return String(v['intValue']);
  if ('doubleValue' in v) return String(v['doubleValue']);
  if ('boolValue' in v) return String(v['boolValue']);
  if ('bytesValue' in v) return String(v['bytesValue']);
  if (isObj(v['arrayValue'])) return JSON.stringify(list(v['arrayValue']['values']).map(anyValue));
  if (isObj(v['kvlistValue'])) return JSON.stringify(Object.fromEntries(list(v['kvlistValue']['values']).filter(isObj).map((kv) => [String(kv['key']), anyValue(kv['value'])])));
  return '';
}

function attributes(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list(v)) if (isObj(kv) && typeof kv['key'] === 'string') out[kv['key']] = anyValue(kv['value']);
  return out;
}

const KINDS: Record<string, SpanKind | undefined> = {
  '2': 'SERVER', '3': 'CLIENT', '4': 'PRODUCER', '5': 'CONSUMER',
  SPAN_KIND_SERVER: 'SERVER', SPAN_KIND_CLIENT: 'CLIENT', SPAN_KIND_PRODUCER: 'PRODUCER', SPAN_KIND_CONSUMER: 'CONSUMER',
};

const micros = (nanos: unknown): number => {
  const s = typeof nanos === 'number' ? String(Math.trunc(nanos)) : typeof nanos === 'string' ? nanos : '';
  if (!/^\d+$/.test(s)) return 0;
  return s.length <= 3 ? 0 : Number(s.slice(0, -3));
};

/**
 * Converts OTLP/JSON trace data to Zipkin v2 spans the way OpenTelemetry's Zipkin exporter
 * does: service.name becomes the local service, attributes become tags, events become
 * annotations, an ERROR status becomes the `error` tag. Spans without ids are counted as skipped.
 */
export function otlpJsonToSpans(v: unknown): { spans: Span[]; skipped: number } {
  const spans: Span[] = [];
  let skipped = 0;
  for (const rs of list(isObj(v) ? v['resourceSpans'] : undefined)) {
    if (!isObj(rs)) continue;
    const resource = attributes(isObj(rs['resource']) ? rs['resource']['attributes'] : undefined);
    const serviceName = resource['service.name'] ?? 'unknown_service';
    const scopes = [...list(rs['scopeSpans']), ...list(rs['instrumentationLibrarySpans'])];
    for (const ss of scopes) {
      if (!isObj(ss)) continue;
      for (const raw of list(ss['spans'])) {
        if (!isObj(raw)) { skipped++; continue; }
        const traceId = hexId(raw['traceId'], 16), id = hexId(raw['spanId'], 8);
        if (!traceId || !id || /^0+$/.test(traceId) || /^0+$/.test(id)) { skipped++; continue; }
        const span: Span = { traceId, id, localEndpoint: { serviceName } };
        const parentId = hexId(raw['parentSpanId'], 8);
        if (parentId && !/^0+$/.test(parentId)) span.parentId = parentId;
        if (typeof raw['name'] === 'string' && raw['name']) span.name = raw['name'];
        const kind = KINDS[String(raw['kind'])];
        if (kind) span.kind = kind;
        const start = micros(raw['startTimeUnixNano']), end = micros(raw['endTimeUnixNano']);
        if (start > 0) span.timestamp = start;
        if (start > 0 && end > start) span.duration = end - start;
        const tags = attributes(raw['attributes']);
        const status = isObj(raw['status']) ? raw['status'] : {};
        if (status['code'] === 2 || status['code'] === 'STATUS_CODE_ERROR') {
          tags['otel.status_code'] = 'ERROR';
          tags['error'] = typeof status['message'] === 'string' && status['message'] ? status['message'] : 'true';
        }
        const peer = tags['peer.service'];
        if (peer) span.remoteEndpoint = { serviceName: peer };
        if (Object.keys(tags).length > 0) span.tags = tags;
        const anns: Annotation[] = [];
        for (const ev of list(raw['events'])) {
          if (!isObj(ev)) continue;
          const ts = micros(ev['timeUnixNano']);
          if (ts > 0) anns.push({ timestamp: ts, value: typeof ev['name'] === 'string' ? ev['name'] : 'event' });
        }
        if (anns.length > 0) span.annotations = anns;
        spans.push(span);
      }
    }
  }
  return { spans, skipped };
}
