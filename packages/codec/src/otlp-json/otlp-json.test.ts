import { CodecError, SpanValidationError } from '@skein/model';
import { describe, expect, it } from 'vitest';
import { OTLP_JSON } from './index.js';

const body = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const request = (spans: unknown[], resource: unknown = { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] }): unknown => ({
  resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'lib', version: '1' }, spans }] }],
});
const TRACE = '5B8EFFF798038103D269B633813FC60C';
const SPAN = 'EEE19B7EC3C1B174';

function errorOf(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('OTLP_JSON.decode', () => {
  it('reads the OTLP/JSON example shape: hex ids (either case), uint64 as strings, enums as integers', () => {
    const [s] = OTLP_JSON.decode(
      body(
        request([
          {
            traceId: TRACE,
            spanId: SPAN,
            parentSpanId: 'EEE19B7EC3C1B173',
            name: 'I am a span!',
            startTimeUnixNano: '1544712660000000000',
            endTimeUnixNano: '1544712661000000000',
            kind: 2,
            attributes: [{ key: 'my.span.attr', value: { stringValue: 'some value' } }],
            status: { code: 1 },
          },
        ]),
      ),
    );
    expect(s).toEqual({
      traceId: '5b8efff798038103d269b633813fc60c',
      id: 'eee19b7ec3c1b174',
      parentId: 'eee19b7ec3c1b173',
      kind: 'SERVER',
      name: 'i am a span!',
      timestamp: 1544712660000000,
      duration: 1000000,
      localEndpoint: { serviceName: 'api' },
      tags: { 'otel.scope.name': 'lib', 'otel.scope.version': '1', 'my.span.attr': 'some value', 'otel.status_code': 'OK' },
    });
  });

  it('accepts snake_case field names, enum names and numbers for 64-bit values, as the Collector does', () => {
    const [s] = OTLP_JSON.decode(
      body({
        resource_spans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { string_value: 'api' } }] },
            scope_spans: [
              {
                spans: [
                  {
                    trace_id: TRACE,
                    span_id: SPAN,
                    kind: 'SPAN_KIND_CLIENT',
                    start_time_unix_nano: 1544712660000000000,
                    end_time_unix_nano: '1544712660000500000',
                    attributes: [
                      { key: 'n', value: { int_value: 7 } },
                      { key: 'big', value: { intValue: '-9223372036854775808' } },
                      { key: 'd', value: { double_value: 'NaN' } },
                      { key: 'b', value: { bytesValue: 'AAH+/w==' } },
                      { key: 'kv', value: { kvlist_value: { values: [{ key: 'x', value: { array_value: { values: [{ boolValue: false }] } } }] } } },
                    ],
                    status: { code: 'STATUS_CODE_ERROR', message: 'bad' },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(s!.kind).toBe('CLIENT');
    expect(s!.timestamp).toBe(1544712660000000);
    expect(s!.duration).toBe(500);
    expect(s!.tags).toEqual({
      n: '7',
      big: '-9223372036854775808',
      d: 'NaN',
      b: 'AAH+/w==',
      kv: '{"x":[false]}',
      'otel.status_code': 'ERROR',
      error: 'bad',
      'otel.status_description': 'bad',
    });
  });

  it('an empty body or an empty request is no spans', () => {
    expect(OTLP_JSON.decode(new Uint8Array())).toEqual([]);
    expect(OTLP_JSON.decode(body('{}'))).toEqual([]);
    expect(OTLP_JSON.decode(body({ resourceSpans: [] }))).toEqual([]);
  });

  it('names the JSON path of a wrong type', () => {
    const cases: [unknown, RegExp][] = [
      ['[]', /the body must be an object/],
      [{ resourceSpans: {} }, /resourceSpans must be an array/],
      [request([{ traceId: TRACE, spanId: SPAN, startTimeUnixNano: '12.5' }]), /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.startTimeUnixNano must be unsigned integer nanoseconds/],
      [request([{ traceId: 5, spanId: SPAN }]), /spans\[0\]\.traceId must be a string/],
      [request([{ traceId: TRACE, spanId: SPAN, kind: 'SIDEWAYS' }]), /spans\[0\]\.kind must be a non-negative integer/],
      [request([{ traceId: TRACE, spanId: SPAN, attributes: [{ key: 'k', value: { intValue: '1e3' } }] }]), /attributes\[0\]\.value\.intValue must be a 64-bit integer/],
      [request([{ traceId: TRACE, spanId: SPAN, attributes: [{ key: 'k', value: { boolValue: 'yes' } }] }]), /boolValue must be true or false/],
      [request([{ traceId: TRACE, spanId: SPAN, attributes: [{ key: 'k', value: { bytesValue: '!!' } }] }]), /bytesValue must be base64/],
    ];
    for (const [input, message] of cases) {
      const e = errorOf(() => OTLP_JSON.decode(body(input)));
      expect(e).toBeInstanceOf(CodecError);
      expect(e.code).toBe('BODY_MALFORMED');
      expect(e.message).toMatch(message);
    }
  });

  it('rejects malformed JSON with JSON_MALFORMED, at every truncation of a valid body', () => {
    const text = JSON.stringify(request([{ traceId: TRACE, spanId: SPAN, name: 'x' }]));
    for (let n = 1; n < text.length; n++) {
      const e = errorOf(() => OTLP_JSON.decode(body(text.slice(0, n))));
      expect(e).toBeInstanceOf(CodecError);
      expect(e.code).toBe('JSON_MALFORMED');
    }
  });

  it('refuses attribute values nested deeper than 32 levels', () => {
    let v: unknown = { stringValue: 'x' };
    for (let i = 0; i < 100; i++) v = { arrayValue: { values: [v] } };
    const e = errorOf(() => OTLP_JSON.decode(body(request([{ traceId: TRACE, spanId: SPAN, attributes: [{ key: 'k', value: v }] }]))));
    expect(e.code).toBe('BODY_MALFORMED');
    expect(e.message).toMatch(/nests deeper than 32 levels/);
  });

  it('keeps a 1 MB attribute string', () => {
    const big = 'z'.repeat(1 << 20);
    const [s] = OTLP_JSON.decode(body(request([{ traceId: TRACE, spanId: SPAN, attributes: [{ key: 'k', value: { stringValue: big } }] }])));
    expect(s!.tags?.k).toBe(big);
  });

  it('rejects non-hex and wrong-length ids, naming the span', () => {
    const e = errorOf(() => OTLP_JSON.decode(body(request([{ traceId: TRACE, spanId: SPAN }, { traceId: 'xyz', spanId: SPAN }]))));
    expect(e).toBeInstanceOf(SpanValidationError);
    expect(e.code).toBe('SPAN_INVALID_TRACE_ID');
    expect(e.message).toBe('span 1: resourceSpans[0].scopeSpans[0].spans[1]: traceId must be 16 bytes (32 hex characters), got "xyz"');
  });
});

describe('OTLP_JSON.encode', () => {
  it('writes hex ids, uint64 nanos as strings and integer enums', () => {
    const out = JSON.parse(
      new TextDecoder().decode(
        OTLP_JSON.encode([
          { traceId: '48485a3953bb6124', id: 'a2fb4a1d1a96d312', kind: 'PRODUCER', name: 'send', timestamp: 1472470996199000, duration: 5, localEndpoint: { serviceName: 'q' } },
        ]),
      ),
    ) as { resourceSpans: { resource: unknown; scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
    expect(out.resourceSpans[0]!.resource).toEqual({ attributes: [{ key: 'service.name', value: { stringValue: 'q' } }] });
    const s = out.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(s).toMatchObject({
      traceId: '000000000000000048485a3953bb6124',
      spanId: 'a2fb4a1d1a96d312',
      name: 'send',
      kind: 4,
      startTimeUnixNano: '1472470996199000000',
      endTimeUnixNano: '1472470996199005000',
    });
  });
});
