import type { Endpoint, Span } from '@skein/model';
import { describe, expect, it } from 'vitest';
import { ZIPKIN_JSON_V1 } from './index.js';

// Cases follow Zipkin's SpanConverterTest (v1 <-> v2 conversion semantics).
const FRONTEND: Endpoint = { serviceName: 'frontend', ipv4: '127.0.0.1' };
const BACKEND: Endpoint = { serviceName: 'backend', ipv4: '192.168.99.101', port: 9000 };
const KAFKA: Endpoint = { serviceName: 'kafka' };
const T = 1472470996199000;

const ann = (timestamp: number, value: string, endpoint?: Endpoint): object => ({ timestamp, value, ...(endpoint ? { endpoint } : {}) });
const bin = (key: string, value: string, endpoint?: Endpoint): object => ({ key, value, ...(endpoint ? { endpoint } : {}) });
const addr = (key: string, endpoint: Endpoint): object => ({ key, value: true, endpoint });
const ids = { traceId: '1', parentId: '2', id: '3' };
const v2ids = { traceId: '0000000000000001', parentId: '0000000000000002', id: '0000000000000003' };

function decode(...v1: object[]): Span[] {
  return ZIPKIN_JSON_V1.decode(new TextEncoder().encode(JSON.stringify(v1)));
}
function encodeJson(spans: Span[]): unknown {
  return JSON.parse(new TextDecoder().decode(ZIPKIN_JSON_V1.encode(spans)));
}

