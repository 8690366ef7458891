import { CodecError, SkeinError, SpanValidationError } from '@skein/model';
import { describe, expect, it } from 'vitest';
import { ZIPKIN_JSON_V1 } from './index.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const span = { traceId: '463ac35c9f6413ad', id: '352bff9a74ca9ad2', name: 'get' };

function fails(body: Uint8Array): SkeinError {
  try {
    ZIPKIN_JSON_V1.decode(body);
  } catch (err) {
    expect(err).toBeInstanceOf(SkeinError);
    return err as SkeinError;
  }
  throw new Error('expected a SkeinError');
}

describe('ZIPKIN_JSON_V1.decode bad input', () => {
  it('decodes empty bodies and [] to nothing', () => {
    expect(ZIPKIN_JSON_V1.decode(new Uint8Array())).toEqual([]);
    expect(ZIPKIN_JSON_V1.decode(bytes('[]'))).toEqual([]);
  });
  it('rejects malformed and truncated JSON with JSON_MALFORMED', () => {
    const whole = JSON.stringify([{ ...span, annotations: [{ timestamp: 1, value: 'cs', endpoint: { serviceName: 'a' } }] }]);
    for (let cut = 1; cut < whole.length; cut += 3) {
      const err = fails(bytes(whole.slice(0, cut)));
      expect(err).toBeInstanceOf(CodecError);
      expect(err.code).toBe('JSON_MALFORMED');
    }
  });
  it('rejects random bytes and deep nesting with SkeinErrors', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let n = 0; n < 200; n++) {
      try {
        ZIPKIN_JSON_V1.decode(Uint8Array.from({ length: 1 + (n % 50) }, next));
      } catch (err) {
        expect(err).toBeInstanceOf(SkeinError);
      }
    }
    expect(fails(bytes('['.repeat(100_000) + ']'.repeat(100_000))).code).toBe('SPAN_NOT_OBJECT');
    const deep = `[{"traceId":"1","id":"2","binaryAnnotations":[{"key":"k","value":${'['.repeat(50_000)}${']'.repeat(50_000)}}]}]`;
    expect(ZIPKIN_JSON_V1.decode(bytes(deep))).toHaveLength(1);
  });
  it('names the span index and field for rule violations', () => {
    const cases: Array<[object, string, string]> = [
      [{ ...span, traceId: 'ABC' }, 'SPAN_INVALID_TRACE_ID', 'traceId'],
      [{ ...span, traceId: '0'.repeat(32) }, 'SPAN_INVALID_TRACE_ID', 'traceId'],
      [{ ...span, traceId: '1'.repeat(33) }, 'SPAN_INVALID_TRACE_ID', 'traceId'],
      [{ ...span, id: undefined }, 'SPAN_MISSING_ID', 'id'],
      [{ ...span, id: '0' }, 'SPAN_INVALID_ID', 'id'],
      [{ ...span, parentId: 'xyz' }, 'SPAN_INVALID_PARENT_ID', 'parentId'],
      [{ ...span, timestamp: 'now' }, 'SPAN_INVALID_TYPE', 'timestamp'],
      [{ ...span, annotations: [{ value: 'cs' }] }, 'SPAN_INVALID_ANNOTATION', 'annotations[0].timestamp'],
      [{ ...span, annotations: [{ timestamp: 1 }] }, 'SPAN_INVALID_ANNOTATION', 'annotations[0].value'],
      [{ ...span, annotations: [{ timestamp: 1, value: 'cs', endpoint: { port: 70000 } }] }, 'SPAN_INVALID_PORT', 'annotations[0].endpoint.port'],
      [{ ...span, binaryAnnotations: [{ value: 'x' }] }, 'SPAN_INVALID_BINARY_ANNOTATION', 'binaryAnnotations[0].key'],
      [{ ...span, binaryAnnotations: ['x'] }, 'SPAN_INVALID_BINARY_ANNOTATION', 'binaryAnnotations[0]'],
      [{ ...span, binaryAnnotations: {} }, 'SPAN_INVALID_TYPE', 'binaryAnnotations'],
      [{ ...span, debug: 'yes' }, 'SPAN_INVALID_TYPE', 'debug'],
      [[], 'SPAN_NOT_OBJECT', ''],
    ];
    for (const [input, code, field] of cases) {
      const err = fails(bytes(JSON.stringify([span, input])));
      expect(err, JSON.stringify(input)).toBeInstanceOf(SpanValidationError);
      expect(err, JSON.stringify(input)).toMatchObject({ code, field, index: 1 });
      expect(err.message).toMatch(/^span 1: /);
    }
    expect(fails(bytes(JSON.stringify(span))).code).toBe('SPANS_NOT_ARRAY');
  });
  it('reads v1 ids as Zipkin does: low 64 bits of longer ids, zero high half dropped', () => {
    const [s] = ZIPKIN_JSON_V1.decode(bytes(JSON.stringify([{ traceId: '0000000000000000463ac35c9f6413ad', id: '48485a3953bb6124', parentId: '0' }])));
    expect(s).toEqual({ traceId: '463ac35c9f6413ad', id: '48485a3953bb6124' });
  });
  it('accepts 1 MB strings as data', () => {
    const big = 'y'.repeat(1 << 20);
    const [s] = ZIPKIN_JSON_V1.decode(bytes(JSON.stringify([{ ...span, binaryAnnotations: [{ key: 'big', value: big }] }])));
    expect(s?.tags?.big).toHaveLength(1 << 20);
  });
});
