// Real peers: a zipkin-js service (B3) and an OpenTelemetry SDK service (W3C) call and are called
// by Skein-instrumented services, all in this process, each with its own tracer and recorder.
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { context as otContext, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { Span } from '@skein/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zipkin from 'zipkin';
import { createTracer, instrumentHttp, suppressTracing } from './index.js';
import { CollectingReporter } from './test-support/collect.js';

const require = createRequire(import.meta.url);
type Fetch = typeof fetch;
const wrapFetch = require('zipkin-instrumentation-fetch') as (f: Fetch, o: { tracer: zipkin.Tracer; remoteServiceName: string }) => Fetch;

const servers: http.Server[] = [];
function listen(s: http.Server): Promise<string> {
  servers.push(s);
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
}

// --- Skein: services "skein-a" (entry) and "skein-b" (leaf), one tracer ---
const skeinSpans = new CollectingReporter();
const skein = createTracer({ serviceName: 'skein', reporter: skeinSpans });
let uninstrument = (): void => {};
const skeinServers = new Set<http.Server>();

// --- zipkin-js service "zipkin-svc" ---
const zipkinSpans: Span[] = [];
const zTracer = new zipkin.Tracer({
  ctxImpl: new zipkin.ExplicitContext(),
  recorder: new zipkin.BatchRecorder({ logger: { logSpan: (s: zipkin.model.Span) => zipkinSpans.push(JSON.parse(zipkin.jsonEncoder.JSON_V2.encode(s)) as Span) } }),
  localServiceName: 'zipkin-svc',
  traceId128Bit: true,
});

// --- OpenTelemetry service "otel-svc" ---
const otelExporter = new InMemorySpanExporter();
const otelProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(otelExporter)] });
otelProvider.register({ propagator: new W3CTraceContextPropagator() });
const oTracer = trace.getTracer('otel-svc');

let aUrl = '';
let bUrl = '';
let zUrl = '';
let oUrl = '';

async function readBody(res: Response): Promise<string> {
  return res.text();
}

beforeAll(async () => {
  uninstrument = instrumentHttp(skein, { server: (s) => skeinServers.has(s), requireParent: true });
  const b = http.createServer((req, res) => res.end(`b saw ${req.headers['x-b3-traceid'] ?? req.headers.traceparent ?? 'nothing'}`));
  const a = http.createServer(async (req, res) => {
    // skein-a calls the zipkin-js service and the OTel service; each of them calls skein-b
    const z = await fetch(`${zUrl}/z`).then(readBody);
    const o = await fetch(`${oUrl}/o`).then(readBody);
    res.end(`${z}|${o}`);
  });
  skeinServers.add(a).add(b);
  const zFetch = wrapFetch(fetch, { tracer: zTracer, remoteServiceName: 'skein-b' });
  const zInst = new zipkin.Instrumentation.HttpServer({ tracer: zTracer, port: 0 as never });
  const z = http.createServer((req, res) => {
    const read = (name: string) => {
      const v = req.headers[name.toLowerCase()];
      return typeof v === 'string' ? new zipkin.option.Some(v) : zipkin.option.None;
    };
    const id = zInst.recordRequest(req.method ?? 'GET', req.url ?? '/', read as never);
    zTracer.letId(id, () => {
      void zFetch(`${bUrl}/from-zipkin`)
        .then(readBody)
        .then((body) => {
          zInst.recordResponse(id, '200');
          res.end(`zipkin(${body})`);
        });
    });
  });
  const o = http.createServer((req, res) => {
    const parent = propagation.extract(otContext.active(), req.headers);
    const span = oTracer.startSpan('otel-handle', { kind: 1 }, parent);
    void otContext.with(trace.setSpan(parent, span), async () => {
      const client = oTracer.startSpan('otel-call', { kind: 2 });
      const headers: Record<string, string> = {};
      propagation.inject(trace.setSpan(otContext.active(), client), headers);
      const body = await suppressTracing(() => fetch(`${bUrl}/from-otel`, { headers }).then(readBody));
      client.end();
      span.end();
      res.end(`otel(${body})`);
    });
  });
  [aUrl, bUrl, zUrl, oUrl] = (await Promise.all([a, b, z, o].map(listen))) as [string, string, string, string];
});

afterAll(async () => {
  uninstrument();
  await otelProvider.shutdown();
  await Promise.all(servers.map((s) => new Promise((r) => { s.close(r); s.closeAllConnections(); })));
});

describe('interop with zipkin-js (B3) and the OpenTelemetry SDK (W3C)', () => {
  it('every hop shares the trace id and points at the right parent', async () => {
    const root = skein.startSpan('test-client', { tags: { 'span.kind': 'client' } });
    const text = await skein.withSpan(root, () => fetch(`${aUrl}/start`).then(readBody));
    root.finish();
    const traceId = root.ctx.traceId;
    expect(text).toMatch(new RegExp(`^zipkin\\(b saw ${traceId}\\)\\|otel\\(b saw 00-${traceId}-[0-9a-f]{16}-01\\)$`));
    await new Promise((r) => setTimeout(r, 100));

    const sk = skeinSpans.spans.filter((s) => s.traceId === traceId);
    const serverA = sk.find((s) => s.kind === 'SERVER' && s.tags?.['http.path'] === '/start');
    const toA = sk.find((s) => s.kind === 'CLIENT' && s.tags?.['http.path'] === '/start');
    expect(toA?.parentId).toBe(root.ctx.spanId);
    expect(serverA?.parentId).toBe(toA?.id);
    const toZ = sk.find((s) => s.kind === 'CLIENT' && s.tags?.['http.path'] === '/z');
    const toO = sk.find((s) => s.kind === 'CLIENT' && s.tags?.['http.path'] === '/o');
    expect(toZ?.parentId).toBe(serverA?.id);
    expect(toO?.parentId).toBe(serverA?.id);

    // zipkin-js joins the caller's span (B3 shared span), then calls skein-b with a new child span
    const zServer = zipkinSpans.find((s) => s.kind === 'SERVER');
    const zClient = zipkinSpans.find((s) => s.kind === 'CLIENT');
    expect(zServer).toMatchObject({ traceId, id: toZ?.id, parentId: serverA?.id, shared: true });
    expect(zClient).toMatchObject({ traceId, parentId: toZ?.id });
    const bFromZ = sk.find((s) => s.kind === 'SERVER' && s.tags?.['http.path'] === '/from-zipkin');
    expect(bFromZ?.parentId).toBe(zClient?.id);

    // OpenTelemetry continues the W3C context with its own spans
    const otel = otelExporter.getFinishedSpans();
    const oServer = otel.find((s) => s.name === 'otel-handle');
    const oClient = otel.find((s) => s.name === 'otel-call');
    expect(oServer?.spanContext().traceId).toBe(traceId);
    expect(oServer?.parentSpanContext?.spanId).toBe(toO?.id);
    expect(oClient?.parentSpanContext?.spanId).toBe(oServer?.spanContext().spanId);
    const bFromO = sk.find((s) => s.kind === 'SERVER' && s.tags?.['http.path'] === '/from-otel');
    expect(bFromO?.parentId).toBe(oClient?.spanContext().spanId);
    expect(bFromO?.traceId).toBe(traceId);
  });
});