describe('JSON v1 -> v2: core annotations', () => {
  it('client: cs/cr give kind, timestamp and duration; sa the remote endpoint; other annotations kept', () => {
    const client: Span = {
      ...v2ids, name: 'get', kind: 'CLIENT', timestamp: T, duration: 207000, localEndpoint: FRONTEND, remoteEndpoint: BACKEND,
      annotations: [{ timestamp: T + 39000, value: 'ws' }, { timestamp: T + 204000, value: 'wr' }],
      tags: { 'clnt/finagle.version': '6.45.0', 'http.path': '/api' },
    };
    const v1 = {
      ...ids, name: 'get', timestamp: T, duration: 207000,
      annotations: [ann(T, 'cs', FRONTEND), ann(T + 39000, 'ws', FRONTEND), ann(T + 204000, 'wr', FRONTEND), ann(T + 207000, 'cr', FRONTEND)],
      binaryAnnotations: [bin('clnt/finagle.version', '6.45.0', FRONTEND), bin('http.path', '/api', FRONTEND), addr('sa', BACKEND)],
    };
    expect(decode(v1)).toEqual([client]);
    expect(encodeJson([client])).toEqual([{
      ...v1, traceId: v2ids.traceId, parentId: v2ids.parentId, id: v2ids.id,
      annotations: (v1.annotations as Array<{ endpoint: Endpoint }>).map((a) => ({ ...a, endpoint: { ...FRONTEND } })),
      binaryAnnotations: [bin('clnt/finagle.version', '6.45.0', FRONTEND), bin('http.path', '/api', FRONTEND), addr('sa', { ...BACKEND })],
    }]);
  });
  it('client without a finish has a timestamp but no duration', () => {
    expect(decode({ ...ids, name: 'get', timestamp: T, annotations: [ann(T, 'cs', FRONTEND), ann(T + 1, 'ws', FRONTEND)] })).toEqual([
      { ...v2ids, name: 'get', kind: 'CLIENT', timestamp: T, localEndpoint: FRONTEND, annotations: [{ timestamp: T + 1, value: 'ws' }] },
    ]);
  });
  it('server: sr/ss and ca', () => {
    const v1 = {
      ...ids, name: 'get', timestamp: T, duration: 207000, annotations: [ann(T, 'sr', BACKEND), ann(T + 207000, 'ss', BACKEND)],
      binaryAnnotations: [bin('http.path', '/api', BACKEND), addr('ca', FRONTEND)],
    };
    expect(decode(v1)).toEqual([{
      ...v2ids, name: 'get', kind: 'SERVER', timestamp: T, duration: 207000, localEndpoint: BACKEND, remoteEndpoint: FRONTEND, tags: { 'http.path': '/api' },
    }]);
  });
  it('a server side without the span timestamp is shared (v1 had no flag)', () => {
    expect(decode({ ...ids, name: 'get', annotations: [ann(T, 'sr', BACKEND), ann(T + 100000, 'ss', BACKEND)] })).toEqual([
      { ...v2ids, name: 'get', kind: 'SERVER', shared: true, localEndpoint: BACKEND, timestamp: T, duration: 100000 },
    ]);
    expect(decode({ ...ids, name: 'get', timestamp: 10, annotations: [ann(20, 'sr', BACKEND), ann(30, 'ss', BACKEND)] })).toEqual([
      { ...v2ids, name: 'get', kind: 'SERVER', shared: true, localEndpoint: BACKEND, timestamp: 20, duration: 10 },
    ]);
  });
  it('producer (ms/ws, ma) and consumer (wr/mr, ma)', () => {
    expect(decode({ ...ids, name: 'send', timestamp: T, annotations: [ann(T, 'ms', FRONTEND)], binaryAnnotations: [addr('ma', KAFKA)] })).toEqual([
      { ...v2ids, name: 'send', kind: 'PRODUCER', timestamp: T, localEndpoint: FRONTEND, remoteEndpoint: KAFKA },
    ]);
    expect(decode({ ...ids, name: 'send', timestamp: T, duration: 51000, annotations: [ann(T, 'ms', FRONTEND), ann(T + 51000, 'ws', FRONTEND)] })).toEqual([
      { ...v2ids, name: 'send', kind: 'PRODUCER', timestamp: T, duration: 51000, localEndpoint: FRONTEND },
    ]);
    expect(decode({ ...ids, name: 'next', timestamp: T, duration: 51000, annotations: [ann(T, 'wr', BACKEND), ann(T + 51000, 'mr', BACKEND)] })).toEqual([
      { ...v2ids, name: 'next', kind: 'CONSUMER', timestamp: T, duration: 51000, localEndpoint: BACKEND },
    ]);
    expect(decode({ ...ids, name: 'send', annotations: [ann(T, 'ms', FRONTEND)] })).toEqual([
      { ...v2ids, name: 'send', kind: 'PRODUCER', timestamp: T, localEndpoint: FRONTEND },
    ]);
  });
  it('restores a missing cs or sr from the span timestamp when the end matches timestamp+duration', () => {
    expect(decode({ traceId: '1', id: '2', name: 'get', timestamp: T, duration: 207000, annotations: [ann(T + 207000, 'cr', FRONTEND)] })).toEqual([
      { traceId: '0000000000000001', id: '0000000000000002', name: 'get', kind: 'CLIENT', timestamp: T, duration: 207000, localEndpoint: FRONTEND },
    ]);
    expect(decode({ traceId: '1', id: '2', name: 'get', timestamp: T, duration: 207000, annotations: [ann(T + 207000, 'ss', BACKEND)] })).toEqual([
      { traceId: '0000000000000001', id: '0000000000000002', name: 'get', kind: 'SERVER', timestamp: T, duration: 207000, localEndpoint: BACKEND },
    ]);
  });
  it('keeps a late cr or ss as an annotation when the start is missing', () => {
    expect(decode({ ...ids, name: 'get', annotations: [ann(T, 'cr', FRONTEND)], binaryAnnotations: [addr('sa', BACKEND)] })).toEqual([
      { ...v2ids, name: 'get', kind: 'CLIENT', localEndpoint: FRONTEND, remoteEndpoint: BACKEND, annotations: [{ timestamp: T, value: 'cr' }] },
    ]);
  });
  it('gives core annotations without an endpoint no special meaning', () => {
    expect(decode({ traceId: '1', parentId: '1', id: '2', name: 'foo', timestamp: T, annotations: [ann(T, 'sr')] })).toEqual([
      { traceId: '0000000000000001', parentId: '0000000000000001', id: '0000000000000002', name: 'foo', timestamp: T, annotations: [{ timestamp: T, value: 'sr' }] },
    ]);
  });
});

