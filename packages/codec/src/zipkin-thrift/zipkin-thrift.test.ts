import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { normalizeSpans, type Span } from '@skein/model';
import { describe, expect, it } from 'vitest';
import { ZIPKIN_JSON_V1 } from '../zipkin-json-v1/index.js';
import { ZIPKIN_JSON_V2 } from '../zipkin-json-v2/index.js';
import { ZIPKIN_THRIFT } from './index.js';

const require = createRequire(import.meta.url);
const zipkin = require('zipkin') as typeof import('zipkin');
const thriftEncoder = require('zipkin-encoder-thrift') as { encode(span: unknown): Buffer };
// The thrift library's own TBinaryProtocol and the zipkinCore.thrift types generated for it.
const thrift = require('thrift') as {
  TBufferedTransport: new (buf: unknown, onFlush: (b: Buffer) => void) => unknown;
  TBinaryProtocol: new (transport: unknown) => { writeListBegin(t: number, n: number): void; writeListEnd(): void; flush(): void };
};
const types = require('zipkin-encoder-thrift/lib/gen-nodejs/zipkinCore_types') as Record<string, new (args: object) => { write(p: unknown): void }>;

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A TBinaryProtocol list<Span> of structs, as Zipkin's transports send it. */
function list(structs: Buffer[]): Uint8Array {
  const header = Buffer.from([12, 0, 0, 0, 0]);
  header.writeInt32BE(structs.length, 1);
  return new Uint8Array(Buffer.concat([header, ...structs]));
}

type ZipkinSpan = InstanceType<typeof zipkin.model.Span>;

function zipkinJsSpans(): ZipkinSpan[] {
  const { model, TraceId, option } = zipkin;
  const client = new model.Span(
    new TraceId({ traceId: '463ac35c9f6413ad48485a3953bb6124', spanId: 'a2fb4a1d1a96d312', parentId: new option.Some('0020000000000001'), debug: true }),
  );
  client.setName('GET');
  client.setKind('CLIENT');
  client.setTimestamp(1472470996199000);
  client.setDuration(207000);
  client.setLocalEndpoint(new model.Endpoint({ serviceName: 'frontend', ipv4: '127.0.0.1', port: 8080 }));
  client.setRemoteEndpoint(new model.Endpoint({ serviceName: 'backend', ipv4: '192.168.99.101', port: 9000 }));
  client.addAnnotation(1472470996238000, 'foo');
  client.putTag('http.path', '/api');
  client.putTag('clnt/finagle.version', '6.45.0');

  const server = new model.Span(new TraceId({ traceId: '48485a3953bb6124', spanId: '0020000000000001' }));
  server.setName('get');
  server.setKind('SERVER');
  server.setTimestamp(1472470996100000);
  server.setDuration(400000);
  server.setLocalEndpoint(new model.Endpoint({ serviceName: 'backend', ipv4: '192.168.99.101', port: 9000 }));
  server.setRemoteEndpoint(new model.Endpoint({ serviceName: 'frontend', ipv4: '127.0.0.1' }));
  server.putTag('error', 'timeout');

  const local = new model.Span(new TraceId({ traceId: '48485a3953bb6124', spanId: '0000000000000003', parentId: new option.Some('0020000000000001') }));
  local.setName('compute');
  local.setTimestamp(1472470996300000);
  local.setDuration(5);
  local.setLocalEndpoint(new model.Endpoint({ serviceName: 'backend' }));
  local.putTag('lc', 'calc');
  return [client, server, local];
}

describe('ZIPKIN_THRIFT.decode of zipkin-js spans (zipkin-encoder-thrift, the real peer)', () => {
  const spans = zipkinJsSpans();

  it('gives the same v2 spans as zipkin-js JSON v2 of the same spans', () => {
    const decoded = ZIPKIN_THRIFT.decode(list(spans.map((s) => thriftEncoder.encode(s))));
    const viaJsonV2 = ZIPKIN_JSON_V2.decode(text(`[${spans.map((s) => zipkin.jsonEncoder.JSON_V2.encode(s)).join(',')}]`));
    expect(decoded).toEqual(viaJsonV2);
    expect(decoded[0]).toEqual({
      traceId: '463ac35c9f6413ad48485a3953bb6124',
      id: 'a2fb4a1d1a96d312',
      parentId: '0020000000000001',
      kind: 'CLIENT',
      name: 'get',
      timestamp: 1472470996199000,
      duration: 207000,
      localEndpoint: { serviceName: 'frontend', ipv4: '127.0.0.1', port: 8080 },
      remoteEndpoint: { serviceName: 'backend', ipv4: '192.168.99.101', port: 9000 },
      annotations: [{ timestamp: 1472470996238000, value: 'foo' }],
      tags: { 'http.path': '/api', 'clnt/finagle.version': '6.45.0' },
      debug: true,
    });
  });

  it('gives the same v2 spans as zipkin-js JSON v1 of the same spans through ZIPKIN_JSON_V1', () => {
    const decoded = ZIPKIN_THRIFT.decode(list(spans.map((s) => thriftEncoder.encode(s))));
    const viaJsonV1 = ZIPKIN_JSON_V1.decode(text(`[${spans.map((s) => zipkin.jsonEncoder.JSON_V1.encode(s)).join(',')}]`));
    expect(decoded).toEqual(viaJsonV1);
  });
});

