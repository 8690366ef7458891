import { fileURLToPath } from 'node:url';
import { SpanValidationError, type Span } from '@skein/model';
import protobuf from 'protobufjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { OTLP_PROTO } from './index.js';

/**
 * The real opentelemetry-proto schema (testdata/otlp-proto, Apache-2.0) loaded by protobufjs is
 * the independent judge: it decodes what our encoder writes and encodes inputs for our decoder.
 */
let Request: protobuf.Type;

beforeAll(async () => {
  const base = fileURLToPath(new URL('../../testdata/otlp-proto/', import.meta.url));
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => base + target;
  await root.load('opentelemetry/proto/collector/trace/v1/trace_service.proto');
  Request = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
});

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Buffer => Buffer.from(h, 'hex');

const client: Span = {
  traceId: '463ac35c9f6413ad48485a3953bb6124',
  id: 'a2fb4a1d1a96d312',
  parentId: '0020000000000001',
  kind: 'CLIENT',
  name: 'get /api',
  timestamp: 1472470996199000,
  duration: 207000,
  localEndpoint: { serviceName: 'frontend', ipv4: '127.0.0.1', port: 8080 },
  remoteEndpoint: { serviceName: 'backend', ipv6: '2001:db8::c001', port: 9000 },
  annotations: [{ timestamp: 1472470996238000, value: 'ws' }],
  tags: { 'http.path': '/api', 'clnt/finagle.version': '6.45.0', 'otel.scope.name': 'lib', 'otel.scope.version': '2' },
};
const server: Span = {
  traceId: '48485a3953bb6124',
  id: '0020000000000001',
  kind: 'SERVER',
  name: 'get',
  timestamp: 1472470996199001,
  duration: 1,
  localEndpoint: { serviceName: 'backend' },
  tags: { error: 'boom', 'http.status_code': '500' },
};
const local: Span = { traceId: '48485a3953bb6124', id: '0000000000000003', name: 'compute', localEndpoint: { serviceName: 'frontend' } };

