import { context, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Span } from '@skein/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing.js';

// The OpenTelemetry JS SDK with its real OTLP exporters (JSON and protobuf over HTTP, gzip
// included, and gRPC) exports spans to a running Skein; they are read back through the Zipkin
// v2 API and compared field by field with the mapping in README.md ("OTLP mapping").

let skein: TestServer;
let otlpHttpUrl: string;
let grpcAddress: string;

beforeAll(async () => {
  skein = await startTestServer({ otlpHttpPort: 0, grpcPort: 0 });
  const at = (name: string): string => {
    const line = skein.server.collectorAddresses.find((a) => a.startsWith(`${name} `));
    if (line === undefined) throw new Error(`no ${name} collector in ${skein.server.collectorAddresses.join(', ')}`);
    return line.slice(name.length + 1);
  };
  otlpHttpUrl = at('otlp-http');
  grpcAddress = at('grpc');
});

afterAll(async () => {
  await skein.close();
});

type Gzip = NonNullable<NonNullable<ConstructorParameters<typeof JsonExporter>[0]>['compression']>;
const GZIP = 'gzip' as Gzip;

const EXPORTERS: [string, () => SpanExporter][] = [
  ['exporter-trace-otlp-http (JSON) on --otlp-http-port', () => new JsonExporter({ url: `${otlpHttpUrl}/v1/traces` })],
  ['exporter-trace-otlp-http (JSON, gzip) on the main port', () => new JsonExporter({ url: `${skein.url}/v1/traces`, compression: GZIP })],
  ['exporter-trace-otlp-proto on --otlp-http-port', () => new ProtoExporter({ url: `${otlpHttpUrl}/v1/traces` })],
  ['exporter-trace-otlp-proto (gzip) on the main port', () => new ProtoExporter({ url: `${skein.url}/v1/traces`, compression: GZIP })],
  ['exporter-trace-otlp-grpc', () => new GrpcExporter({ url: `http://${grpcAddress}` })],
  ['exporter-trace-otlp-grpc (gzip)', () => new GrpcExporter({ url: `http://${grpcAddress}`, compression: GZIP })],
];

const ATTRIBUTES: Attributes = {
  'str': 'hello',
  'bool': true,
  'int': 42,
  'double': 2.5,
  'str.array': ['a', 'b'],
  'bool.array': [true, false],
  'int.array': [1, 2, 3],
  'double.array': [1.5, -0.25],
};
const ATTRIBUTE_TAGS: Record<string, string> = {
  'str': 'hello',
  'bool': 'true',
  'int': '42',
  'double': '2.5',
  'str.array': '["a","b"]',
  'bool.array': '[true,false]',
  'int.array': '[1,2,3]',
  'double.array': '[1.5,-0.25]',
};