describe('ZIPKIN_THRIFT.decode of v1 structs written by the thrift library', () => {
  function write(structs: object[]): Uint8Array {
    let out = Buffer.alloc(0);
    const transport = new thrift.TBufferedTransport(undefined, (b) => {
      out = Buffer.concat([out, b]);
    });
    const protocol = new thrift.TBinaryProtocol(transport);
    protocol.writeListBegin(12, structs.length);
    for (const s of structs) (s as { write(p: unknown): void }).write(protocol);
    protocol.writeListEnd();
    protocol.flush();
    return new Uint8Array(out);
  }
  const ep = (serviceName: string, ipv4: number, port: number): object => new types.Endpoint!({ service_name: serviceName, ipv4, port });
  const Int64 = require('node-int64') as new (hex: string) => object;

  it('splits a span shared by client and server into a CLIENT and a shared SERVER span (V1SpanConverter)', () => {
    const frontend = ep('frontend', 0x7f000001, 8080);
    const backend = ep('backend', (192 << 24) | (168 << 16) | (99 << 8) | 101, 9000);
    const span = new types.Span!({
      trace_id: new Int64('48485a3953bb6124'),
      trace_id_high: new Int64('463ac35c9f6413ad'),
      id: new Int64('a2fb4a1d1a96d312'),
      parent_id: new Int64('0020000000000001'),
      name: 'get',
      annotations: [
        new types.Annotation!({ timestamp: new Int64('00053d8a0ef1e9d8'), value: 'cs', host: frontend }),
        new types.Annotation!({ timestamp: new Int64('00053d8a0ef1ecb8'), value: 'sr', host: backend }),
        new types.Annotation!({ timestamp: new Int64('00053d8a0ef3b7f8'), value: 'ss', host: backend }),
        new types.Annotation!({ timestamp: new Int64('00053d8a0ef4b3c8'), value: 'cr', host: frontend }),
      ],
      binary_annotations: [
        new types.BinaryAnnotation!({ key: 'http.path', value: '/api', annotation_type: 6, host: frontend }),
        new types.BinaryAnnotation!({ key: 'srv/finagle.version', value: '6.44.0', annotation_type: 6, host: backend }),
        new types.BinaryAnnotation!({ key: 'i16', value: Buffer.from([0, 1]), annotation_type: 2, host: backend }),
      ],
    });
    const out = ZIPKIN_THRIFT.decode(write([span]));
    const t0 = 0x00053d8a0ef1e9d8;
    expect(out).toEqual([
      {
        traceId: '463ac35c9f6413ad48485a3953bb6124',
        id: 'a2fb4a1d1a96d312',
        parentId: '0020000000000001',
        kind: 'CLIENT',
        name: 'get',
        timestamp: t0,
        duration: 0x00053d8a0ef4b3c8 - t0,
        localEndpoint: { serviceName: 'frontend', ipv4: '127.0.0.1', port: 8080 },
        tags: { 'http.path': '/api' },
      },
      {
        traceId: '463ac35c9f6413ad48485a3953bb6124',
        id: 'a2fb4a1d1a96d312',
        parentId: '0020000000000001',
        kind: 'SERVER',
        name: 'get',
        timestamp: 0x00053d8a0ef1ecb8,
        duration: 0x00053d8a0ef3b7f8 - 0x00053d8a0ef1ecb8,
        localEndpoint: { serviceName: 'backend', ipv4: '192.168.99.101', port: 9000 },
        tags: { 'srv/finagle.version': '6.44.0' },
        shared: true,
      },
    ]);
  });
});

describe('ZIPKIN_THRIFT.encode', () => {
  const dir = fileURLToPath(new URL('../../../model/testdata/zipkin-lens/', import.meta.url));
  const traces = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it.each(traces)('carries %s through thrift exactly as JSON v1 carries it', (file) => {
    // Binary formats carry IPv4 as 4 bytes, so "52.0.0.04" (in one trace) comes back "52.0.0.4",
    // as it does in Zipkin; write such addresses canonically first so the comparison is exact.
    const json = readFileSync(dir + file, 'utf8').replace(/"ipv4":\s*"([\d.]+)"/g, (_m, ip: string) => `"ipv4":"${ip.split('.').map(Number).join('.')}"`);
    const spans: Span[] = normalizeSpans(JSON.parse(json));
    const viaThrift = ZIPKIN_THRIFT.decode(ZIPKIN_THRIFT.encode(spans));
    const viaJsonV1 = ZIPKIN_JSON_V1.decode(ZIPKIN_JSON_V1.encode(spans));
    expect(viaThrift).toEqual(viaJsonV1);
    expect(viaThrift.length).toBeGreaterThanOrEqual(spans.length);
  });

  it('round-trips simple client and server spans', () => {
    const decoded = ZIPKIN_THRIFT.decode(list(zipkinJsSpans().map((s) => thriftEncoder.encode(s))));
    expect(ZIPKIN_THRIFT.decode(ZIPKIN_THRIFT.encode(decoded))).toEqual(decoded);
  });

  it('decodes an empty list and an empty body to no spans', () => {
    expect(ZIPKIN_THRIFT.decode(new Uint8Array())).toEqual([]);
    expect(ZIPKIN_THRIFT.decode(Uint8Array.from([12, 0, 0, 0, 0]))).toEqual([]);
  });

  it('names the span when a thrift span breaks a rule (all-zero id)', () => {
    const { model, TraceId } = zipkin;
    const good = new model.Span(new TraceId({ traceId: '48485a3953bb6124', spanId: 'a2fb4a1d1a96d312' }));
    const bad = new model.Span(new TraceId({ traceId: '48485a3953bb6124', spanId: '0000000000000000' }));
    expect(() => ZIPKIN_THRIFT.decode(list([thriftEncoder.encode(good), thriftEncoder.encode(bad)]))).toThrow(/^span 1: id/);
  });
});
