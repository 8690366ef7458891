import { createRequire } from 'node:module';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { readExportRequest } from '../otlp-proto/read.js';
import { readListOfSpans } from '../zipkin-proto3/read.js';
import { writeListOfSpans } from '../zipkin-proto3/write.js';
import { readThriftList } from '../zipkin-thrift/read.js';
import { MALFORMED } from './errors.js';
import { seededRandom } from '@skein/model/testing';

const require = createRequire(import.meta.url);

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** Asserts fn throws our malformed-input error (not a TypeError/RangeError from a crash). */
function expectMalformed(fn: () => unknown, message?: RegExp): void {
  const e = errorOf(fn) as { code?: string; message?: string } | undefined;
  expect(e, 'expected a malformed-input error').toBeDefined();
  expect(e!.code, String(e!.message)).toBe(MALFORMED);
  if (message !== undefined) expect(e!.message).toMatch(message);
}

/** Asserts fn either returns or throws our malformed-input error. */
function expectReturnsOrMalformed(fn: () => unknown): void {
  const e = errorOf(fn) as { code?: string; message?: string } | undefined;
  if (e !== undefined) expect(e.code, String(e.message)).toBe(MALFORMED);
}

function otlpSample(): Uint8Array {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'svc' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const span = provider.getTracer('scope', '1').startSpan('op', {
    kind: SpanKind.CLIENT,
    attributes: { s: 'x', b: true, i: 7, d: 2.5, a: ['p', 'q'] },
  });
  span.addEvent('e', { k: 'v' });
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'bad' });
  span.end();
  return ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!;
}

function proto3Sample(): Uint8Array {
  return writeListOfSpans([
    {
      traceId: '463ac35c9f6413ad48485a3953bb6124',
      id: 'a2fb4a1d1a96d312',
      parentId: '0020000000000001',
      kind: 'CLIENT',
      name: 'get',
      timestamp: 1472470996199000,
      duration: 207000,
      localEndpoint: { serviceName: 'frontend', ipv4: '127.0.0.1', port: 8080 },
      remoteEndpoint: { serviceName: 'backend', ipv6: '2001:db8::c001', port: 9000 },
      annotations: [{ timestamp: 1472470996238000, value: 'foo' }],
      tags: { 'http.path': '/api', 'clnt/finagle.version': '6.45.0' },
    },
  ]);
}

function thriftSample(): Uint8Array {
  const { model, TraceId, option } = require('zipkin') as typeof import('zipkin');
  const thrift = require('zipkin-encoder-thrift') as { encode(span: unknown): Buffer };
  const span = new model.Span(
    new TraceId({ traceId: '48485a3953bb6124', spanId: 'a2fb4a1d1a96d312', parentId: new option.Some('0020000000000001') }),
  );
  span.setName('get');
  span.setKind('CLIENT');
  span.setTimestamp(1472470996199000);
  span.setDuration(207000);
  span.setLocalEndpoint(new model.Endpoint({ serviceName: 'frontend', ipv4: '127.0.0.1', port: 8080 }));
  span.setRemoteEndpoint(new model.Endpoint({ serviceName: 'backend', ipv4: '192.168.99.101', port: 9000 }));
  span.addAnnotation(1472470996238000, 'foo');
  span.putTag('http.path', '/api');
  const struct = thrift.encode(span);
  const header = Buffer.from([12, 0, 0, 0, 1]);
  return new Uint8Array(Buffer.concat([header, struct]));
}

const readers: [string, (b: Uint8Array) => unknown, () => Uint8Array][] = [
  ['OTLP protobuf', readExportRequest, otlpSample],
  ['zipkin proto3', readListOfSpans, proto3Sample],
  ['zipkin thrift', readThriftList, thriftSample],
];

describe.each(readers)('%s reader on hostile input', (_name, read, sample) => {
  it('reads the valid sample', () => {
    expect(read(sample())).toHaveLength(1);
  });

  it('throws a malformed error when truncated at every offset', () => {
    const bytes = sample();
    for (let n = 1; n < bytes.length; n++) expectMalformed(() => read(bytes.subarray(0, n)));
  });

  it('survives 3,000 seeded random byte strings', () => {
    const next = seededRandom(12345);
    for (let i = 0; i < 3000; i++) {
      const b = new Uint8Array(Math.floor(next() * 300));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(next() * 256);
      expectReturnsOrMalformed(() => read(b));
    }
  });

  it('survives 3,000 seeded single-byte mutations of the valid sample', () => {
    const next = seededRandom(777);
    const bytes = sample();
    for (let i = 0; i < 3000; i++) {
      const b = bytes.slice();
      b[Math.floor(next() * b.length)] = Math.floor(next() * 256);
      expectReturnsOrMalformed(() => read(b));
    }
  });
});

