import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect.js';
import { writeListOfSpans } from './zipkin-proto3/write.js';

const require = createRequire(import.meta.url);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('detectFormat', () => {
  it('JSON v2 by its endpoint, tags or kind fields', () => {
    expect(detectFormat(text('[{"traceId":"a","id":"b","localEndpoint":{"serviceName":"x"}}]'))).toBe('zipkin-json-v2');
    expect(detectFormat(text('[{"traceId":"a","id":"b","remoteEndpoint":{"serviceName":"x"}}]'))).toBe('zipkin-json-v2');
    expect(detectFormat(text('[{"traceId":"a","id":"b","tags":{"k":"v"}}]'))).toBe('zipkin-json-v2');
    expect(detectFormat(text('[{"traceId":"a","id":"b","kind":"CLIENT"}]'))).toBe('zipkin-json-v2');
    expect(detectFormat(text(' \n[{"traceId":"a","id":"b","kind":"CLIENT"}]\n'))).toBe('zipkin-json-v2');
  });

  it('JSON v1 when none of the v2-only fields appear (annotations with endpoint, binaryAnnotations)', () => {
    const v1 =
      '[{"traceId":"a","id":"b","name":"get","annotations":[{"timestamp":1,"value":"cs","endpoint":{"serviceName":"x"}}],' +
      '"binaryAnnotations":[{"key":"http.path","value":"/","endpoint":{"serviceName":"x"}}]}]';
    expect(detectFormat(text(v1))).toBe('zipkin-json-v1');
    expect(detectFormat(text('[]'))).toBe('zipkin-json-v1');
    expect(detectFormat(text('\n[]'))).toBe('zipkin-json-v1');
  });

  it('proto3 by field 1 wire type 2 (0x0a) and a non-zero length', () => {
    const bytes = writeListOfSpans([{ traceId: '48485a3953bb6124', id: 'a2fb4a1d1a96d312', name: 'x' }]);
    expect(bytes[0]).toBe(0x0a);
    expect(detectFormat(bytes)).toBe('zipkin-proto3');
    expect(detectFormat(Uint8Array.from([0x0a, 0x00]))).toBeUndefined();
  });

  it('thrift by the list header element type STRUCT (12), from the real zipkin-js thrift encoder', () => {
    const { model, TraceId } = require('zipkin') as typeof import('zipkin');
    const thrift = require('zipkin-encoder-thrift') as { encode(span: unknown): Buffer };
    const span = new model.Span(new TraceId({ traceId: '48485a3953bb6124', spanId: 'a2fb4a1d1a96d312' }));
    span.setName('get');
    const body = Buffer.concat([Buffer.from([12, 0, 0, 0, 1]), thrift.encode(span)]);
    expect(detectFormat(body)).toBe('zipkin-thrift');
  });

  it('undefined for empty, other JSON and unknown bytes', () => {
    expect(detectFormat(new Uint8Array())).toBeUndefined();
    expect(detectFormat(text('{"resourceSpans":[]}'))).toBeUndefined();
    expect(detectFormat(text('hello'))).toBeUndefined();
    expect(detectFormat(Uint8Array.from([0xff, 0x00]))).toBeUndefined();
  });
});
