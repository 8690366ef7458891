import {
  emptySpan,
  type OtlpEvent,
  type OtlpLink,
  type OtlpResourceSpans,
  type OtlpScope,
  type OtlpScopeSpans,
  type OtlpSpan,
} from '../internal/otlp/model.js';
import { FIXED32, FIXED64, LEN, microsOf, nanosRemOf, ProtoReader, VARINT } from '../internal/proto-reader.js';
import { readKeyValue } from './read-values.js';

// Field keys ((field << 3) | wireType) of the messages we read, from opentelemetry-proto.
const K_RESOURCE_SPANS = (1 << 3) | LEN;
const K_RS_RESOURCE = (1 << 3) | LEN;
const K_RS_SCOPE_SPANS = (2 << 3) | LEN;
const K_RES_ATTRIBUTES = (1 << 3) | LEN;
const K_SS_SCOPE = (1 << 3) | LEN;
const K_SS_SPANS = (2 << 3) | LEN;

/** Reads an ExportTraceServiceRequest (or TracesData: same layout) into the OTLP model. */
export function readExportRequest(buf: Uint8Array): OtlpResourceSpans[] {
  const r = new ProtoReader(buf, 'OTLP protobuf');
  const out: OtlpResourceSpans[] = [];
  while (r.pos < buf.length) {
    const t = r.tag();
    if (t === K_RESOURCE_SPANS) out.push(readResourceSpans(r, r.message()));
    else if (t >>> 3 === 1) r.wrongType(t, 'ExportTraceServiceRequest');
    else r.skip(t & 7);
  }
  return out;
}

function readResourceSpans(r: ProtoReader, end: number): OtlpResourceSpans {
  const rs: OtlpResourceSpans = { attributes: [], scopeSpans: [] };
  while (r.pos < end) {
    const t = r.tag();
    if (t === K_RS_SCOPE_SPANS) rs.scopeSpans.push(readScopeSpans(r, r.message()));
    else if (t === K_RS_RESOURCE) {
      const e = r.message();
      while (r.pos < e) {
        const u = r.tag();
        if (u === K_RES_ATTRIBUTES) rs.attributes.push(readKeyValue(r, r.message(), 0));
        else r.skip(u & 7);
      }
      r.end(e, 'Resource');
    } else if (t >>> 3 <= 2) r.wrongType(t, 'ResourceSpans');
    else r.skip(t & 7);
  }
  r.end(end, 'ResourceSpans');
  return rs;
}

function readScopeSpans(r: ProtoReader, end: number): OtlpScopeSpans {
  const ss: OtlpScopeSpans = { scope: { name: '', version: '', attributes: [] }, spans: [] };
  while (r.pos < end) {
    const t = r.tag();
    if (t === K_SS_SPANS) ss.spans.push(readSpan(r, r.message()));
    else if (t === K_SS_SCOPE) ss.scope = readScope(r, r.message());
    else if (t >>> 3 <= 2) r.wrongType(t, 'ScopeSpans');
    else r.skip(t & 7);
  }
  r.end(end, 'ScopeSpans');
  return ss;
}

function readScope(r: ProtoReader, end: number): OtlpScope {
  const scope: OtlpScope = { name: '', version: '', attributes: [] };
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case (1 << 3) | LEN:
        scope.name = r.string();
        break;
      case (2 << 3) | LEN:
        scope.version = r.string();
        break;
      case (3 << 3) | LEN:
        scope.attributes.push(readKeyValue(r, r.message(), 0));
        break;
      default:
        if (t >>> 3 <= 3) r.wrongType(t, 'InstrumentationScope');
        r.skip(t & 7);
    }
  }
  r.end(end, 'InstrumentationScope');
  return scope;
}