describe('OTLP_PROTO.encode', () => {
  it('writes bytes the real schema decodes, grouped by service and scope', () => {
    const msg = Request.toObject(Request.decode(OTLP_PROTO.encode([client, server, local])), { longs: String, enums: Number }) as {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue: string } }[] };
        scopeSpans: { scope: { name?: string; version?: string }; spans: Record<string, unknown>[] }[];
      }[];
    };
    expect(msg.resourceSpans.map((r) => r.resource.attributes)).toEqual([
      [{ key: 'service.name', value: { stringValue: 'frontend' } }],
      [{ key: 'service.name', value: { stringValue: 'backend' } }],
    ]);
    const frontend = msg.resourceSpans[0]!.scopeSpans;
    expect(frontend.map((s) => s.scope)).toEqual([{ name: 'lib', version: '2' }, {}]);
    const s = frontend[0]!.spans[0]! as Record<string, unknown> & { traceId: Uint8Array; spanId: Uint8Array; parentSpanId: Uint8Array };
    expect(hex(s.traceId)).toBe(client.traceId);
    expect(hex(s.spanId)).toBe(client.id);
    expect(hex(s.parentSpanId)).toBe(client.parentId);
    expect(s.name).toBe('get /api');
    expect(s.kind).toBe(3); // SPAN_KIND_CLIENT
    expect(s.startTimeUnixNano).toBe('1472470996199000000');
    expect(s.endTimeUnixNano).toBe('1472470996406000000');
    expect(s.events).toEqual([{ timeUnixNano: '1472470996238000000', name: 'ws' }]);
    expect(s.attributes).toEqual([
      { key: 'http.path', value: { stringValue: '/api' } },
      { key: 'clnt/finagle.version', value: { stringValue: '6.45.0' } },
      { key: 'peer.service', value: { stringValue: 'backend' } },
      { key: 'network.peer.address', value: { stringValue: '2001:db8::c001' } },
      { key: 'network.peer.port', value: { intValue: '9000' } },
      { key: 'network.local.address', value: { stringValue: '127.0.0.1' } },
      { key: 'network.local.port', value: { intValue: '8080' } },
    ]);
    const b = msg.resourceSpans[1]!.scopeSpans[0]!.spans[0]! as Record<string, unknown> & { traceId: Uint8Array };
    expect(hex(b.traceId)).toBe('000000000000000048485a3953bb6124'); // 64-bit ids are left-padded to 16 bytes
    expect(b.status).toEqual({ code: 2, message: 'boom' });
    expect(b.kind).toBe(2);
    const l = frontend[1]!.spans[0]!;
    expect(l.kind).toBe(1); // no kind -> INTERNAL
    expect(l.startTimeUnixNano).toBeUndefined();
  });

  it('round-trips through decode', () => {
    const back = OTLP_PROTO.decode(OTLP_PROTO.encode([client, server, local]));
    expect(back.find((s) => s.id === client.id)).toEqual(client);
    expect(back.find((s) => s.id === local.id)).toEqual(local);
    // the error tag became Status{ERROR, "boom"} and comes back with the status tags
    expect(back.find((s) => s.id === server.id)?.tags).toEqual({
      'http.status_code': '500',
      'otel.status_code': 'ERROR',
      error: 'boom',
      'otel.status_description': 'boom',
    });
  });

  it('turns the tags the decoder derives back into OTLP fields, so they round-trip', () => {
    const span: Span = {
      traceId: '463ac35c9f6413ad48485a3953bb6124',
      id: 'a2fb4a1d1a96d312',
      kind: 'CONSUMER',
      name: 'receive',
      timestamp: 1472470996199000,
      duration: 3,
      localEndpoint: { serviceName: 'worker' },
      remoteEndpoint: { serviceName: 'kafka' },
      annotations: [
        { timestamp: 1472470996199001, value: 'retry|{"attempt":2,"ok":false,"tags":["a"]}|1' },
        { timestamp: 1472470996199002, value: 'looks|{}|0' },
      ],
      tags: {
        'otel.status_code': 'OK',
        'otel.status_description': 'fine',
        'otlp.link.0': '463ac35c9f6413ad48485a3953bb6124|0020000000000001|k=v|{"why":"batch"}|0',
        'w3c.tracestate': 'vendor=1',
        'otel.dropped_attributes_count': '2',
        'otel.dropped_events_count': '3',
        'otel.dropped_links_count': '4',
        plain: 'x',
      },
    };
    const body = OTLP_PROTO.encode([span]);
    const m = Request.toObject(Request.decode(body), { longs: Number, bytes: String }) as {
      resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
    };
    const s = m.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(s.status).toEqual({ code: 1, message: 'fine' });
    expect(s.traceState).toBe('vendor=1');
    expect([s.droppedAttributesCount, s.droppedEventsCount, s.droppedLinksCount]).toEqual([2, 3, 4]);
    expect(s.links).toEqual([
      {
        traceId: Buffer.from('463ac35c9f6413ad48485a3953bb6124', 'hex').toString('base64'),
        spanId: Buffer.from('0020000000000001', 'hex').toString('base64'),
        traceState: 'k=v',
        attributes: [{ key: 'why', value: { stringValue: 'batch' } }],
      },
    ]);
    expect(s.events).toEqual([
      {
        timeUnixNano: 1472470996199001000,
        name: 'retry',
        droppedAttributesCount: 1,
        attributes: [
          { key: 'attempt', value: { intValue: 2 } },
          { key: 'ok', value: { boolValue: false } },
          { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }] } } },
        ],
      },
      { timeUnixNano: 1472470996199002000, name: 'looks|{}|0' },
    ]);
    expect(s.attributes).toEqual([
      { key: 'plain', value: { stringValue: 'x' } },
      { key: 'peer.service', value: { stringValue: 'kafka' } },
    ]);
    expect(OTLP_PROTO.decode(body)).toEqual([span]);
  });

  it('writes large bodies (length prefixes of several bytes) that the schema still decodes', () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({
      ...client,
      id: (i + 1).toString(16).padStart(16, '0'),
      tags: { big: 'y'.repeat(300), i: String(i) },
    }));
    const decoded = Request.decode(OTLP_PROTO.encode(many)) as unknown as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] };
    expect(decoded.resourceSpans[0]!.scopeSpans[0]!.spans).toHaveLength(2000);
    expect(OTLP_PROTO.decode(OTLP_PROTO.encode(many))).toHaveLength(2000);
  });
});

