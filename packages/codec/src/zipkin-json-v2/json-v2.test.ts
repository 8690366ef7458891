import { readdirSync, readFileSync } from 'node:fs';
import { CodecError, SkeinError, SpanValidationError } from '@skein/model';
import type { Span } from '@skein/model';
import { describe, expect, it } from 'vitest';
import { ZIPKIN_JSON_V2 } from './index.js';

const testdata = new URL('../../../model/testdata/', import.meta.url);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

function fixtures(): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = [];
  for (const dir of ['zipkin-lens', 'zipkin-bench']) {
    for (const f of readdirSync(new URL(`${dir}/`, testdata))) {
      const raw = readFileSync(new URL(`${dir}/${f}`, testdata), 'utf8').trim();
      out.push([`${dir}/${f}`, bytes(raw.startsWith('[') ? raw : `[${raw}]`)]);
    }
  }
  return out;
}

function skeinError(fn: () => unknown): SkeinError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SkeinError);
    expect((err as SkeinError).code).toMatch(/^[A-Z_]+$/);
    return err as SkeinError;
  }
  throw new Error('expected a SkeinError');
}

const span = { traceId: '463ac35c9f6413ad', id: '352bff9a74ca9ad2' };

describe('ZIPKIN_JSON_V2 with real traces', () => {
  it.each(fixtures())('%s decodes, and encode/decode round-trips', (_name, body) => {
    const spans = ZIPKIN_JSON_V2.decode(body);
    const raw = JSON.parse(new TextDecoder().decode(body)) as unknown[];
    expect(spans).toHaveLength(raw.length);
    expect(ZIPKIN_JSON_V2.decode(ZIPKIN_JSON_V2.encode(spans))).toEqual(spans);
  });

  it('keeps the fields of a real span', () => {
    const [, body] = fixtures().find(([n]) => n.endsWith('zipkin2-client.json')) as [string, Uint8Array];
    const [s] = ZIPKIN_JSON_V2.decode(body) as [Span];
    expect(s).toMatchObject({ kind: 'CLIENT', localEndpoint: { serviceName: 'frontend' } });
    expect(s.annotations?.length).toBeGreaterThan(0);
    expect(Object.keys(s.tags ?? {}).length).toBeGreaterThan(0);
  });
});

describe('ZIPKIN_JSON_V2.decode edge bodies', () => {
  it('decodes an empty body, whitespace and [] to no spans', () => {
    expect(ZIPKIN_JSON_V2.decode(new Uint8Array())).toEqual([]);
    expect(ZIPKIN_JSON_V2.decode(bytes(' \n'))).toEqual([]);
    expect(ZIPKIN_JSON_V2.decode(bytes('[]'))).toEqual([]);
  });
  it('normalizes what it decodes', () => {
    const body = bytes(JSON.stringify([{ traceId: '0000000000000000000000000000000A'.toLowerCase(), id: 'b', name: 'GET', timestamp: 0 }]));
    expect(ZIPKIN_JSON_V2.decode(body)).toEqual([{ traceId: '000000000000000a', id: '000000000000000b', name: 'get' }]);
  });
  it('rejects a non-array body', () => {
    expect(skeinError(() => ZIPKIN_JSON_V2.decode(bytes(JSON.stringify(span))))).toMatchObject({ code: 'SPANS_NOT_ARRAY' });
    expect(skeinError(() => ZIPKIN_JSON_V2.decode(bytes('"x"'))).code).toBe('SPANS_NOT_ARRAY');
  });
  it('names the span index and field of a rule violation', () => {
    const body = bytes(JSON.stringify([span, span, { ...span, traceId: '463AC35C9F6413AD' }]));
    const err = skeinError(() => ZIPKIN_JSON_V2.decode(body));
    expect(err).toBeInstanceOf(SpanValidationError);
    expect(err).toMatchObject({ code: 'SPAN_INVALID_TRACE_ID', index: 2, field: 'traceId' });
    expect(err.message).toMatch(/^span 2: traceId "463AC35C9F6413AD"/);
  });
  it('reports malformed JSON with the byte offset', () => {
    const err = skeinError(() => ZIPKIN_JSON_V2.decode(bytes('[{"traceId":"é"} x]')));
    expect(err).toBeInstanceOf(CodecError);
    expect(err.code).toBe('JSON_MALFORMED');
    expect((err as CodecError).offset).toBe(18);
    expect(err.message).toContain('at byte 18');
    // V8 gives no position for these; the fallback scanner finds it
    expect((skeinError(() => ZIPKIN_JSON_V2.decode(bytes('[{"a":1},,]'))) as CodecError).offset).toBe(9);
    expect((skeinError(() => ZIPKIN_JSON_V2.decode(bytes('["é",x]'))) as CodecError).offset).toBe(6);
    expect((skeinError(() => ZIPKIN_JSON_V2.decode(bytes('[{"a":'))) as CodecError).offset).toBe(6);
  });
  it('reports truncated JSON at every cut of a real trace', () => {
    const [, body] = fixtures().find(([n]) => n.endsWith('yelp.json')) as [string, Uint8Array];
    for (let cut = 1; cut < body.length - 1; cut += 7) {
      const err = skeinError(() => ZIPKIN_JSON_V2.decode(body.subarray(0, cut)));
      expect(['JSON_MALFORMED', 'SPAN_INVALID_TRACE_ID', 'SPAN_INVALID_ID']).toContain(err.code);
    }
  });
});

