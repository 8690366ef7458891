import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Span } from '@skein/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../config.js';
import { CollectorSampler } from '../ingest/sampler.js';
import { createServer, type SkeinServer } from '../server.js';

// The OpenTelemetry JS SDK with its real Zipkin exporter (JSON v2 to /api/v2/spans) reports
// spans with explicit times to a running Skein; they are read back through the v2 query API.

let skein: SkeinServer;
let skeinUrl: string;
let provider: BasicTracerProvider;

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(skeinUrl + path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

beforeAll(async () => {
  skein = await createServer(makeConfig({ port: 0, host: '127.0.0.1' }), { uiDir: null });
  skeinUrl = await skein.listen();
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'OTel-Orders' }),
    spanProcessors: [new SimpleSpanProcessor(new ZipkinExporter({ url: `${skeinUrl}/api/v2/spans` }))],
  });
});

afterAll(async () => {
  await provider.shutdown();
  await skein.close();
});

describe('@opentelemetry/exporter-zipkin reporting JSON v2 over HTTP', () => {
  const t0 = Date.now() - 2000; // whole milliseconds, so microsecond times are exact
  let traceId: string;
  let ids: { server: string; client: string; local: string };
  let spans: Span[];

  beforeAll(async () => {
    const tracer = provider.getTracer('skein-peer-test');
    const server = tracer.startSpan('GET /orders/{id}', {
      kind: SpanKind.SERVER,
      startTime: t0,
      attributes: { 'http.request.method': 'GET', 'http.response.status_code': 504, 'url.path': '/orders/7' },
    });
    const inServer = trace.setSpan(context.active(), server);
    const local = tracer.startSpan('validate', { startTime: t0 + 2 }, inServer);
    local.addEvent('cache miss', undefined, t0 + 3);
    local.end(t0 + 10);
    const client = tracer.startSpan('SELECT orders', {
      kind: SpanKind.CLIENT,
      startTime: t0 + 12,
      attributes: { 'db.system': 'postgresql', 'server.address': 'db.local' },
    }, inServer);
    client.setStatus({ code: SpanStatusCode.ERROR, message: 'statement timeout' });
    client.end(t0 + 512);
    server.setStatus({ code: SpanStatusCode.ERROR });
    server.end(t0 + 520);
    await provider.forceFlush();

    traceId = server.spanContext().traceId;
    ids = { server: server.spanContext().spanId, client: client.spanContext().spanId, local: local.spanContext().spanId };
    for (let i = 0; i < 400; i++) {
      const res = await fetch(`${skeinUrl}/api/v2/trace/${traceId}`);
      if (res.status === 200) {
        spans = (await res.json()) as Span[];
        if (spans.length === 3) break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    if (spans?.length !== 3) throw new Error(`Skein answered ${JSON.stringify(spans)} for trace ${traceId}`);
  });

  it('stores the three spans under the 128-bit trace id with their tree', () => {
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(spans).toHaveLength(3);
    const byId = new Map(spans.map((s) => [s.id, s]));
    expect(byId.get(ids.server)?.parentId).toBeUndefined();
    expect(byId.get(ids.local)?.parentId).toBe(ids.server);
    expect(byId.get(ids.client)?.parentId).toBe(ids.server);
    for (const s of spans) expect(s.traceId).toBe(traceId);
  });

  it('keeps kinds, lower-cased names and service, tags, annotations and exact times', () => {
    const byId = new Map(spans.map((s) => [s.id, s]));
    expect(byId.get(ids.server)).toMatchObject({
      kind: 'SERVER',
      name: 'get /orders/{id}',
      localEndpoint: { serviceName: 'otel-orders' },
      timestamp: t0 * 1000,
      duration: 520_000,
      tags: {
        'http.request.method': 'GET',
        'http.response.status_code': '504',
        'url.path': '/orders/7',
        'otel.status_code': 'ERROR',
        'service.name': 'OTel-Orders',
      },
    });
    expect(byId.get(ids.local)).toMatchObject({
      name: 'validate',
      timestamp: (t0 + 2) * 1000,
      duration: 8000,
      annotations: [{ timestamp: (t0 + 3) * 1000, value: 'cache miss' }],
    });
    expect(byId.get(ids.local)?.kind).toBeUndefined();
    expect(byId.get(ids.client)).toMatchObject({
      kind: 'CLIENT',
      name: 'select orders',
      timestamp: (t0 + 12) * 1000,
      duration: 500_000,
      tags: { 'db.system': 'postgresql', 'otel.status_code': 'ERROR', error: 'statement timeout' },
    });
  });

  it('finds the trace by service, error, duration and span name', async () => {
    const found = async (query: string) =>
      (await getJson<Span[][]>(`/api/v2/traces?${query}`)).map((t) => t[0]?.traceId);
    expect(await found('serviceName=OTel-Orders')).toEqual([traceId]);
    expect(await found(`serviceName=otel-orders&annotationQuery=${encodeURIComponent('error=statement timeout')}`)).toEqual([traceId]);
    expect(await found('serviceName=otel-orders&annotationQuery=cache%20miss')).toEqual([traceId]);
    expect(await found('serviceName=otel-orders&minDuration=500000')).toEqual([traceId]);
    expect(await found('serviceName=otel-orders&minDuration=520001')).toEqual([]);
    expect(await found('serviceName=otel-orders&spanName=SELECT%20orders')).toEqual([traceId]);
    expect(await found(`serviceName=otel-orders&endTs=${t0 - 1}`)).toEqual([]);
    expect(await getJson<string[]>('/api/v2/spans?serviceName=otel-orders')).toEqual(['get /orders/{id}', 'select orders', 'validate']);
  });

  // The commonest JSON v2 reporter should take the ingest thread's fast path, not the general one.
  it('has its bodies read straight from their bytes on the ingest thread', async () => {
    const metrics = await (await fetch(`${skeinUrl}/metrics`)).text();
    const count = (path: string): number => Number(new RegExp(`^skein_ingest_thread_messages_total\\{path="${path}"\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(count('json-v2-bytes')).toBe(3); // one message a span: SimpleSpanProcessor exports each as it ends
    expect(count('general')).toBe(0);
  });
});

// With --collector-sample-rate below 1 the exporter's batches still take the fast path, which
// keeps exactly the traces Zipkin's CollectorSampler keeps.
describe('@opentelemetry/exporter-zipkin reporting to a sampling collector', () => {
  it('stores exactly the traces the sampler keeps, read straight from the bytes', async () => {
    const sampled = await createServer(makeConfig({ port: 0, host: '127.0.0.1', collectorSampleRate: 0.5 }), { uiDir: null });
    const url = await sampled.listen();
    const batched = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'sampled-shop' }),
      spanProcessors: [new BatchSpanProcessor(new ZipkinExporter({ url: `${url}/api/v2/spans` }), { maxExportBatchSize: 512 })],
    });
    try {
      const tracer = batched.getTracer('skein-peer-test');
      const traceIds: string[] = [];
      for (let i = 0; i < 40; i++) {
        const root = tracer.startSpan(`checkout ${i}`, { kind: SpanKind.SERVER });
        tracer.startSpan('charge', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), root)).end();
        root.end();
        traceIds.push(root.spanContext().traceId);
      }
      await batched.forceFlush();
      const sampler = new CollectorSampler(0.5);
      const expected = traceIds.filter((id) => sampler.isSampled(id));
      const stored: string[] = [];
      for (const id of traceIds) {
        const res = await fetch(`${url}/api/v2/trace/${id}`);
        if (res.status === 200) {
          expect(((await res.json()) as Span[]).length).toBe(2);
          stored.push(id);
        } else expect(res.status).toBe(404);
      }
      expect(stored).toEqual(expected);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      const value = (pattern: string): number => Number(new RegExp(`^${pattern} (\\S+)$`, 'm').exec(metrics)?.[1] ?? 0);
      expect(value('skein_collector_spans_dropped_total\\{transport="http",reason="sampled"\\}')).toBe(2 * (traceIds.length - expected.length));
      expect(value('skein_ingest_thread_messages_total\\{path="json-v2-bytes"\\}')).toBeGreaterThan(0);
      expect(value('skein_ingest_thread_messages_total\\{path="general"\\}')).toBe(0);
    } finally {
      await batched.shutdown();
      await sampled.close();
    }
  });
});
