import { hexInto } from '../internal/hex.js';
import { OtlpKvList, type OtlpAttribute, type OtlpResourceSpans, type OtlpSpan, type OtlpValue } from '../internal/otlp/model.js';
import { FIXED64, VARINT } from '../internal/proto-reader.js';
import { ProtoWriter } from '../internal/proto-writer.js';

/** Writes an ExportTraceServiceRequest in protobuf wire format. */
export function writeExportRequest(resources: readonly OtlpResourceSpans[]): Uint8Array {
  const w = new ProtoWriter(256 + resources.length * 512);
  for (const rs of resources) {
    const m = w.begin(1);
    const res = w.begin(1);
    for (const a of rs.attributes) writeKeyValue(w, 1, a);
    w.end(res);
    for (const ss of rs.scopeSpans) {
      const sm = w.begin(2);
      const sc = w.begin(1);
      if (ss.scope.name !== '') {
        w.tag(1, 2);
        w.string(ss.scope.name);
      }
      if (ss.scope.version !== '') {
        w.tag(2, 2);
        w.string(ss.scope.version);
      }
      for (const a of ss.scope.attributes) writeKeyValue(w, 3, a);
      w.end(sc);
      for (const s of ss.spans) writeSpan(w, s);
      w.end(sm);
    }
    w.end(m);
  }
  return w.finish().slice();
}

function writeId(w: ProtoWriter, field: number, hex: string): void {
  w.tag(field, 2);
  const n = hex.length >>> 1;
  w.varint(n);
  w.ensure(n);
  hexInto(hex, w.buf, w.pos);
  w.pos += n;
}

/** Writes unix nanos = micros * 1000 (+ remNs) as fixed64, exactly. */
function writeMicrosAsNanos(w: ProtoWriter, field: number, micros: number, remNs: number): void {
  w.tag(field, FIXED64);
  const hiMicros = Math.floor(micros / 4294967296);
  const loMicros = micros - hiMicros * 4294967296;
  const low = loMicros * 1000 + remNs; // < 2^42, exact
  const carry = Math.floor(low / 4294967296);
  w.fixed64(low - carry * 4294967296, hiMicros * 1000 + carry);
}

function writeSpan(w: ProtoWriter, s: OtlpSpan): void {
  const m = w.begin(2);
  writeId(w, 1, s.traceId);
  writeId(w, 2, s.spanId);
  if (s.traceState !== '') {
    w.tag(3, 2);
    w.string(s.traceState);
  }
  if (s.parentSpanId !== '') writeId(w, 4, s.parentSpanId);
  if (s.name !== '') {
    w.tag(5, 2);
    w.string(s.name);
  }
  if (s.kind !== 0) {
    w.tag(6, VARINT);
    w.varint(s.kind);
  }
  if (s.startUs > 0) writeMicrosAsNanos(w, 7, s.startUs, s.startRemNs);
  if (s.endUs > 0) writeMicrosAsNanos(w, 8, s.endUs, s.endRemNs);
  for (const a of s.attributes) writeKeyValue(w, 9, a);
  if (s.droppedAttributesCount > 0) {
    w.tag(10, VARINT);
    w.varint(s.droppedAttributesCount);
  }
  for (const e of s.events) {
    const em = w.begin(11);
    if (e.timeUs > 0) writeMicrosAsNanos(w, 1, e.timeUs, 0);
    if (e.name !== '') {
      w.tag(2, 2);
      w.string(e.name);
    }
    for (const a of e.attributes) writeKeyValue(w, 3, a);
    if (e.droppedAttributesCount > 0) {
      w.tag(4, VARINT);
      w.varint(e.droppedAttributesCount);
    }
    w.end(em);
  }
  if (s.droppedEventsCount > 0) {
    w.tag(12, VARINT);
    w.varint(s.droppedEventsCount);
  }
  for (const l of s.links) {
    const lm = w.begin(13);
    writeId(w, 1, l.traceId);
    writeId(w, 2, l.spanId);
    if (l.traceState !== '') {
      w.tag(3, 2);
      w.string(l.traceState);
    }
    for (const a of l.attributes) writeKeyValue(w, 4, a);
    if (l.droppedAttributesCount > 0) {
      w.tag(5, VARINT);
      w.varint(l.droppedAttributesCount);
    }
    w.end(lm);
  }
  if (s.droppedLinksCount > 0) {
    w.tag(14, VARINT);
    w.varint(s.droppedLinksCount);
  }
  if (s.statusCode !== 0 || s.statusMessage !== '') {
    const sm = w.begin(15);
    if (s.statusMessage !== '') {
      w.tag(2, 2);
      w.string(s.statusMessage);
    }
    if (s.statusCode !== 0) {
      w.tag(3, VARINT);
      w.varint(s.statusCode);
    }
    w.end(sm);
  }
  w.end(m);
}

function writeKeyValue(w: ProtoWriter, field: number, a: OtlpAttribute): void {
  const m = w.begin(field);
  w.tag(1, 2);
  w.string(a.key);
  const v = w.begin(2);
  writeAnyValue(w, a.value);
  w.end(v);
  w.end(m);
}

function writeAnyValue(w: ProtoWriter, v: OtlpValue): void {
  if (typeof v === 'string') {
    w.tag(1, 2);
    w.string(v);
  } else if (typeof v === 'boolean') {
    w.tag(2, VARINT);
    w.varint(v ? 1 : 0);
  } else if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && v >= 0) {
      w.tag(3, VARINT);
      w.varint(v);
    } else if (Number.isSafeInteger(v)) writeInt64(w, BigInt.asUintN(64, BigInt(v)));
    else {
      w.tag(4, FIXED64);
      w.double(v);
    }
  } else if (typeof v === 'bigint') {
    writeInt64(w, BigInt.asUintN(64, v));
  } else if (v instanceof Uint8Array) {
    w.tag(7, 2);
    w.bytes(v);
  } else if (v instanceof OtlpKvList) {
    const m = w.begin(6);
    for (const a of v.values) writeKeyValue(w, 1, a);
    w.end(m);
  } else if (v !== null) {
    const m = w.begin(5);
    for (const x of v) {
      const e = w.begin(1);
      writeAnyValue(w, x);
      w.end(e);
    }
    w.end(m);
  }
}

function writeInt64(w: ProtoWriter, u: bigint): void {
  w.tag(3, VARINT);
  if (u < 0x20000000000000n) {
    w.varint(Number(u));
    return;
  }
  w.ensure(10);
  while (u > 0x7fn) {
    w.buf[w.pos++] = Number(u & 0x7fn) | 0x80;
    u >>= 7n;
  }
  w.buf[w.pos++] = Number(u);
}