describe('JSON v1 -> v2: shared spans split', () => {
  it('splits a span with client and server annotations into CLIENT and shared SERVER', () => {
    const v1 = {
      ...ids, name: 'get', timestamp: T, duration: 207000,
      annotations: [
        ann(T, 'cs', FRONTEND), ann(T + 39000, 'ws', FRONTEND), ann(T + 51000, 'sr', BACKEND),
        ann(T + 151000, 'ss', BACKEND), ann(T + 204000, 'wr', FRONTEND), ann(T + 207000, 'cr', FRONTEND),
      ],
      binaryAnnotations: [
        bin('http.path', '/api', FRONTEND), bin('http.path', '/backend', BACKEND), bin('clnt/finagle.version', '6.45.0', FRONTEND),
        bin('srv/finagle.version', '6.44.0', BACKEND), addr('ca', FRONTEND), addr('sa', BACKEND),
      ],
    };
    expect(decode(v1)).toEqual([
      {
        ...v2ids, name: 'get', kind: 'CLIENT', localEndpoint: FRONTEND, remoteEndpoint: BACKEND, timestamp: T, duration: 207000,
        annotations: [{ timestamp: T + 39000, value: 'ws' }, { timestamp: T + 204000, value: 'wr' }],
        tags: { 'http.path': '/api', 'clnt/finagle.version': '6.45.0' },
      },
      {
        ...v2ids, name: 'get', kind: 'SERVER', shared: true, localEndpoint: BACKEND, remoteEndpoint: FRONTEND, timestamp: T + 51000, duration: 100000,
        tags: { 'http.path': '/backend', 'srv/finagle.version': '6.44.0' },
      },
    ]);
  });
  it('splits a loopback span (same service both sides) in two', () => {
    const v1 = { ...ids, name: 'get', timestamp: T, duration: 207000, annotations: [ann(T, 'cs', FRONTEND), ann(T + 51000, 'sr', FRONTEND), ann(T + 151000, 'ss', FRONTEND), ann(T + 207000, 'cr', FRONTEND)] };
    expect(decode(v1)).toEqual([
      { ...v2ids, name: 'get', kind: 'CLIENT', localEndpoint: FRONTEND, timestamp: T, duration: 207000 },
      { ...v2ids, name: 'get', kind: 'SERVER', shared: true, localEndpoint: FRONTEND, timestamp: T + 51000, duration: 100000 },
    ]);
  });
  it('one-way loopback: neither side has a duration', () => {
    expect(decode({ ...ids, name: 'get', annotations: [ann(T, 'cs', FRONTEND), ann(T + 51000, 'sr', FRONTEND)] })).toEqual([
      { ...v2ids, name: 'get', kind: 'CLIENT', localEndpoint: FRONTEND, timestamp: T },
      { ...v2ids, name: 'get', kind: 'SERVER', shared: true, localEndpoint: FRONTEND, timestamp: T + 51000 },
    ]);
  });
  it('splits a shared messaging span into PRODUCER and shared CONSUMER, both with the broker', () => {
    const v1 = {
      ...ids, name: 'whatev', annotations: [ann(T, 'ms', FRONTEND), ann(T + 39000, 'ws', FRONTEND), ann(T + 204000, 'wr', BACKEND), ann(T + 207000, 'mr', BACKEND)],
      binaryAnnotations: [addr('ma', KAFKA)],
    };
    expect(decode(v1)).toEqual([
      { ...v2ids, name: 'whatev', kind: 'PRODUCER', localEndpoint: FRONTEND, remoteEndpoint: KAFKA, timestamp: T, duration: 39000 },
      { ...v2ids, name: 'whatev', kind: 'CONSUMER', shared: true, localEndpoint: BACKEND, remoteEndpoint: KAFKA, timestamp: T + 204000, duration: 3000 },
    ]);
  });
  it('puts data without an endpoint on the first span', () => {
    const v1 = {
      traceId: '1', id: '2', name: 'missing',
      annotations: [ann(T, 'foo', FRONTEND), ann(T + 1, 'bar', FRONTEND), ann(T + 2, 'baz', BACKEND), ann(T + 3, 'qux', BACKEND), ann(T + 4, 'missing')],
      binaryAnnotations: [bin('foo', 'bar', FRONTEND), bin('baz', 'qux', BACKEND), bin('missing', '')],
    };
    const [first, second] = decode(v1);
    expect(first).toEqual({
      traceId: '0000000000000001', id: '0000000000000002', name: 'missing', localEndpoint: FRONTEND,
      annotations: [{ timestamp: T, value: 'foo' }, { timestamp: T + 1, value: 'bar' }, { timestamp: T + 4, value: 'missing' }],
      tags: { foo: 'bar', missing: '' },
    });
    expect(second).toMatchObject({ localEndpoint: BACKEND, tags: { baz: 'qux' } });
  });
});