describe('ZIPKIN_JSON_V2.decode hostile input', () => {
  it('rejects random bytes with a SkeinError', () => {
    let seed = 42;
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let n = 0; n < 300; n++) {
      const body = Uint8Array.from({ length: 1 + (n % 64) }, next);
      try {
        const spans = ZIPKIN_JSON_V2.decode(body);
        expect(Array.isArray(spans)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(SkeinError);
      }
    }
  });
  it('survives deeply nested arrays and objects', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(skeinError(() => ZIPKIN_JSON_V2.decode(bytes(deep)))).toMatchObject({ code: 'SPAN_NOT_OBJECT', index: 0 });
    const deepTag = `[{"traceId":"1","id":"1","tags":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}]`;
    expect(skeinError(() => ZIPKIN_JSON_V2.decode(bytes(deepTag)))).toMatchObject({ code: 'SPAN_INVALID_TAG', field: 'tags["a"]' });
    const deepUnknown = `[{"traceId":"1","id":"1","x":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}]`;
    expect(ZIPKIN_JSON_V2.decode(bytes(deepUnknown))).toHaveLength(1);
  });
  it('accepts 1 MB strings as data and quotes them briefly in errors', () => {
    const big = 'x'.repeat(1 << 20);
    const [s] = ZIPKIN_JSON_V2.decode(bytes(JSON.stringify([{ ...span, tags: { big } }]))) as [Span];
    expect(s.tags?.big).toHaveLength(1 << 20);
    const err = skeinError(() => ZIPKIN_JSON_V2.decode(bytes(JSON.stringify([{ ...span, id: big }]))));
    expect(err.code).toBe('SPAN_INVALID_ID');
    expect(err.message.length).toBeLessThan(200);
  });
  it('rejects wrong types with the field named', () => {
    const cases: Array<[unknown, string, string]> = [
      [{ ...span, timestamp: '1' }, 'SPAN_INVALID_TYPE', 'timestamp'],
      [{ ...span, annotations: {} }, 'SPAN_INVALID_TYPE', 'annotations'],
      [{ ...span, tags: { a: false } }, 'SPAN_INVALID_TAG', 'tags["a"]'],
      [{ ...span, localEndpoint: { port: 'x' } }, 'SPAN_INVALID_TYPE', 'localEndpoint.port'],
      [{ ...span, id: 1 }, 'SPAN_INVALID_TYPE', 'id'],
      ['span', 'SPAN_NOT_OBJECT', ''],
      [null, 'SPAN_NOT_OBJECT', ''],
    ];
    for (const [input, code, field] of cases) {
      const err = skeinError(() => ZIPKIN_JSON_V2.decode(bytes(JSON.stringify([span, input]))));
      expect(err, JSON.stringify(input)).toMatchObject({ code, field, index: 1 });
      expect(err.message).toMatch(/^span 1: /);
    }
  });
  it('rejects wrong-length, non-hex and upper-case ids', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ traceId: '1'.repeat(33) }, 'SPAN_INVALID_TRACE_ID'],
      [{ traceId: 'g'.repeat(16) }, 'SPAN_INVALID_TRACE_ID'],
      [{ traceId: 'ABCDEF0123456789' }, 'SPAN_INVALID_TRACE_ID'],
      [{ id: '1'.repeat(17) }, 'SPAN_INVALID_ID'],
      [{ id: '' }, 'SPAN_INVALID_ID'],
      [{ id: 'Ab' }, 'SPAN_INVALID_ID'],
      [{ parentId: '0x12' }, 'SPAN_INVALID_PARENT_ID'],
    ];
    for (const [patch, code] of cases) {
      expect(skeinError(() => ZIPKIN_JSON_V2.decode(bytes(JSON.stringify([{ ...span, ...patch }])))).code).toBe(code);
    }
  });
  it('keeps a __proto__ tag as data', () => {
    const [s] = ZIPKIN_JSON_V2.decode(bytes(`[{"traceId":"1","id":"2","tags":{"__proto__":"x"}}]`)) as [Span];
    expect(Object.keys(s.tags ?? {})).toEqual(['__proto__']);
    expect(new TextDecoder().decode(ZIPKIN_JSON_V2.encode([s]))).toContain('"tags":{"__proto__":"x"}');
  });
});