async function readTrace(traceId: string, count: number): Promise<Span[]> {
  let spans: Span[] = [];
  for (let i = 0; i < 400; i++) {
    const res = await fetch(`${skein.url}/api/v2/trace/${traceId}`);
    if (res.status === 200) {
      spans = (await res.json()) as Span[];
      if (spans.length === count) return spans;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Skein answered ${JSON.stringify(spans)} for trace ${traceId}`);
}

describe.each(EXPORTERS)('%s', (label, makeExporter) => {
  const t0 = Date.now() - 5000; // whole milliseconds: microsecond times are exact
  let provider: BasicTracerProvider;
  let ids: Record<'server' | 'client' | 'producer' | 'consumer' | 'internal', string>;
  let linked: { traceId: string; spanId: string };
  let traceId: string;
  let byId: Map<string, Span>;

  beforeAll(async () => {
    provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'OTLP-Orders', 'deployment.environment': 'test', 'host.cores': 8 }),
      spanProcessors: [new SimpleSpanProcessor(makeExporter())],
    });
    const tracer = provider.getTracer('skein-otlp-peer', '1.2.3');
    const other = tracer.startSpan('elsewhere', { startTime: t0 });
    other.end(t0 + 1);
    linked = { traceId: other.spanContext().traceId, spanId: other.spanContext().spanId };

    const server = tracer.startSpan('GET /orders/{id}', { kind: SpanKind.SERVER, startTime: t0, attributes: ATTRIBUTES });
    const inServer = trace.setSpan(context.active(), server);
    const internal = tracer.startSpan('validate', { startTime: t0 + 1, links: [{ context: other.spanContext(), attributes: { why: 'retry', n: 2 } }] }, inServer);
    internal.addEvent('cache miss', t0 + 2);
    internal.addEvent('checked', { rule: 'stock', ok: true, count: 3 }, t0 + 3);
    internal.end(t0 + 4);
    const client = tracer.startSpan('SELECT orders', {
      kind: SpanKind.CLIENT,
      startTime: t0 + 5,
      attributes: { 'peer.service': 'Postgres', 'network.peer.address': '10.1.2.3', 'network.peer.port': 5432, 'db.system': 'postgresql' },
    }, inServer);
    client.setStatus({ code: SpanStatusCode.ERROR, message: 'statement timeout' });
    client.end(t0 + 505);
    const producer = tracer.startSpan('publish', { kind: SpanKind.PRODUCER, startTime: t0 + 506, attributes: { 'server.address': 'rabbit.local' } }, inServer);
    producer.end(t0 + 507);
    const consumer = tracer.startSpan('consume', { kind: SpanKind.CONSUMER, startTime: t0 + 508 }, inServer);
    consumer.setStatus({ code: SpanStatusCode.OK });
    consumer.end(t0 + 509);
    server.setStatus({ code: SpanStatusCode.ERROR });
    server.end(t0 + 520);
    await provider.forceFlush();
    traceId = server.spanContext().traceId;
    ids = {
      server: server.spanContext().spanId,
      client: client.spanContext().spanId,
      producer: producer.spanContext().spanId,
      consumer: consumer.spanContext().spanId,
      internal: internal.spanContext().spanId,
    };
    byId = new Map((await readTrace(traceId, 5)).map((s) => [s.id, s]));
  });

  afterAll(async () => {
    await provider.shutdown();
  });

  const get = (which: keyof typeof ids): Span => {
    const s = byId.get(ids[which]);
    if (s === undefined) throw new Error(`${label}: span ${which} missing`);
    return s;
  };

  it('stores every span under its 128-bit trace id with its parent', () => {
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(get('server').parentId).toBeUndefined();
    for (const k of ['client', 'producer', 'consumer', 'internal'] as const) expect(get(k).parentId).toBe(ids.server);
    for (const s of byId.values()) expect(s.traceId).toBe(traceId);
  });

  it('maps span kinds (INTERNAL → none), names, and times to µs', () => {
    expect(get('server')).toMatchObject({ kind: 'SERVER', name: 'get /orders/{id}', timestamp: t0 * 1000, duration: 520_000 });
    expect(get('client')).toMatchObject({ kind: 'CLIENT', name: 'select orders', timestamp: (t0 + 5) * 1000, duration: 500_000 });
    expect(get('producer')).toMatchObject({ kind: 'PRODUCER', timestamp: (t0 + 506) * 1000, duration: 1000 });
    expect(get('consumer').kind).toBe('CONSUMER');
    expect(get('internal').kind).toBeUndefined();
    expect(get('internal')).toMatchObject({ name: 'validate', timestamp: (t0 + 1) * 1000, duration: 3000 });
  });

  it('maps service.name to the local service and keeps other resource attributes and the scope', () => {
    for (const s of byId.values()) {
      expect(s.localEndpoint?.serviceName).toBe('otlp-orders');
      expect(s.tags).toMatchObject({
        'deployment.environment': 'test',
        'host.cores': '8',
        'otel.scope.name': 'skein-otlp-peer',
        'otel.scope.version': '1.2.3',
      });
    }
  });

  it('keeps attributes of every type as tags (arrays as JSON)', () => {
    expect(get('server').tags).toMatchObject(ATTRIBUTE_TAGS);
  });

  it('maps status: ERROR to error/otel.status_code, its message to otel.status_description, OK kept', () => {
    expect(get('client').tags).toMatchObject({ 'otel.status_code': 'ERROR', error: 'statement timeout', 'otel.status_description': 'statement timeout' });
    expect(get('server').tags).toMatchObject({ 'otel.status_code': 'ERROR', error: 'true' });
    expect(get('consumer').tags?.['otel.status_code']).toBe('OK');
    expect(get('consumer').tags?.error).toBeUndefined();
    expect(get('producer').tags?.['otel.status_code']).toBeUndefined();
  });

  it('maps peer.service and network.peer.* to the remote endpoint, server.address on a producer', () => {
    expect(get('client').remoteEndpoint).toEqual({ serviceName: 'postgres', ipv4: '10.1.2.3', port: 5432 });
    expect(get('client').tags?.['peer.service']).toBeUndefined();
    expect(get('client').tags?.['db.system']).toBe('postgresql');
    expect(get('producer').remoteEndpoint).toEqual({ serviceName: 'rabbit.local' });
    expect(get('producer').tags?.['server.address']).toBe('rabbit.local');
  });

  it('maps events to annotations keeping their attributes, and links to otlp.link.<n> tags', () => {
    expect(get('internal').annotations).toEqual([
      { timestamp: (t0 + 2) * 1000, value: 'cache miss' },
      { timestamp: (t0 + 3) * 1000, value: 'checked|{"rule":"stock","ok":true,"count":3}|0' },
    ]);
    expect(get('internal').tags?.['otlp.link.0']).toBe(`${linked.traceId}|${linked.spanId}||{"why":"retry","n":2}|0`);
  });
});