describe('JSON v1 -> v2: address annotations', () => {
  it('ca and sa alone make a span from ca to sa', () => {
    expect(decode({ ...ids, name: 'rpc', binaryAnnotations: [addr('ca', FRONTEND), addr('sa', BACKEND)] })).toEqual([
      { ...v2ids, name: 'rpc', localEndpoint: FRONTEND, remoteEndpoint: BACKEND },
    ]);
  });
  it('sa alone is a remote endpoint; ca alone makes a SERVER span', () => {
    expect(decode({ ...ids, binaryAnnotations: [addr('sa', BACKEND)] })).toEqual([{ ...v2ids, remoteEndpoint: BACKEND }]);
    expect(decode({ traceId: '1', id: '2', binaryAnnotations: [addr('ca', FRONTEND)] })).toEqual([
      { traceId: '0000000000000001', id: '0000000000000002', kind: 'SERVER', remoteEndpoint: FRONTEND },
    ]);
  });
  it('drops a ca service name equal to the server service (Finagle), keeping the socket', () => {
    const v1 = {
      ...ids, name: 'get', timestamp: T, duration: 207000, annotations: [ann(T, 'sr', BACKEND), ann(T + 207000, 'ss', BACKEND)],
      binaryAnnotations: [addr('ca', { ...FRONTEND, serviceName: 'backend' }), addr('sa', BACKEND)],
    };
    expect(decode(v1)).toEqual([{
      ...v2ids, name: 'get', kind: 'SERVER', localEndpoint: BACKEND, remoteEndpoint: { ipv4: '127.0.0.1' }, timestamp: T, duration: 207000,
    }]);
  });
  it('ignores address annotations that are not true or lack an endpoint, and non-string values', () => {
    const v1 = {
      ...ids, name: 'get', timestamp: T, annotations: [ann(T, 'cs', FRONTEND)],
      binaryAnnotations: [{ key: 'sa', value: false, endpoint: BACKEND }, { key: 'sa', value: true }, { key: 'n', value: 1, type: 'I32' }, { key: 'b', value: true }],
    };
    expect(decode(v1)).toEqual([{ ...v2ids, name: 'get', kind: 'CLIENT', timestamp: T, localEndpoint: FRONTEND }]);
  });
  it('accepts address annotations written as the string "1" (old zipkin-ruby), as Zipkin does', () => {
    expect(decode({ ...ids, name: 'get', annotations: [ann(T, 'cs', FRONTEND)], binaryAnnotations: [bin('sa', '1', BACKEND)] })).toEqual([
      { ...v2ids, name: 'get', kind: 'CLIENT', timestamp: T, localEndpoint: FRONTEND, remoteEndpoint: BACKEND },
    ]);
    expect(decode({ ...ids, name: 'next', annotations: [ann(T, 'mr', BACKEND)], binaryAnnotations: [bin('ma', '1', KAFKA)] })).toEqual([
      { ...v2ids, name: 'next', kind: 'CONSUMER', timestamp: T, localEndpoint: BACKEND, remoteEndpoint: KAFKA },
    ]);
  });
  it('an empty "lc" only marks the local endpoint; a non-empty one is a tag', () => {
    expect(decode({ ...ids, name: 'local', timestamp: T, duration: 5, binaryAnnotations: [bin('lc', '', FRONTEND)] })).toEqual([
      { ...v2ids, name: 'local', timestamp: T, duration: 5, localEndpoint: FRONTEND },
    ]);
    expect(decode({ ...ids, name: 'local', binaryAnnotations: [bin('lc', 'cache', FRONTEND)] })).toEqual([
      { ...v2ids, name: 'local', localEndpoint: FRONTEND, tags: { lc: 'cache' } },
    ]);
  });
});

