import { SkeinError, type Span } from '@skein/model';
import { describe, expect, it } from 'vitest';
import { OTLP_JSON } from '../otlp-json/index.js';
import { OTLP_PROTO } from '../otlp-proto/index.js';
import type { SpanCodec } from '../span-codec.js';
import { ZIPKIN_PROTO3 } from '../zipkin-proto3/index.js';
import { ZIPKIN_THRIFT } from '../zipkin-thrift/index.js';
import { seededRandom } from '@skein/model/testing';

const spans: Span[] = [
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
    tags: { 'http.path': '/api', error: 'x' },
  },
  { traceId: '48485a3953bb6124', id: '0020000000000001', kind: 'SERVER', name: 'get', timestamp: 1472470996100000, duration: 5, localEndpoint: { serviceName: 'backend' } },
];

/** Either spans or a SkeinError (CodecError / SpanValidationError) with a code: never a crash. */
function decodeOrSkeinError(codec: SpanCodec, b: Uint8Array): void {
  try {
    codec.decode(b);
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(SkeinError);
    expect(typeof (e as SkeinError).code).toBe('string');
  }
}

describe.each([ZIPKIN_PROTO3, ZIPKIN_THRIFT, OTLP_PROTO, OTLP_JSON])('$name codec on hostile bytes', (codec) => {
  const valid = codec.encode(spans);

  it('round-trips its own encoding', () => {
    expect(codec.decode(valid).length).toBeGreaterThanOrEqual(spans.length);
  });

  it('carries a 1 MB tag value', () => {
    const big = 'v'.repeat(1 << 20);
    const [first] = codec.decode(codec.encode([{ ...spans[1]!, tags: { big } }]));
    expect(first!.tags?.big).toBe(big);
  });

  it('2,000 seeded random byte strings give spans or a SkeinError', () => {
    const next = seededRandom(42);
    for (let i = 0; i < 2000; i++) {
      const b = new Uint8Array(Math.floor(next() * 400));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(next() * 256);
      decodeOrSkeinError(codec, b);
    }
  });

  it('2,000 seeded mutations of a valid body give spans or a SkeinError', () => {
    const next = seededRandom(7);
    for (let i = 0; i < 2000; i++) {
      const b = valid.slice();
      const edits = 1 + Math.floor(next() * 4);
      for (let k = 0; k < edits; k++) b[Math.floor(next() * b.length)] = Math.floor(next() * 256);
      decodeOrSkeinError(codec, b);
    }
  });

  it('every truncation of a valid body throws a SkeinError', () => {
    for (let n = 1; n < valid.length; n++) {
      let thrown: unknown;
      try {
        codec.decode(valid.subarray(0, n));
      } catch (e) {
        thrown = e;
      }
      // protobuf repeated fields may end cleanly between top-level elements (spans, resource
      // spans): that is a shorter valid message, not an error
      if (thrown === undefined && (codec === ZIPKIN_PROTO3 || codec === OTLP_PROTO)) continue;
      expect(thrown, `truncated at ${n}`).toBeInstanceOf(SkeinError);
    }
  });
});