describe('protobuf readers reject wire-level lies', () => {
  it('a length larger than the bytes left', () => {
    // field 1 (LEN) claiming 1 MB with only 3 bytes following
    const b = Uint8Array.from([0x0a, 0x80, 0x80, 0x40, 1, 2, 3]);
    expectMalformed(() => readExportRequest(b), /length 1048576 exceeds the 3 bytes left/);
    expectMalformed(() => readListOfSpans(b), /exceeds/);
  });

  it('a varint longer than 10 bytes', () => {
    const b = Uint8Array.from([0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expectMalformed(() => readExportRequest(b), /varint longer than 10 bytes/);
    expectMalformed(() => readListOfSpans(b), /varint longer than 10 bytes/);
  });

  it('a known field with the wrong wire type', () => {
    expectMalformed(() => readExportRequest(Uint8Array.from([0x08, 0x01])), /field 1 of ExportTraceServiceRequest has wrong wire type 0/);
    // span (field 1) containing trace_id (field 1) as a varint
    expectMalformed(() => readListOfSpans(Uint8Array.from([0x0a, 0x02, 0x08, 0x01])), /field 1 of Span has wrong wire type 0/);
  });

  it('groups (wire types 3 and 4), nested or not', () => {
    expectMalformed(() => readExportRequest(Uint8Array.from([0x13, 0x14])), /groups/);
    const nested = new Uint8Array(2000).fill(0x13); // 2,000 nested start-group keys of field 2
    expectMalformed(() => readExportRequest(nested), /groups/);
    expectMalformed(() => readListOfSpans(nested), /groups/);
  });

  it('field number 0 and invalid wire types 6 and 7', () => {
    expectMalformed(() => readExportRequest(Uint8Array.from([0x02, 0x00])), /field number 0/);
    expectMalformed(() => readExportRequest(Uint8Array.from([0x16])), /invalid wire type 6/);
    expectMalformed(() => readListOfSpans(Uint8Array.from([0x17])), /invalid wire type 7/);
  });

  it('attribute values nested deeper than 32 levels (no stack overflow)', () => {
    // AnyValue{array_value: ArrayValue{values: AnyValue{...}}} nested 100 deep inside a span attribute
    let inner: number[] = [0x0a, 0x01, 0x78]; // AnyValue{string_value: "x"}
    for (let i = 0; i < 100; i++) {
      const arrayValue = [0x0a, ...varint(inner.length), ...inner]; // ArrayValue.values
      inner = [0x2a, ...varint(arrayValue.length), ...arrayValue]; // AnyValue.array_value
    }
    const kv = [0x0a, 0x01, 0x6b, 0x12, ...varint(inner.length), ...inner];
    const span = [0x4a, ...varint(kv.length), ...kv];
    const scopeSpans = [0x12, ...varint(span.length), ...span];
    const rs = [0x12, ...varint(scopeSpans.length), ...scopeSpans];
    const req = Uint8Array.from([0x0a, ...varint(rs.length), ...rs]);
    expectMalformed(() => readExportRequest(req), /nested deeper than 32/);
  });

  it('reads a 1 MB string attribute intact', () => {
    const big = 'x'.repeat(1 << 20);
    const value = [0x0a, ...varint(big.length)];
    const bytes = new Uint8Array(value.length + big.length);
    bytes.set(value);
    bytes.set(Buffer.from(big), value.length);
    // wrap: KeyValue{key:"k", value: AnyValue}
    const kvHead = [0x0a, 0x01, 0x6b, 0x12, ...varint(bytes.length)];
    const kv = concat(Uint8Array.from(kvHead), bytes);
    const span = concat(Uint8Array.from([0x4a, ...varint(kv.length)]), kv);
    const ss = concat(Uint8Array.from([0x12, ...varint(span.length)]), span);
    const rs = concat(Uint8Array.from([0x12, ...varint(ss.length)]), ss);
    const req = concat(Uint8Array.from([0x0a, ...varint(rs.length)]), rs);
    const out = readExportRequest(req);
    expect(out[0]!.scopeSpans[0]!.spans[0]!.attributes[0]!.value).toBe(big);
  });
});

describe('thrift reader rejects lying headers', () => {
  it('a negative list size', () => {
    expectMalformed(() => readThriftList(Uint8Array.from([12, 0xff, 0xff, 0xff, 0xfe])), /negative list size -2/);
  });

  it('a list size larger than the bytes could hold, without allocating or looping', () => {
    expectMalformed(() => readThriftList(Uint8Array.from([12, 0x7f, 0xff, 0xff, 0xff, 0])), /list size 2147483647 exceeds/);
  });

  it('a string length beyond the buffer', () => {
    // list of 1 span; field 3 (name, STRING) with length 1 GB
    const b = Uint8Array.from([12, 0, 0, 0, 1, 11, 0, 3, 0x40, 0, 0, 0, 0x61]);
    expectMalformed(() => readThriftList(b), /length 1073741824 exceeds/);
  });

  it('an unknown field type', () => {
    expectMalformed(() => readThriftList(Uint8Array.from([12, 0, 0, 0, 1, 99, 0, 1, 0])), /unknown field type 99/);
  });

  it('a list whose element type is unknown (would otherwise loop over zero-byte elements)', () => {
    // span field 20 of type LIST with element type 1 (VOID) and 2^31-1 elements
    const b = Uint8Array.from([12, 0, 0, 0, 1, 15, 0, 20, 1, 0x7f, 0xff, 0xff, 0xff, 0]);
    expectMalformed(() => readThriftList(b), /unknown list element type 1/);
  });

  it('deeply nested lists (no stack overflow)', () => {
    // span field 20: list<list<list<...>>> 5,000 deep, each with one element
    const parts: number[] = [12, 0, 0, 0, 1, 15, 0, 20];
    for (let i = 0; i < 5000; i++) parts.push(15, 0, 0, 0, 1);
    parts.push(8, 0, 0, 0, 0);
    expectMalformed(() => readThriftList(Uint8Array.from(parts)), /nested deeper than 64/);
  });

  it('a body that is not a list', () => {
    expectMalformed(() => readThriftList(Uint8Array.from([10, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0])), /expected a list of spans/);
  });

  it('bytes after the last span', () => {
    expectMalformed(() => readThriftList(concat(thriftSample(), Uint8Array.from([0]))), /1 bytes after the last span/);
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
