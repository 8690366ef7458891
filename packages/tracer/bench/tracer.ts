// npm run bench:tracer — per-span cost of Skein vs the OpenTelemetry JS SDK, zipkin-js and
// jaeger-client (same work: start a child of a parent with 3 tags, finish, hand to a batching
// reporter whose transport discards), inject+extract ops/s, and heap bytes per queued span.
// BENCH_SPANS=n changes the spans per round (default 1,000,000); BENCH_SKIP_SPANS=1 skips that part.
import { createRequire } from 'node:module';
import { setImmediate as yieldLoop } from 'node:timers/promises';
import { context as otContext, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { FORMAT_HTTP_HEADERS } from 'opentracing';
import * as zipkin from 'zipkin';
import { BatchReporter, createTracer, type PropagationFormat } from '@skein/tracer';

const require = createRequire(import.meta.url);
const gc = (globalThis as { gc?: () => void }).gc;
const SPANS = Number(process.env.BENCH_SPANS ?? 1_000_000);
const CHUNK = 1000;
const ROUNDS = 3;

type Runner = { name: string; run(n: number): Promise<void> };

/** Runs n spans in chunks, yielding to the event loop between chunks so batching can happen. */
async function chunked(n: number, one: () => void): Promise<void> {
  for (let done = 0; done < n; done += CHUNK) {
    for (let i = 0; i < CHUNK; i++) one();
    await yieldLoop();
  }
}

const skeinReporter = new BatchReporter({ transport: { send: async () => {} }, maxQueueSize: 20_000, batchSize: 512 });

function skeinRunner(): Runner {
  const tracer = createTracer({ serviceName: 'bench', reporter: skeinReporter });
  const parent = tracer.startSpan('parent');
  const opts = { childOf: parent, tags: { 'http.method': 'GET', 'http.path': '/api/users', component: 'bench' } };
  return { name: 'skein', run: (n) => chunked(n, () => tracer.startSpan('child', opts).finish()) };
}

function otelRunner(): Runner {
  const exporter: SpanExporter = { export: (_spans: ReadableSpan[], cb) => cb({ code: 0 }), shutdown: async () => {} };
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 20_000, maxExportBatchSize: 512 })] });
  const tracer = provider.getTracer('bench');
  const parent = tracer.startSpan('parent');
  const ctx = trace.setSpan(otContext.active(), parent);
  const attrs = { 'http.method': 'GET', 'http.path': '/api/users', component: 'bench' };
  return { name: 'opentelemetry', run: (n) => chunked(n, () => tracer.startSpan('child', { attributes: attrs }, ctx).end()) };
}

function zipkinRunner(): Runner {
  const recorder = new zipkin.BatchRecorder({ logger: { logSpan: () => {} } });
  const tracer = new zipkin.Tracer({ ctxImpl: new zipkin.ExplicitContext(), recorder, localServiceName: 'bench', traceId128Bit: true });
  const parentId = tracer.createRootId();
  const { Annotation } = zipkin;
  const one = (): void => {
    tracer.letId(parentId, () => {
      const id = tracer.createChildId();
      tracer.letId(id, () => {
        tracer.recordAnnotation(new Annotation.LocalOperationStart('child'));
        tracer.recordBinary('http.method', 'GET');
        tracer.recordBinary('http.path', '/api/users');
        tracer.recordBinary('component', 'bench');
        tracer.recordAnnotation(new Annotation.LocalOperationStop());
      });
    });
  };
  return { name: 'zipkin-js', run: (n) => chunked(n, one) };
}

function jaegerRunner(): Runner | undefined {
  let jaeger: { Tracer: new (...a: unknown[]) => { startSpan(n: string, o: object): { finish(): void } }; RemoteReporter: new (s: object) => object; ConstSampler: new (b: boolean) => object };
  try {
    jaeger = require('jaeger-client') as typeof jaeger;
  } catch {
    return undefined;
  }
  const sender = { append: () => {}, flush: (cb?: (n: number) => void) => cb?.(0), setProcess: () => {}, close: () => {} };
  const reporter = new jaeger.RemoteReporter(sender);
  const tracer = new jaeger.Tracer('bench', reporter, new jaeger.ConstSampler(true));
  const parent = tracer.startSpan('parent', {});
  const opts = { childOf: parent, tags: { 'http.method': 'GET', 'http.path': '/api/users', component: 'bench' } };
  return { name: 'jaeger-client', run: (n) => chunked(n, () => tracer.startSpan('child', opts).finish()) };
}

async function perSpan(): Promise<Map<string, number>> {
  const runners = [skeinRunner(), otelRunner(), zipkinRunner(), jaegerRunner()].filter((r): r is Runner => r !== undefined);
  const best = new Map<string, number>();
  for (const r of runners) await r.run(Math.min(200_000, SPANS)); // warm up
  for (let round = 0; round < ROUNDS; round++) {
    for (const r of runners) {
      gc?.();
      const t0 = process.hrtime.bigint();
      await r.run(SPANS);
      const ns = Number(process.hrtime.bigint() - t0) / SPANS;
      best.set(r.name, Math.min(best.get(r.name) ?? Infinity, ns));
    }
  }
  return best;
}

