import { malformed } from '../internal/errors.js';
import { parseJsonBody } from '../zipkin-json-v2/json-body.js';
import {
  emptySpan,
  OtlpKvList,
  type OtlpAttribute,
  type OtlpEvent,
  type OtlpLink,
  type OtlpResourceSpans,
  type OtlpScopeSpans,
  type OtlpSpan,
  type OtlpValue,
} from '../internal/otlp/model.js';

const FORMAT = 'OTLP JSON';
const MAX_VALUE_DEPTH = 32;
const KIND_NAMES: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_NAMES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

type Obj = Record<string, unknown>;

function bad(path: string, what: string): never {
  return malformed(FORMAT, `${path} ${what}`);
}

/** A field by its lowerCamelCase name, else its proto snake_case name (the collector takes both). */
function get(o: Obj, camel: string, snake: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : o[snake];
}

function obj(v: unknown, path: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) bad(path, 'must be an object');
  return v as Obj;
}

function arr(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) bad(path, 'must be an array');
  return v;
}

function str(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') bad(path, 'must be a string');
  return v;
}

function uint(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
  return bad(path, 'must be a non-negative integer');
}

function enumValue(v: unknown, names: Record<string, number>, path: string): number {
  if (typeof v === 'string' && names[v] !== undefined) return names[v];
  return uint(v, path);
}

/** Parses uint64 unix nanos (string or number) into whole microseconds and leftover nanos. */
function nanos(v: unknown, path: string): [number, number] {
  if (v === undefined || v === null) return [0, 0];
  if (typeof v === 'string') {
    if (!/^\d{1,20}$/.test(v)) bad(path, 'must be unsigned integer nanoseconds');
    if (v.length <= 3) return [0, Number(v)];
    return [Number(v.slice(0, -3)), Number(v.slice(-3))];
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) {
    const us = Math.floor(v / 1000);
    return [us, Math.max(0, Math.min(999, v - us * 1000))];
  }
  return bad(path, 'must be unsigned integer nanoseconds');
}

/** Parses an OTLP/JSON ExportTraceServiceRequest body into the OTLP model. */
export function readExportRequestJson(body: Uint8Array): OtlpResourceSpans[] {
  if (isBlank(body)) return [];
  const o = obj(parseJsonBody(body), 'the body');
  if (o === undefined) bad('the body', 'must be an object');
  return arr(get(o, 'resourceSpans', 'resource_spans'), 'resourceSpans').map((v, i) => readResourceSpans(v, `resourceSpans[${i}]`));
}

function readResourceSpans(v: unknown, path: string): OtlpResourceSpans {
  const o = obj(v, path) ?? {};
  const resource = obj(o.resource, `${path}.resource`);
  return {
    attributes: resource === undefined ? [] : readAttributes(resource.attributes, `${path}.resource.attributes`),
    scopeSpans: arr(get(o, 'scopeSpans', 'scope_spans'), `${path}.scopeSpans`).map((s, j) =>
      readScopeSpans(s, `${path}.scopeSpans[${j}]`),
    ),
  };
}

function readScopeSpans(v: unknown, path: string): OtlpScopeSpans {
  const o = obj(v, path) ?? {};
  const scope = obj(o.scope, `${path}.scope`) ?? {};
  return {
    scope: {
      name: str(scope.name, `${path}.scope.name`),
      version: str(scope.version, `${path}.scope.version`),
      attributes: readAttributes(scope.attributes, `${path}.scope.attributes`),
    },
    spans: arr(o.spans, `${path}.spans`).map((s, k) => readSpan(s, `${path}.spans[${k}]`)),
  };
}