describe('OTLP_PROTO.decode of values the JS SDK cannot produce (encoded by protobufjs)', () => {
  const encode = (spans: Record<string, unknown>[], resourceAttributes: Record<string, unknown>[] = []): Uint8Array =>
    Request.encode(Request.fromObject({ resourceSpans: [{ resource: { attributes: resourceAttributes }, scopeSpans: [{ spans }] }] })).finish();
  const base = { traceId: bytes('463ac35c9f6413ad48485a3953bb6124'), spanId: bytes('a2fb4a1d1a96d312'), name: 'x' };

  it('bytes as base64, kvlist and nested arrays as JSON, 64-bit and negative ints exactly', () => {
    const [span] = OTLP_PROTO.decode(
      encode([
        {
          ...base,
          attributes: [
            { key: 'b', value: { bytesValue: Buffer.from([0, 1, 254, 255]) } },
            { key: 'm', value: { kvlistValue: { values: [{ key: 'k', value: { intValue: 1 } }, { key: 'n', value: { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: true }, { doubleValue: 1.5 }] } } }] } } },
            { key: 'big', value: { intValue: '9223372036854775807' } },
            { key: 'neg', value: { intValue: '-42' } },
            { key: 'min', value: { intValue: '-9223372036854775808' } },
            { key: 'empty', value: {} },
            { key: '__proto__', value: { stringValue: 'kept as data' } },
          ],
        },
      ]),
    );
    expect(span!.tags).toEqual(
      Object.fromEntries([
        ['b', 'AAH+/w=='],
        ['m', '{"k":1,"n":["a",true,1.5]}'],
        ['big', '9223372036854775807'],
        ['neg', '-42'],
        ['min', '-9223372036854775808'],
        ['empty', ''],
        ['__proto__', 'kept as data'],
      ]),
    );
    expect(Object.getOwnPropertyDescriptor(span!.tags, '__proto__')?.value).toBe('kept as data');
    expect(Object.getPrototypeOf(span!.tags)).toBe(Object.prototype);
  });

  it('defaults the service to unknown_service, keeps dropped counts, trace state and sub-microsecond durations', () => {
    const [span] = OTLP_PROTO.decode(
      encode([
        {
          ...base,
          traceState: 'vendor=1',
          startTimeUnixNano: '1700000000000000999',
          endTimeUnixNano: '1700000000000001000',
          droppedAttributesCount: 3,
          droppedEventsCount: 4,
          droppedLinksCount: 5,
          events: [{ timeUnixNano: 0, name: 'early' }],
        },
      ]),
    );
    expect(span).toEqual({
      traceId: '463ac35c9f6413ad48485a3953bb6124',
      id: 'a2fb4a1d1a96d312',
      name: 'x',
      timestamp: 1700000000000000,
      duration: 1, // 1 ns rounds up to 1 µs, as Zipkin requires
      localEndpoint: { serviceName: 'unknown_service' },
      annotations: [{ timestamp: 1700000000000000, value: 'early' }], // no event time: the span start
      tags: {
        'otel.dropped_attributes_count': '3',
        'otel.dropped_events_count': '4',
        'otel.dropped_links_count': '5',
        'w3c.tracestate': 'vendor=1',
      },
    });
  });

  it('rejects the whole request for an invalid id, naming the span by flat index and position', () => {
    const good = { ...base };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...base, traceId: Buffer.alloc(0) }, 'SPAN_INVALID_TRACE_ID', /traceId is empty/],
      [{ ...base, traceId: Buffer.alloc(16) }, 'SPAN_INVALID_TRACE_ID', /must not be all zeros/],
      [{ ...base, traceId: bytes('48485a3953bb6124') }, 'SPAN_INVALID_TRACE_ID', /must be 16 bytes/],
      [{ ...base, spanId: Buffer.alloc(0) }, 'SPAN_INVALID_ID', /spanId is empty/],
      [{ ...base, spanId: Buffer.alloc(8) }, 'SPAN_INVALID_ID', /must not be all zeros/],
      [{ ...base, parentSpanId: bytes('01') }, 'SPAN_INVALID_PARENT_ID', /parentSpanId must be 8 bytes/],
    ];
    for (const [bad, code, rule] of cases) {
      const body = Request.encode(
        Request.fromObject({
          resourceSpans: [
            { scopeSpans: [{ spans: [good] }] },
            { scopeSpans: [{ spans: [] }, { spans: [good, bad] }] },
          ],
        }),
      ).finish();
      let err: unknown;
      try {
        OTLP_PROTO.decode(body);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SpanValidationError);
      const e = err as SpanValidationError;
      expect(e.code).toBe(code);
      expect(e.index).toBe(2);
      expect(e.message).toMatch(/^span 2: resourceSpans\[1\]\.scopeSpans\[1\]\.spans\[1\]: /);
      expect(e.message).toMatch(rule);
    }
  });

  it('decodes an empty request to no spans', () => {
    expect(OTLP_PROTO.decode(new Uint8Array())).toEqual([]);
    expect(OTLP_PROTO.decode(Request.encode(Request.fromObject({ resourceSpans: [{}] })).finish())).toEqual([]);
  });
});
