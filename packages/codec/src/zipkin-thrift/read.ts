import { toHex } from '../internal/hex.js';
import { ipv4FromInt, ipv6Text } from '../internal/ip.js';
import {
  T_BOOL,
  T_I16,
  T_I32,
  T_I64,
  T_LIST,
  T_STOP,
  T_STRING,
  T_STRUCT,
  ThriftReader,
} from '../internal/thrift-reader.js';

/** A v1 endpoint as read from thrift (absent fields left out). */
export interface ThriftEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

/** A v1 span read from zipkinCore.thrift, in the shape of Zipkin's JSON v1 model. */
export interface ThriftV1Span {
  traceId: string;
  id: string;
  name?: string;
  parentId?: string;
  timestamp?: number;
  duration?: number;
  debug?: boolean;
  annotations: { timestamp: number; value: string; endpoint?: ThriftEndpoint }[];
  binaryAnnotations: { key: string; value: string | true; endpoint?: ThriftEndpoint }[];
}

const ANNOTATION_TYPE_BOOL = 0;
const ANNOTATION_TYPE_STRING = 6;

/**
 * Reads a TBinaryProtocol list<Span> of zipkinCore.thrift into v1 spans, with the leniencies of
 * Zipkin's V1ThriftSpanReader: annotations without timestamp or value are dropped; binary
 * annotations are kept when STRING, or when BOOL true with an endpoint under "ca"/"sa"/"ma"
 * (address annotations); fields with an unexpected type are skipped. The list header's element
 * type must be STRUCT (or STRING, which an old zipkin-reporter-java wrote).
 */
export function readThriftList(buf: Uint8Array): ThriftV1Span[] {
  const r = new ThriftReader(buf, 'zipkin thrift');
  if (buf.length === 0) return [];
  const type = buf[0];
  if (type !== T_STRUCT && type !== T_STRING) r.fail(`expected a list of spans (element type 12), got type ${type}`);
  r.pos = 1;
  const n = readCount(r);
  const out: ThriftV1Span[] = [];
  for (let i = 0; i < n; i++) out.push(readSpan(r));
  if (r.pos !== buf.length) r.fail(`${buf.length - r.pos} bytes after the last span`);
  return out;
}

function readCount(r: ThriftReader): number {
  const n = r.i32();
  if (n < 0) r.fail(`negative list size ${n}`);
  if (n > r.buf.length - r.pos) r.fail(`list size ${n} exceeds the ${r.buf.length - r.pos} bytes left`);
  return n;
}

function readSpan(r: ThriftReader): ThriftV1Span {
  const s: ThriftV1Span = { traceId: '', id: '', annotations: [], binaryAnnotations: [] };
  let traceIdHigh = '';
  for (let t = r.fieldBegin(); t !== T_STOP; t = r.fieldBegin()) {
    const f = r.fieldId;
    if (t === T_I64 && (f === 1 || f === 4 || f === 5 || f === 12)) {
      const p = r.i64Offset();
      const hex = toHex(r.buf, p, p + 8);
      if (f === 1) s.traceId = hex;
      else if (f === 4) s.id = hex;
      else if (f === 5) {
        if (hex !== '0000000000000000') s.parentId = hex;
      } else traceIdHigh = hex;
    } else if (t === T_STRING && f === 3) {
      const name = r.string();
      if (name !== '') s.name = name;
    } else if (t === T_LIST && f === 6) {
      const n = r.listBegin(T_STRUCT);
      for (let i = 0; i < n; i++) readAnnotation(r, s);
    } else if (t === T_LIST && f === 8) {
      const n = r.listBegin(T_STRUCT);
      for (let i = 0; i < n; i++) readBinaryAnnotation(r, s);
    } else if (t === T_BOOL && f === 9) {
      if (r.byte() === 1) s.debug = true;
    } else if (t === T_I64 && f === 10) {
      s.timestamp = r.i64();
    } else if (t === T_I64 && f === 11) {
      s.duration = r.i64();
    } else r.skip(t);
  }
  if (traceIdHigh !== '' && traceIdHigh !== '0000000000000000') s.traceId = traceIdHigh + s.traceId;
  return s;
}

function readEndpoint(r: ThriftReader): ThriftEndpoint {
  const ep: ThriftEndpoint = {};
  for (let t = r.fieldBegin(); t !== T_STOP; t = r.fieldBegin()) {
    const f = r.fieldId;
    if (t === T_I32 && f === 1) {
      const ip = r.i32();
      if (ip !== 0) ep.ipv4 = ipv4FromInt(ip);
    } else if (t === T_I16 && f === 2) {
      const port = r.i16() & 0xffff; // unsigned in the thrift doc
      if (port !== 0) ep.port = port;
    } else if (t === T_STRING && f === 3) {
      ep.serviceName = r.string();
    } else if (t === T_STRING && f === 4) {
      const b = r.binary();
      if (b.length === 16) {
        const ip = ipv6Text(b);
        if (ip.ipv6 !== undefined) ep.ipv6 = ip.ipv6;
        else if (ip.ipv4 !== undefined) ep.ipv4 ??= ip.ipv4;
      }
    } else r.skip(t);
  }
  return ep;
}

function readAnnotation(r: ThriftReader, s: ThriftV1Span): void {
  let timestamp = 0;
  let value: string | undefined;
  let endpoint: ThriftEndpoint | undefined;
  for (let t = r.fieldBegin(); t !== T_STOP; t = r.fieldBegin()) {
    const f = r.fieldId;
    if (t === T_I64 && f === 1) timestamp = r.i64();
    else if (t === T_STRING && f === 2) value = r.string();
    else if (t === T_STRUCT && f === 3) endpoint = readEndpoint(r);
    else r.skip(t);
  }
  if (timestamp === 0 || value === undefined) return;
  s.annotations.push(endpoint !== undefined ? { timestamp, value, endpoint } : { timestamp, value });
}

function readBinaryAnnotation(r: ThriftReader, s: ThriftV1Span): void {
  let key: string | undefined;
  let value: Uint8Array | undefined;
  let type = -1;
  let endpoint: ThriftEndpoint | undefined;
  for (let t = r.fieldBegin(); t !== T_STOP; t = r.fieldBegin()) {
    const f = r.fieldId;
    if (t === T_STRING && f === 1) key = r.string();
    else if (t === T_STRING && f === 2) value = r.binary();
    else if (t === T_I32 && f === 3) type = r.i32();
    else if (t === T_STRUCT && f === 4) endpoint = readEndpoint(r);
    else r.skip(t);
  }
  if (key === undefined || value === undefined) return;
  if (type === ANNOTATION_TYPE_STRING) {
    const text = new TextDecoder().decode(value);
    s.binaryAnnotations.push(endpoint !== undefined ? { key, value: text, endpoint } : { key, value: text });
  } else if (type === ANNOTATION_TYPE_BOOL && value.length === 1 && value[0] === 1 && endpoint !== undefined) {
    if (key === 'ca' || key === 'sa' || key === 'ma') s.binaryAnnotations.push({ key, value: true, endpoint });
  }
}
