import type { Endpoint, Span } from '@skein/model';
import { hexInto } from '../internal/hex.js';
import { ipv4Bytes, ipv6Bytes } from '../internal/ip.js';
import { FIXED64, VARINT } from '../internal/proto-reader.js';
import { ProtoWriter } from '../internal/proto-writer.js';

const KIND_NUMBER = { CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 } as const;

function writeId(w: ProtoWriter, field: number, hex: string): void {
  const n = hex.length >>> 1;
  w.tag(field, 2);
  w.varint(n);
  w.ensure(n);
  hexInto(hex, w.buf, w.pos);
  w.pos += n;
}

function writeFixed64(w: ProtoWriter, field: number, v: number): void {
  w.tag(field, FIXED64);
  const hi = Math.floor(v / 4294967296);
  w.fixed64(v - hi * 4294967296, hi);
}

function writeEndpoint(w: ProtoWriter, field: number, ep: Endpoint): void {
  const m = w.begin(field);
  if (ep.serviceName !== undefined && ep.serviceName !== '') {
    w.tag(1, 2);
    w.string(ep.serviceName);
  }
  const v4 = ep.ipv4 !== undefined ? ipv4Bytes(ep.ipv4) : undefined;
  if (v4 !== undefined) {
    w.tag(2, 2);
    w.bytes(v4);
  }
  const v6 = ep.ipv6 !== undefined ? ipv6Bytes(ep.ipv6) : undefined;
  if (v6 !== undefined) {
    w.tag(3, 2);
    w.bytes(v6);
  }
  if (ep.port !== undefined && ep.port > 0) {
    w.tag(4, VARINT);
    w.varint(ep.port);
  }
  w.end(m);
}

/** Writes spans as a zipkin.proto3 ListOfSpans, fields in Zipkin's order. */
export function writeListOfSpans(spans: readonly Span[]): Uint8Array {
  const w = new ProtoWriter(64 + spans.length * 256);
  for (const s of spans) {
    const m = w.begin(1);
    writeId(w, 1, s.traceId);
    if (s.parentId !== undefined) writeId(w, 2, s.parentId);
    writeId(w, 3, s.id);
    if (s.kind !== undefined) {
      w.tag(4, VARINT);
      w.varint(KIND_NUMBER[s.kind]);
    }
    if (s.name !== undefined && s.name !== '') {
      w.tag(5, 2);
      w.string(s.name);
    }
    if (s.timestamp !== undefined && s.timestamp > 0) writeFixed64(w, 6, s.timestamp);
    if (s.duration !== undefined && s.duration > 0) {
      w.tag(7, VARINT);
      w.varint(s.duration);
    }
    if (s.localEndpoint !== undefined) writeEndpoint(w, 8, s.localEndpoint);
    if (s.remoteEndpoint !== undefined) writeEndpoint(w, 9, s.remoteEndpoint);
    if (s.annotations !== undefined) {
      for (const a of s.annotations) {
        const am = w.begin(10);
        writeFixed64(w, 1, a.timestamp);
        w.tag(2, 2);
        w.string(a.value);
        w.end(am);
      }
    }
    if (s.tags !== undefined) {
      for (const key in s.tags) {
        const tm = w.begin(11);
        w.tag(1, 2);
        w.string(key);
        const value = s.tags[key]!;
        if (value !== '') {
          w.tag(2, 2);
          w.string(value);
        }
        w.end(tm);
      }
    }
    if (s.debug === true) {
      w.tag(12, VARINT);
      w.varint(1);
    }
    if (s.shared === true) {
      w.tag(13, VARINT);
      w.varint(1);
    }
    w.end(m);
  }
  return w.finish().slice();
}
