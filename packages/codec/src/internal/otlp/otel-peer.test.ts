import { context, SpanKind, SpanStatusCode, trace, type HrTime } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { normalizeSpan, type Span } from '@skein/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { OTLP_JSON } from '../../otlp-json/index.js';
import { OTLP_PROTO } from '../../otlp-proto/index.js';

/**
 * Real peer: the OpenTelemetry JS SDK records spans and its own OTLP serializers
 * (@opentelemetry/otlp-transformer) write the protobuf and JSON bodies that an OTel exporter
 * sends. Our decoders must map them field by field as MAPPING.md says.
 */
let sdkSpans: ReadableSpan[];

function byName(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const s = spans.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no span ${name}`);
  return s;
}

function micros(t: HrTime): number {
  return t[0] * 1_000_000 + Math.floor(t[1] / 1000);
}

function durationMicros(s: ReadableSpan): number {
  const ns = (s.endTime[0] - s.startTime[0]) * 1e9 + (s.endTime[1] - s.startTime[1]);
  return Math.max(1, Math.floor(ns / 1000));
}

beforeAll(() => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'Checkout', 'deployment.environment': 'prod', 'process.pid': 42 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('my-lib', '1.2.3');
  const server = tracer.startSpan('GET /cart', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      ratio: 0.25,
      cached: false,
      labels: ['a', 'b'],
      sizes: [1, 2, 3],
      flags: [true, false],
      'network.peer.address': '10.0.0.7',
      'network.peer.port': 51234,
      'server.address': 'checkout.local',
    },
  });
  server.addEvent('cache.miss');
  server.addEvent('retry', { attempt: 2, reason: 'timeout' });
  server.setStatus({ code: SpanStatusCode.OK });
  const ctx = trace.setSpan(context.active(), server);
  const client = tracer.startSpan(
    'POST /reserve',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'peer.service': 'Inventory', 'server.address': 'inventory.internal', 'server.port': 8080 },
      links: [{ context: server.spanContext(), attributes: { 'link.reason': 'follows' } }],
    },
    ctx,
  );
  client.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream 503' });
  client.end();
  const noMessage = tracer.startSpan('failing', { kind: SpanKind.INTERNAL, attributes: { error: 'false' } }, ctx);
  noMessage.setStatus({ code: SpanStatusCode.ERROR });
  noMessage.end();
  const producer = tracer.startSpan('send', { kind: SpanKind.PRODUCER, attributes: { 'server.address': 'broker' } }, ctx);
  producer.end();
  const consumer = tracer.startSpan('receive', { kind: SpanKind.CONSUMER, attributes: { 'server.address': 'broker' } }, ctx);
  consumer.end();
  const internal = tracer.startSpan('compute', {}, ctx);
  internal.setAttribute('error', 'false');
  internal.end();
  server.end();
  sdkSpans = exporter.getFinishedSpans();
});

const peers: [string, () => Span[]][] = [
  ['protobuf (ProtobufTraceSerializer -> OTLP_PROTO)', () => OTLP_PROTO.decode(ProtobufTraceSerializer.serializeRequest(sdkSpans)!)],
  ['JSON (JsonTraceSerializer -> OTLP_JSON)', () => OTLP_JSON.decode(JsonTraceSerializer.serializeRequest(sdkSpans)!)],
];

describe.each(peers)('OTel SDK spans over %s', (_name, decode) => {
  let spans: Span[];
  const span = (name: string): Span => {
    const s = spans.find((x) => x.name === name);
    if (s === undefined) throw new Error(`no span ${name} in ${spans.map((x) => x.name).join(',')}`);
    return s;
  };
  beforeAll(() => {
    spans = decode();
  });

  it('decodes every span with ids, parent, name and times', () => {
    expect(spans).toHaveLength(sdkSpans.length);
    for (const sdk of sdkSpans) {
      const s = span(sdk.name.toLowerCase());
      expect(s.traceId).toBe(sdk.spanContext().traceId);
      expect(s.id).toBe(sdk.spanContext().spanId);
      expect(s.parentId).toBe(sdk.parentSpanContext?.spanId);
      expect(s.timestamp).toBe(micros(sdk.startTime));
      expect(s.duration).toBe(durationMicros(sdk));
    }
  });

  it('returns spans that are already normalized (a fixed point of normalizeSpan)', () => {
    spans.forEach((s, i) => expect(normalizeSpan(s, i)).toEqual(s));
  });

  it('maps the kinds: SERVER/CLIENT/PRODUCER/CONSUMER as is, INTERNAL to none', () => {
    expect(span('get /cart').kind).toBe('SERVER');
    expect(span('post /reserve').kind).toBe('CLIENT');
    expect(span('send').kind).toBe('PRODUCER');
    expect(span('receive').kind).toBe('CONSUMER');
    expect(span('compute').kind).toBeUndefined();
  });

  it('takes the local service from service.name and keeps other resource attributes and the scope as tags', () => {
    const s = span('get /cart');
    expect(s.localEndpoint).toEqual({ serviceName: 'checkout' });
    expect(s.tags?.['service.name']).toBeUndefined();
    expect(s.tags?.['deployment.environment']).toBe('prod');
    expect(s.tags?.['process.pid']).toBe('42');
    expect(s.tags?.['otel.scope.name']).toBe('my-lib');
    expect(s.tags?.['otel.scope.version']).toBe('1.2.3');
  });

  it('renders attributes of every type as tag text', () => {
    const t = span('get /cart').tags!;
    expect(t['http.request.method']).toBe('GET');
    expect(t['http.response.status_code']).toBe('200');
    expect(t.ratio).toBe('0.25');
    expect(t.cached).toBe('false');
    expect(t.labels).toBe('["a","b"]');
    expect(t.sizes).toBe('[1,2,3]');
    expect(t.flags).toBe('[true,false]');
  });

  it('maps status: OK and ERROR with the message, or "true" without one; drops error=false', () => {
    expect(span('get /cart').tags?.['otel.status_code']).toBe('OK');
    const client = span('post /reserve').tags!;
    expect(client['otel.status_code']).toBe('ERROR');
    expect(client.error).toBe('upstream 503');
    expect(client['otel.status_description']).toBe('upstream 503');
    const failing = span('failing').tags!;
    expect(failing['otel.status_code']).toBe('ERROR');
    expect(failing.error).toBe('true');
    expect(span('compute').tags?.error).toBeUndefined();
    expect(span('compute').tags?.['otel.status_code']).toBeUndefined();
  });

  it('turns events into annotations, keeping attributes in the Collector format', () => {
    const sdk = byName(sdkSpans, 'GET /cart');
    expect(span('get /cart').annotations).toEqual([
      { timestamp: micros(sdk.events[0]!.time), value: 'cache.miss' },
      { timestamp: micros(sdk.events[1]!.time), value: 'retry|{"attempt":2,"reason":"timeout"}|0' },
    ]);
  });

  it('derives the remote endpoint from peer attributes', () => {
    expect(span('post /reserve').remoteEndpoint).toEqual({ serviceName: 'inventory', port: 8080 });
    // SERVER span: network.peer.* is the client; server.address is the local server, not the peer
    expect(span('get /cart').remoteEndpoint).toEqual({ ipv4: '10.0.0.7', port: 51234 });
    expect(span('send').remoteEndpoint).toEqual({ serviceName: 'broker' });
    expect(span('receive').remoteEndpoint).toBeUndefined();
  });

  it('keeps links as otlp.link.<n> tags naming the linked trace and span', () => {
    const server = byName(sdkSpans, 'GET /cart').spanContext();
    expect(span('post /reserve').tags?.['otlp.link.0']).toBe(`${server.traceId}|${server.spanId}||{"link.reason":"follows"}|0`);
  });
});

describe('OTLP encode is read back by the real SDK schema and our decoder identically', () => {
  it('round-trips the decoded SDK spans through OTLP_PROTO and OTLP_JSON', () => {
    const decoded = OTLP_PROTO.decode(ProtobufTraceSerializer.serializeRequest(sdkSpans)!);
    expect(OTLP_PROTO.decode(OTLP_PROTO.encode(decoded))).toEqual(decoded);
    expect(OTLP_JSON.decode(OTLP_JSON.encode(decoded))).toEqual(decoded);
  });
});