describe('v2 -> JSON v1 -> v2 round trips (encode)', () => {
  const cases: Array<[string, Span]> = [
    ['client', { ...v2ids, name: 'get', kind: 'CLIENT', localEndpoint: FRONTEND, remoteEndpoint: BACKEND, timestamp: T, duration: 207000, annotations: [{ timestamp: T + 1, value: 'ws' }], tags: { 'http.path': '/api' } }],
    ['server shared', { ...v2ids, name: 'get', kind: 'SERVER', shared: true, localEndpoint: BACKEND, timestamp: T, duration: 207000 }],
    ['server incomplete shared', { ...v2ids, name: 'get', kind: 'SERVER', shared: true, localEndpoint: BACKEND, timestamp: T }],
    ['producer remote', { ...v2ids, name: 'send', kind: 'PRODUCER', localEndpoint: FRONTEND, remoteEndpoint: KAFKA, timestamp: T }],
    ['consumer duration', { ...v2ids, name: 'next', kind: 'CONSUMER', localEndpoint: BACKEND, timestamp: T, duration: 51000 }],
    ['consumer remote', { ...v2ids, name: 'next', kind: 'CONSUMER', localEndpoint: BACKEND, remoteEndpoint: KAFKA, timestamp: T }],
    ['local span', { traceId: '0000000000000001', id: '0000000000000002', name: 'local', localEndpoint: FRONTEND, timestamp: T, duration: 207000 }],
    ['no endpoints', { traceId: '0000000000000001', parentId: '0000000000000001', id: '0000000000000002', name: 'foo', timestamp: T, duration: 207000 }],
    ['remote only', { ...v2ids, remoteEndpoint: BACKEND }],
    ['late ss', { traceId: '0000000000000001', id: '0000000000000002', name: 'get', kind: 'SERVER', localEndpoint: BACKEND, remoteEndpoint: FRONTEND, annotations: [{ timestamp: T, value: 'ss' }] }],
    ['128-bit, debug', { traceId: '463ac35c9f6413ad48485a3953bb6124', id: '0000000000000002', name: 'x', debug: true, localEndpoint: { serviceName: 'a', ipv6: '2001:db8::1' } }],
  ];
  it.each(cases)('%s', (_name, span) => {
    expect(ZIPKIN_JSON_V1.decode(ZIPKIN_JSON_V1.encode([span]))).toEqual([span]);
  });
  it('rounds fractional microseconds', () => {
    expect(ZIPKIN_JSON_V1.decode(ZIPKIN_JSON_V1.encode([{ ...v2ids, name: 'x', localEndpoint: FRONTEND, timestamp: 10.4, duration: 4.6 }]))).toEqual([
      { ...v2ids, name: 'x', localEndpoint: FRONTEND, timestamp: 10, duration: 5 },
    ]);
  });
  it('writes v1 conventions: empty name and serviceName, address annotations as true', () => {
    expect(encodeJson([{ traceId: '0000000000000001', id: '0000000000000002', remoteEndpoint: { ipv4: '1.2.3.4' } }])).toEqual([
      { traceId: '0000000000000001', id: '0000000000000002', name: '', binaryAnnotations: [{ key: 'sa', value: true, endpoint: { serviceName: '', ipv4: '1.2.3.4' } }] },
    ]);
    expect(encodeJson([{ ...v2ids, name: 'get', kind: 'SERVER', shared: true, localEndpoint: BACKEND, timestamp: 20, duration: 10 }])).toEqual([
      { ...v2ids, name: 'get', annotations: [ann(20, 'sr', BACKEND), ann(30, 'ss', BACKEND)] },
    ]);
  });
});