function readSpan(v: unknown, path: string): OtlpSpan {
  const o = obj(v, path) ?? {};
  const s = emptySpan();
  s.traceId = str(get(o, 'traceId', 'trace_id'), `${path}.traceId`);
  s.spanId = str(get(o, 'spanId', 'span_id'), `${path}.spanId`);
  s.parentSpanId = str(get(o, 'parentSpanId', 'parent_span_id'), `${path}.parentSpanId`);
  s.traceState = str(get(o, 'traceState', 'trace_state'), `${path}.traceState`);
  s.name = str(o.name, `${path}.name`);
  s.kind = enumValue(o.kind, KIND_NAMES, `${path}.kind`);
  [s.startUs, s.startRemNs] = nanos(get(o, 'startTimeUnixNano', 'start_time_unix_nano'), `${path}.startTimeUnixNano`);
  [s.endUs, s.endRemNs] = nanos(get(o, 'endTimeUnixNano', 'end_time_unix_nano'), `${path}.endTimeUnixNano`);
  s.attributes = readAttributes(o.attributes, `${path}.attributes`);
  s.droppedAttributesCount = uint(get(o, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`);
  s.events = arr(o.events, `${path}.events`).map((e, i) => readEvent(e, `${path}.events[${i}]`));
  s.droppedEventsCount = uint(get(o, 'droppedEventsCount', 'dropped_events_count'), `${path}.droppedEventsCount`);
  s.links = arr(o.links, `${path}.links`).map((l, i) => readLink(l, `${path}.links[${i}]`));
  s.droppedLinksCount = uint(get(o, 'droppedLinksCount', 'dropped_links_count'), `${path}.droppedLinksCount`);
  const status = obj(o.status, `${path}.status`);
  if (status !== undefined) {
    s.statusCode = enumValue(status.code, STATUS_NAMES, `${path}.status.code`);
    s.statusMessage = str(status.message, `${path}.status.message`);
  }
  return s;
}

function readEvent(v: unknown, path: string): OtlpEvent {
  const o = obj(v, path) ?? {};
  return {
    timeUs: nanos(get(o, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`)[0],
    name: str(o.name, `${path}.name`),
    attributes: readAttributes(o.attributes, `${path}.attributes`),
    droppedAttributesCount: uint(get(o, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`),
  };
}

function readLink(v: unknown, path: string): OtlpLink {
  const o = obj(v, path) ?? {};
  return {
    traceId: str(get(o, 'traceId', 'trace_id'), `${path}.traceId`).toLowerCase(),
    spanId: str(get(o, 'spanId', 'span_id'), `${path}.spanId`).toLowerCase(),
    traceState: str(get(o, 'traceState', 'trace_state'), `${path}.traceState`),
    attributes: readAttributes(o.attributes, `${path}.attributes`),
    droppedAttributesCount: uint(get(o, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`),
  };
}

function readAttributes(v: unknown, path: string, depth = 0): OtlpAttribute[] {
  return arr(v, path).map((kv, i) => {
    const p = `${path}[${i}]`;
    const o = obj(kv, p) ?? {};
    return { key: str(o.key, `${p}.key`), value: readAnyValue(o.value, `${p}.value`, depth) };
  });
}

function readAnyValue(v: unknown, path: string, depth: number): OtlpValue {
  const o = obj(v, path);
  if (o === undefined) return null;
  let x: unknown;
  if ((x = get(o, 'stringValue', 'string_value')) !== undefined) return str(x, `${path}.stringValue`);
  if ((x = get(o, 'boolValue', 'bool_value')) !== undefined) {
    if (typeof x !== 'boolean') bad(`${path}.boolValue`, 'must be true or false');
    return x;
  }
  if ((x = get(o, 'intValue', 'int_value')) !== undefined) return int64(x, `${path}.intValue`);
  if ((x = get(o, 'doubleValue', 'double_value')) !== undefined) return double(x, `${path}.doubleValue`);
  if ((x = get(o, 'bytesValue', 'bytes_value')) !== undefined) {
    const b64 = str(x, `${path}.bytesValue`);
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(b64)) bad(`${path}.bytesValue`, 'must be base64');
    return new Uint8Array(Buffer.from(b64, 'base64'));
  }
  const isArray = (x = get(o, 'arrayValue', 'array_value')) !== undefined;
  if (isArray || (x = get(o, 'kvlistValue', 'kvlist_value')) !== undefined) {
    const p = `${path}.${isArray ? 'arrayValue' : 'kvlistValue'}`;
    if (depth >= MAX_VALUE_DEPTH) bad(p, `nests deeper than ${MAX_VALUE_DEPTH} levels`);
    const values = (obj(x, p) ?? {}).values;
    if (!isArray) return new OtlpKvList(readAttributes(values, `${p}.values`, depth + 1));
    return arr(values, `${p}.values`).map((e, i) => readAnyValue(e, `${p}.values[${i}]`, depth + 1));
  }
  return null;
}

function int64(v: unknown, path: string): number | bigint {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,19}$/.test(v)) {
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
    const b = BigInt(v);
    if (b >= -(2n ** 63n) && b < 2n ** 63n) return b;
  }
  return bad(path, 'must be a 64-bit integer');
}

function double(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return bad(path, 'must be a number');
}

function isBlank(body: Uint8Array): boolean {
  for (const b of body) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  return true;
}