describe('ZIPKIN_JSON_V2.encode', () => {
  it('writes Zipkin field order and omits absent fields', () => {
    const s: Span = {
      traceId: '463ac35c9f6413ad', id: '352bff9a74ca9ad2', parentId: '0000000000000001', kind: 'SERVER', name: 'get "x"',
      timestamp: 10, duration: 5, localEndpoint: { serviceName: 'a', ipv4: '1.2.3.4', port: 80 }, remoteEndpoint: { ipv6: '::1' },
      annotations: [{ timestamp: 11, value: 'ws' }], tags: { 'k\n': 'v\u2028' }, debug: true, shared: true,
    };
    expect(new TextDecoder().decode(ZIPKIN_JSON_V2.encode([s, span]))).toBe(
      '[{"traceId":"463ac35c9f6413ad","parentId":"0000000000000001","id":"352bff9a74ca9ad2","kind":"SERVER",' +
        '"name":"get \\"x\\"","timestamp":10,"duration":5,"localEndpoint":{"serviceName":"a","ipv4":"1.2.3.4","port":80},' +
        '"remoteEndpoint":{"ipv6":"::1"},"annotations":[{"timestamp":11,"value":"ws"}],"tags":{"k\\n":"v\u2028"},' +
        '"debug":true,"shared":true},{"traceId":"463ac35c9f6413ad","id":"352bff9a74ca9ad2"}]',
    );
    expect(new TextDecoder().decode(ZIPKIN_JSON_V2.encode([]))).toBe('[]');
  });
  it('rounds fractional microseconds so Zipkin readers accept them', () => {
    const s: Span = { ...span, timestamp: 1_600_000_000.4, duration: 2.6, annotations: [{ timestamp: 10.5, value: 'a' }] };
    expect(ZIPKIN_JSON_V2.decode(ZIPKIN_JSON_V2.encode([s]))).toEqual([{ ...span, timestamp: 1_600_000_000, duration: 3, annotations: [{ timestamp: 11, value: 'a' }] }]);
  });
  it('encodes non-ASCII as UTF-8', () => {
    const s: Span = { ...span, name: '查询' };
    expect(ZIPKIN_JSON_V2.decode(ZIPKIN_JSON_V2.encode([s]))).toEqual([s]);
  });
});
