import { setTag } from '@skein/model';
import { ipv4Text, ipv6Text } from '../internal/ip.js';
import { FIXED64, LEN, ProtoReader, VARINT } from '../internal/proto-reader.js';

const KINDS = [undefined, 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'] as const;

/** A span as read from proto3, shaped like Zipkin JSON v2 input for normalizeSpan. */
export type RawSpan = Record<string, unknown>;

/**
 * Reads a zipkin.proto3 ListOfSpans into plain span objects, applying the leniencies of Zipkin's
 * own reader: empty strings are absent, annotations without timestamp or value and tags without
 * key are dropped, unknown kinds are ignored, unknown fields skipped. Ids become lower-hex; their
 * length is checked by normalizeSpan.
 */
export function readListOfSpans(buf: Uint8Array): RawSpan[] {
  const r = new ProtoReader(buf, 'zipkin proto3');
  const out: RawSpan[] = [];
  while (r.pos < buf.length) {
    const t = r.tag();
    if (t === ((1 << 3) | LEN)) out.push(readSpan(r, r.message()));
    else if (t >>> 3 === 1) r.wrongType(t, 'ListOfSpans');
    else r.skip(t & 7);
  }
  return out;
}

function hexField(r: ProtoReader): string {
  return r.hex();
}

function readSpan(r: ProtoReader, end: number): RawSpan {
  const s: RawSpan = {};
  let annotations: { timestamp: number; value: string }[] | undefined;
  let tags: Record<string, string> | undefined;
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case (1 << 3) | LEN:
        s.traceId = hexField(r);
        break;
      case (2 << 3) | LEN: {
        const parentId = hexField(r);
        if (parentId !== '') s.parentId = parentId;
        break;
      }
      case (3 << 3) | LEN:
        s.id = hexField(r);
        break;
      case (4 << 3) | VARINT: {
        const kind = KINDS[r.uint32()];
        if (kind !== undefined) s.kind = kind;
        break;
      }
      case (5 << 3) | LEN: {
        const name = r.string();
        if (name !== '') s.name = name;
        break;
      }
      case (6 << 3) | FIXED64:
        r.fixed64();
        s.timestamp = r.hi * 4294967296 + r.lo;
        break;
      case (7 << 3) | VARINT:
        s.duration = r.uint64();
        break;
      case (8 << 3) | LEN:
        s.localEndpoint = readEndpoint(r, r.message());
        break;
      case (9 << 3) | LEN:
        s.remoteEndpoint = readEndpoint(r, r.message());
        break;
      case (10 << 3) | LEN: {
        const a = readAnnotation(r, r.message());
        if (a !== undefined) (annotations ??= []).push(a);
        break;
      }
      case (11 << 3) | LEN:
        readTag(r, r.message(), (tags ??= {}));
        break;
      case (12 << 3) | VARINT:
        if (r.bool()) s.debug = true;
        break;
      case (13 << 3) | VARINT:
        if (r.bool()) s.shared = true;
        break;
      default:
        if (t >>> 3 <= 13) r.wrongType(t, 'Span');
        r.skip(t & 7);
    }
  }
  r.end(end, 'Span');
  if (annotations !== undefined) s.annotations = annotations;
  if (tags !== undefined) s.tags = tags;
  return s;
}

function readEndpoint(r: ProtoReader, end: number): Record<string, unknown> {
  const ep: Record<string, unknown> = {};
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case (1 << 3) | LEN: {
        const name = r.string();
        if (name !== '') ep.serviceName = name;
        break;
      }
      case (2 << 3) | LEN: {
        const b = r.bytes();
        if (b.length === 4) ep.ipv4 = ipv4Text(b);
        break;
      }
      case (3 << 3) | LEN: {
        const b = r.bytes();
        if (b.length === 16) {
          const ip = ipv6Text(b);
          if (ip.ipv4 !== undefined) ep.ipv4 ??= ip.ipv4;
          if (ip.ipv6 !== undefined) ep.ipv6 = ip.ipv6;
        }
        break;
      }
      case (4 << 3) | VARINT: {
        const port = r.uint32() | 0; // int32: negative means absent; over 65535 fails validation
        if (port > 0) ep.port = port;
        break;
      }
      default:
        if (t >>> 3 <= 4) r.wrongType(t, 'Endpoint');
        r.skip(t & 7);
    }
  }
  r.end(end, 'Endpoint');
  return ep;
}

function readAnnotation(r: ProtoReader, end: number): { timestamp: number; value: string } | undefined {
  let timestamp = 0;
  let value = '';
  while (r.pos < end) {
    const t = r.tag();
    if (t === ((1 << 3) | FIXED64)) {
      r.fixed64();
      timestamp = r.hi * 4294967296 + r.lo;
    } else if (t === ((2 << 3) | LEN)) value = r.string();
    else if (t >>> 3 <= 2) r.wrongType(t, 'Annotation');
    else r.skip(t & 7);
  }
  r.end(end, 'Annotation');
  return timestamp === 0 || value === '' ? undefined : { timestamp, value };
}

function readTag(r: ProtoReader, end: number, tags: Record<string, string>): void {
  let key = '';
  let value = '';
  while (r.pos < end) {
    const t = r.tag();
    if (t === ((1 << 3) | LEN)) key = r.string();
    else if (t === ((2 << 3) | LEN)) value = r.string();
    else if (t >>> 3 <= 2) r.wrongType(t, 'tags entry');
    else r.skip(t & 7);
  }
  r.end(end, 'tags entry');
  if (key !== '') setTag(tags, key, value);
}