function readSpan(r: ProtoReader, end: number): OtlpSpan {
  const s = emptySpan();
  let slo = 0;
  let shi = 0;
  let elo = 0;
  let ehi = 0;
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case (1 << 3) | LEN:
        s.traceId = r.hex();
        break;
      case (2 << 3) | LEN:
        s.spanId = r.hex();
        break;
      case (3 << 3) | LEN:
        s.traceState = r.string();
        break;
      case (4 << 3) | LEN:
        s.parentSpanId = r.hex();
        break;
      case (5 << 3) | LEN:
        s.name = r.string();
        break;
      case (6 << 3) | VARINT:
        s.kind = r.uint32();
        break;
      case (7 << 3) | FIXED64:
        r.fixed64();
        slo = r.lo;
        shi = r.hi;
        break;
      case (8 << 3) | FIXED64:
        r.fixed64();
        elo = r.lo;
        ehi = r.hi;
        break;
      case (9 << 3) | LEN:
        s.attributes.push(readKeyValue(r, r.message(), 0));
        break;
      case (10 << 3) | VARINT:
        s.droppedAttributesCount = r.uint32();
        break;
      case (11 << 3) | LEN:
        s.events.push(readEvent(r, r.message()));
        break;
      case (12 << 3) | VARINT:
        s.droppedEventsCount = r.uint32();
        break;
      case (13 << 3) | LEN:
        s.links.push(readLink(r, r.message()));
        break;
      case (14 << 3) | VARINT:
        s.droppedLinksCount = r.uint32();
        break;
      case (15 << 3) | LEN:
        readStatus(r, r.message(), s);
        break;
      case (16 << 3) | FIXED32:
        r.fixed32(); // W3C trace flags: nothing in the Zipkin model holds them
        break;
      default:
        if (t >>> 3 <= 16) r.wrongType(t, 'Span');
        r.skip(t & 7);
    }
  }
  r.end(end, 'Span');
  s.startUs = microsOf(slo, shi);
  s.startRemNs = nanosRemOf(slo, shi);
  s.endUs = microsOf(elo, ehi);
  s.endRemNs = nanosRemOf(elo, ehi);
  return s;
}

function readStatus(r: ProtoReader, end: number, s: OtlpSpan): void {
  while (r.pos < end) {
    const t = r.tag();
    if (t === ((2 << 3) | LEN)) s.statusMessage = r.string();
    else if (t === ((3 << 3) | VARINT)) s.statusCode = r.uint32();
    else if (t >>> 3 === 2 || t >>> 3 === 3) r.wrongType(t, 'Status');
    else r.skip(t & 7);
  }
  r.end(end, 'Status');
}

function readEvent(r: ProtoReader, end: number): OtlpEvent {
  const e: OtlpEvent = { timeUs: 0, name: '', attributes: [], droppedAttributesCount: 0 };
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case (1 << 3) | FIXED64:
        r.fixed64();
        e.timeUs = microsOf(r.lo, r.hi);
        break;
      case (2 << 3) | LEN:
        e.name = r.string();
        break;
      case (3 << 3) | LEN:
        e.attributes.push(readKeyValue(r, r.message(), 0));
        break;
      case (4 << 3) | VARINT:
        e.droppedAttributesCount = r.uint32();
        break;
      default:
        if (t >>> 3 <= 4) r.wrongType(t, 'Span.Event');
        r.skip(t & 7);
    }
  }
  r.end(end, 'Span.Event');
  return e;
}

function readLink(r: ProtoReader, end: number): OtlpLink {
  const l: OtlpLink = { traceId: '', spanId: '', traceState: '', attributes: [], droppedAttributesCount: 0 };
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case (1 << 3) | LEN:
        l.traceId = r.hex();
        break;
      case (2 << 3) | LEN:
        l.spanId = r.hex();
        break;
      case (3 << 3) | LEN:
        l.traceState = r.string();
        break;
      case (4 << 3) | LEN:
        l.attributes.push(readKeyValue(r, r.message(), 0));
        break;
      case (5 << 3) | VARINT:
        l.droppedAttributesCount = r.uint32();
        break;
      case (6 << 3) | FIXED32:
        r.fixed32();
        break;
      default:
        if (t >>> 3 <= 6) r.wrongType(t, 'Span.Link');
        r.skip(t & 7);
    }
  }
  r.end(end, 'Span.Link');
  return l;
}