function propagationOps(format: PropagationFormat): number {
  const tracer = createTracer({ serviceName: 'bench', reporter: { report: () => {} }, propagation: [format] });
  const span = tracer.startSpan('p');
  const ctx = span.context();
  const n = 2_000_000;
  let best = 0;
  for (let round = 0; round < ROUNDS + 1; round++) {
    const t0 = process.hrtime.bigint();
    let ok = 0;
    for (let i = 0; i < n; i++) {
      const carrier: Record<string, string> = {};
      tracer.inject(ctx, FORMAT_HTTP_HEADERS, carrier);
      if (tracer.extract(FORMAT_HTTP_HEADERS, carrier) !== null) ok++;
    }
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (ok !== n) throw new Error('extract failed');
    if (round > 0) best = Math.max(best, n / s);
  }
  return best;
}

function otelW3cOps(): number {
  const prop = new W3CTraceContextPropagator();
  const provider = new BasicTracerProvider();
  const span = provider.getTracer('b').startSpan('p');
  const ctx = trace.setSpan(otContext.active(), span);
  const setter = { set: (c: Record<string, string>, k: string, v: string) => void (c[k] = v) };
  const getter = { get: (c: Record<string, string>, k: string) => c[k], keys: (c: Record<string, string>) => Object.keys(c) };
  const n = 1_000_000;
  let best = 0;
  for (let round = 0; round < ROUNDS + 1; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const carrier: Record<string, string> = {};
      prop.inject(ctx, carrier, setter);
      prop.extract(otContext.active(), carrier, getter);
    }
    if (round > 0) best = Math.max(best, n / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  return best;
}

async function heapPerQueuedSpan(): Promise<number> {
  if (gc === undefined) return NaN;
  const n = 100_000;
  const reporter = new BatchReporter({ transport: { send: async () => {} }, maxQueueSize: n * 2, batchSize: n * 2, flushIntervalMs: 3_600_000 });
  const tracer = createTracer({ serviceName: 'bench', reporter });
  const parent = tracer.startSpan('parent');
  const opts = { childOf: parent, tags: { 'http.method': 'GET', 'http.path': '/api/users', component: 'bench' } };
  for (let i = 0; i < 1000; i++) tracer.startSpan('warm', opts).finish();
  await reporter.flush();
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) tracer.startSpan('child', opts).finish();
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (reporter.counters.queued !== n) throw new Error(`expected ${n} queued, got ${reporter.counters.queued}`);
  const perSpan = (after - before) / n;
  await reporter.close();
  return perSpan;
}

const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

if (process.env.BENCH_SKIP_SPANS === undefined) {
  console.log(`per-span cost: start (child of a parent, 3 tags) + finish + batching reporter with a discarding transport; ${fmt(SPANS)} spans x ${ROUNDS} rounds, best round`);
  const costs = await perSpan();
  const skeinNs = costs.get('skein') ?? NaN;
  for (const [name, ns] of costs) {
    const ratio = name === 'skein' ? '' : `   skein/${name} = ${fmt(skeinNs / ns, 2)}`;
    console.log(`  ${name.padEnd(14)} ${fmt(ns, 0).padStart(7)} ns/span${ratio}`);
  }
  const otel = costs.get('opentelemetry') ?? NaN;
  console.log(`  target: skein <= 0.5 x opentelemetry -> ${skeinNs <= otel / 2 ? 'MET' : 'NOT MET'} (${fmt(skeinNs / otel, 2)})`);
  await skeinReporter.flush();
  const c = skeinReporter.counters;
  console.log(`  skein reporter: ${fmt(c.reported)} spans encoded-ready and handed to the transport, ${fmt(c.dropped)} dropped`);
  if (!costs.has('jaeger-client')) console.log('  jaeger-client: not installed, skipped');
}

console.log('inject + extract (FORMAT_HTTP_HEADERS, one plain-object carrier per op):');
for (const f of ['b3', 'b3-single', 'w3c', 'jaeger'] as const) {
  const ops = propagationOps(f);
  const target = f === 'b3' || f === 'w3c' ? `  target >= 2,000,000 -> ${ops >= 2e6 ? 'MET' : 'NOT MET'}` : '';
  console.log(`  skein ${f.padEnd(10)} ${fmt(ops).padStart(12)} ops/s${target}`);
}
console.log(`  otel  w3c        ${fmt(otelW3cOps()).padStart(12)} ops/s (W3CTraceContextPropagator, for comparison)`);

const heap = await heapPerQueuedSpan();
console.log(`heap per queued span (100,000 finished spans waiting in the reporter queue): ${Number.isNaN(heap) ? 'run with --expose-gc' : `${fmt(heap)} bytes`}  target <= 400 -> ${heap <= 400 ? 'MET' : 'NOT MET'}`);
process.exit(0);
