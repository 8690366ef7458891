import { hexInto } from '../internal/hex.js';
import { ipv4ToInt, ipv6Bytes } from '../internal/ip.js';
import { T_BOOL, T_I16, T_I32, T_I64, T_LIST, T_STOP, T_STRING, T_STRUCT } from '../internal/thrift-reader.js';
import type { ThriftEndpoint, ThriftV1Span } from './read.js';

const utf8 = new TextEncoder();

/** A growable big-endian buffer for TBinaryProtocol. */
class ThriftWriter {
  buf = new Uint8Array(1024);
  pos = 0;

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  byte(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  i16(v: number): void {
    this.byte(v >> 8);
    this.byte(v);
  }

  i32(v: number): void {
    this.ensure(4);
    this.buf[this.pos++] = (v >>> 24) & 0xff;
    this.buf[this.pos++] = (v >>> 16) & 0xff;
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
  }

  i64(v: number): void {
    const hi = Math.floor(v / 4294967296);
    this.i32(hi | 0);
    this.i32((v - hi * 4294967296) | 0);
  }

  hex64(hex: string): void {
    this.ensure(8);
    hexInto(hex.padStart(16, '0'), this.buf, this.pos);
    this.pos += 8;
  }

  binary(b: Uint8Array): void {
    this.i32(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  field(type: number, id: number): void {
    this.byte(type);
    this.i16(id);
  }
}

function writeEndpoint(w: ThriftWriter, id: number, ep: ThriftEndpoint): void {
  w.field(T_STRUCT, id);
  w.field(T_I32, 1);
  w.i32(ep.ipv4 !== undefined ? ipv4ToInt(ep.ipv4) : 0);
  w.field(T_I16, 2);
  w.i16(ep.port ?? 0);
  w.field(T_STRING, 3);
  w.binary(utf8.encode(ep.serviceName ?? ''));
  const v6 = ep.ipv6 !== undefined ? ipv6Bytes(ep.ipv6) : undefined;
  if (v6 !== undefined) {
    w.field(T_STRING, 4);
    w.binary(v6);
  }
  w.byte(T_STOP);
}

/** Writes v1 spans as a TBinaryProtocol list<Span> of zipkinCore.thrift. */
export function writeThriftList(spans: readonly ThriftV1Span[]): Uint8Array {
  const w = new ThriftWriter();
  w.byte(T_STRUCT);
  w.i32(spans.length);
  for (const s of spans) {
    const traceId = s.traceId.padStart(16, '0');
    w.field(T_I64, 1);
    w.hex64(traceId.slice(-16));
    w.field(T_STRING, 3);
    w.binary(utf8.encode(s.name ?? ''));
    w.field(T_I64, 4);
    w.hex64(s.id);
    if (s.parentId !== undefined) {
      w.field(T_I64, 5);
      w.hex64(s.parentId);
    }
    w.field(T_LIST, 6);
    w.byte(T_STRUCT);
    w.i32(s.annotations.length);
    for (const a of s.annotations) {
      w.field(T_I64, 1);
      w.i64(a.timestamp);
      w.field(T_STRING, 2);
      w.binary(utf8.encode(a.value));
      if (a.endpoint !== undefined) writeEndpoint(w, 3, a.endpoint);
      w.byte(T_STOP);
    }
    w.field(T_LIST, 8);
    w.byte(T_STRUCT);
    w.i32(s.binaryAnnotations.length);
    for (const b of s.binaryAnnotations) {
      w.field(T_STRING, 1);
      w.binary(utf8.encode(b.key));
      w.field(T_STRING, 2);
      w.binary(b.value === true ? Uint8Array.of(1) : utf8.encode(b.value));
      w.field(T_I32, 3);
      w.i32(b.value === true ? 0 : 6); // AnnotationType BOOL or STRING
      if (b.endpoint !== undefined) writeEndpoint(w, 4, b.endpoint);
      w.byte(T_STOP);
    }
    if (s.debug === true) {
      w.field(T_BOOL, 9);
      w.byte(1);
    }
    if (s.timestamp !== undefined) {
      w.field(T_I64, 10);
      w.i64(s.timestamp);
    }
    if (s.duration !== undefined) {
      w.field(T_I64, 11);
      w.i64(s.duration);
    }
    if (traceId.length === 32) {
      w.field(T_I64, 12);
      w.hex64(traceId.slice(0, 16));
    }
    w.byte(T_STOP);
  }
  return w.buf.slice(0, w.pos);
}
