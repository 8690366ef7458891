import { fileURLToPath } from 'node:url';
import { Client, credentials, Metadata, status, type ServiceError, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { Span } from '@skein/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing.js';
import { ControlledStore, otlpProtoBody, otlpProtoSpanWithTraceId, randomBytes, readRpcStatus } from './otlp-http-test-kit.js';

const MAX_BODY = 256 * 1024;
const EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const REPORT = '/zipkin.proto3.SpanService/Report';

// Zipkin's own zipkin.proto, loaded by @grpc/proto-loader (protobufjs): the client encodes
// ListOfSpans with a real protobuf library, independent of Skein's codec.
const zipkinProto = loadSync(fileURLToPath(new URL('../../../codec/testdata/zipkin/zipkin.proto', import.meta.url)), {
  longs: String,
  enums: String,
  defaults: false,
});
const spanService = zipkinProto['zipkin.proto3.SpanService'] as ServiceDefinition;
const reportMethod = spanService.Report as NonNullable<ServiceDefinition['Report']>;

let skein: TestServer;
let store: ControlledStore;
let client: Client;
let gzipClient: Client;

beforeAll(async () => {
  store = new ControlledStore();
  skein = await startTestServer({ grpcPort: 0, maxBody: MAX_BODY, ingestQueueSpans: 10 }, { storage: store });
  const address = (skein.server.collectorAddresses.find((a) => a.startsWith('grpc ')) ?? '').slice('grpc '.length);
  client = new Client(address, credentials.createInsecure(), { 'grpc.max_send_message_length': 64 * 1024 * 1024 });
  gzipClient = new Client(address, credentials.createInsecure(), { 'grpc.default_compression_algorithm': 2 });
});

afterAll(async () => {
  client.close();
  gzipClient.close();
  await skein.close();
});

const raw = (b: Buffer): Buffer => b;

function call(path: string, body: Buffer, via = client): Promise<{ error: ServiceError | null; response: Buffer | undefined }> {
  return new Promise((resolve) => {
    via.makeUnaryRequest(path, raw, raw, body, new Metadata(), {}, (error, response) => resolve({ error, response }));
  });
}

async function failing(path: string, body: Buffer): Promise<ServiceError> {
  const { error } = await call(path, body);
  if (error === null) throw new Error('the call succeeded');
  return error;
}

async function readTrace(traceId: string): Promise<Span[]> {
  const res = await fetch(`${skein.url}/api/v2/trace/${traceId}`);
  return res.status === 200 ? ((await res.json()) as Span[]) : [];
}

const trace = (n: number): string => n.toString(16).padStart(32, '0');
const hex = (s: string): Buffer => Buffer.from(s, 'hex');

describe('zipkin.proto3.SpanService/Report', () => {
  const listOfSpans = (traceId: string) => ({
    spans: [
      {
        traceId: hex(traceId),
        id: hex('00000000000000a1'),
        kind: 'SERVER',
        name: 'GET /cart',
        timestamp: '1700000000000001',
        duration: '2500',
        localEndpoint: { serviceName: 'Cart', ipv4: Buffer.from([10, 0, 0, 1]), port: 8080 },
        remoteEndpoint: { serviceName: 'web', ipv6: Buffer.from('20010db8000000000000000000000001', 'hex') },
        annotations: [{ timestamp: '1700000000000100', value: 'wr' }],
        tags: { 'http.path': '/cart', 'http.status_code': '200' },
        shared: true,
      },
      { traceId: hex(traceId), parentId: hex('00000000000000a1'), id: hex('00000000000000a2'), kind: 'CLIENT', name: 'db', debug: true },
    ],
  });

  it.each([
    ['plain', () => client],
    ['gzip (grpc-encoding)', () => gzipClient],
  ])('stores what a protobufjs client sends (%s), field by field', async (_label, via) => {
    const id = _label === 'plain' ? trace(0x201) : trace(0x202);
    const body = reportMethod.requestSerialize(listOfSpans(id)) as Buffer;
    const { error, response } = await call(REPORT, body, via());
    expect(error).toBeNull();
    expect(response?.length).toBe(0);
    const spans = await readTrace(id);
    expect(spans.find((s) => s.id === '00000000000000a1')).toEqual({
      traceId: id.slice(16),
      id: '00000000000000a1',
      kind: 'SERVER',
      name: 'get /cart',
      timestamp: 1700000000000001,
      duration: 2500,
      localEndpoint: { serviceName: 'cart', ipv4: '10.0.0.1', port: 8080 },
      remoteEndpoint: { serviceName: 'web', ipv6: '2001:db8::1' },
      annotations: [{ timestamp: 1700000000000100, value: 'wr' }],
      tags: { 'http.path': '/cart', 'http.status_code': '200' },
      shared: true,
    });
    expect(spans.find((s) => s.id === '00000000000000a2')).toMatchObject({ parentId: '00000000000000a1', kind: 'CLIENT', debug: true });
  });
});

describe('opentelemetry TraceService/Export', () => {
  it('stores an ExportTraceServiceRequest and answers the empty ExportTraceServiceResponse', async () => {
    const { error, response } = await call(EXPORT, otlpProtoBody(trace(0x203), 3));
    expect(error).toBeNull();
    expect(response?.length).toBe(0);
    expect(await readTrace(trace(0x203))).toHaveLength(3);
    expect((await call(EXPORT, Buffer.alloc(0))).error).toBeNull();
  });
});

describe('bad input gets INVALID_ARGUMENT with a message; the server keeps serving', () => {
  const bad: [string, Buffer][] = [
    ...[1, 2, 3].map((seed): [string, Buffer] => [`random bytes ${seed}`, randomBytes(seed, 40 * seed * seed)]),
    ...[1, 9, 30].map((n): [string, Buffer] => [`truncated at ${n}`, otlpProtoBody(trace(0x204), 2).subarray(0, n)]),
    ['a field with the wrong wire type', Buffer.from([0x08, 0x01])],
  ];
  it.each(bad)('%s, to both services', async (_label, body) => {
    for (const path of [EXPORT, REPORT]) {
      const err = await failing(path, body);
      expect(err.code, path).toBe(status.INVALID_ARGUMENT);
      expect(err.details, path).toMatch(/^(BODY_MALFORMED|SPAN_[A-Z_]+): ./);
    }
  });

  it('an OTLP span with an empty trace id is refused naming the span', async () => {
    const err = await failing(EXPORT, otlpProtoSpanWithTraceId([]));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain('SPAN_INVALID_TRACE_ID');
    expect(err.details).toContain('resourceSpans[0].scopeSpans[0].spans[0]');
  });

  it('a message over --max-body is RESOURCE_EXHAUSTED', async () => {
    const err = await failing(EXPORT, Buffer.alloc(MAX_BODY + 10, 0x0a));
    expect(err.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(err.details).toMatch(/larger than max/i);
  });

  it('a gzip message that inflates over --max-body is RESOURCE_EXHAUSTED', async () => {
    const { error } = await call(EXPORT, Buffer.alloc(MAX_BODY * 8, 0x0a), gzipClient);
    expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
  });

  it('UNAVAILABLE with RetryInfo while the store is down, RESOURCE_EXHAUSTED with RetryInfo when the queue is full', async () => {
    store.down = true;
    const down = await failing(EXPORT, otlpProtoBody(trace(0x205), 2));
    store.down = false;
    expect(down.code).toBe(status.UNAVAILABLE);
    expect(down.details).toMatch(/^STORAGE_UNAVAILABLE: /);
    const details = down.metadata.get('grpc-status-details-bin')[0] as Buffer;
    expect(readRpcStatus(details)).toMatchObject({ code: status.UNAVAILABLE });
    expect(details.includes(Buffer.from('type.googleapis.com/google.rpc.RetryInfo'))).toBe(true);
    expect([...details.subarray(-4)]).toEqual([0x0a, 0x02, 0x08, 5]); // retry_delay { seconds: 5 }

    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    const first = call(EXPORT, otlpProtoBody(trace(0x206), 8));
    await new Promise((r) => setTimeout(r, 100));
    const full = await failing(REPORT, reportMethod.requestSerialize({ spans: Array.from({ length: 8 }, (_, i) => ({ traceId: hex(trace(0x207)), id: hex(`00000000000000b${i}`) })) }) as Buffer);
    store.gate = undefined;
    open();
    expect(full.code).toBe(status.RESOURCE_EXHAUSTED);
    expect([...(full.metadata.get('grpc-status-details-bin')[0] as Buffer).subarray(-4)]).toEqual([0x0a, 0x02, 0x08, 1]);
    expect((await first).error).toBeNull();
  });

  it('still stores good messages afterwards and counts per transport', async () => {
    expect((await call(EXPORT, otlpProtoBody(trace(0x208), 2))).error).toBeNull();
    expect(await readTrace(trace(0x208))).toHaveLength(2);
    const metrics = await (await fetch(`${skein.url}/metrics`)).text();
    expect(metrics).toMatch(/skein_collector_spans_total\{transport="grpc-otlp"\} \d+/);
    expect(metrics).toMatch(/skein_collector_spans_total\{transport="grpc-zipkin"\} \d+/);
    expect(metrics).toMatch(/skein_collector_messages_rejected_total\{transport="grpc-zipkin",reason="invalid"\} 7/);
  });
});
