/**
 * OTLP protobuf decode/encode speed: our hand-written wire reader against protobufjs reading the
 * same bytes with the real opentelemetry-proto schema, and the full decode (wire + mapping +
 * normalizeSpan) against the 100,000 spans/s ingest target. The bytes come from the OpenTelemetry
 * JS SDK's own serializer (ProtobufTraceSerializer), so they are what real clients send.
 *
 * Run: npm run bench:codec   (prints; never asserts)
 */
import { fileURLToPath } from 'node:url';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import protobuf from 'protobufjs';
import { OTLP_JSON } from '../src/otlp-json/index.js';
import { OTLP_PROTO } from '../src/otlp-proto/index.js';
import { readExportRequest } from '../src/otlp-proto/read.js';
import { measure, SECONDS } from './measure.js';

const SPANS_PER_REQUEST = 100;

function makeSpans(n: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'service.version': '2.4.1',
      'deployment.environment': 'production',
      'host.name': 'checkout-7d9f8b-xk2lp',
      'process.pid': 4242,
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.version': '2.12.1',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('@opentelemetry/instrumentation-http', '0.57.0');
  for (let i = 0; exporter.getFinishedSpans().length < n; i++) {
    const root = tracer.startSpan('GET /api/cart/:id', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/api/cart/:id',
        'url.path': `/api/cart/${i}`,
        'url.scheme': 'https',
        'http.response.status_code': 200,
        'server.address': 'checkout.internal',
        'server.port': 8443,
        'network.peer.address': '10.1.2.3',
        'network.peer.port': 51234,
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36',
      },
    });
    const ctx = trace.setSpan(context.active(), root);
    for (let c = 0; c < 3; c++) {
      const child = tracer.startSpan(
        c === 2 ? 'SELECT cart_items' : 'POST /inventory/reserve',
        {
          kind: SpanKind.CLIENT,
          attributes:
            c === 2
              ? { 'db.system': 'postgresql', 'db.statement': 'SELECT * FROM cart_items WHERE cart_id = $1', 'peer.service': 'postgres' }
              : { 'http.request.method': 'POST', 'server.address': 'inventory', 'server.port': 8080, 'http.response.status_code': 503, retries: [1, 2] },
        },
        ctx,
      );
      if (c === 1) {
        child.addEvent('exception', { 'exception.type': 'Error', 'exception.message': 'upstream unavailable' });
        child.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream unavailable' });
      }
      child.end();
    }
    root.end();
  }
  return exporter.getFinishedSpans().slice(0, n);
}

async function main(): Promise<void> {
  const spans = makeSpans(SPANS_PER_REQUEST);
  const body = ProtobufTraceSerializer.serializeRequest(spans)!;
  const json = JsonTraceSerializer.serializeRequest(spans)!;
  const base = fileURLToPath(new URL('../testdata/otlp-proto/', import.meta.url));
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => base + target;
  await root.load('opentelemetry/proto/collector/trace/v1/trace_service.proto');
  const Request = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  const decoded = OTLP_PROTO.decode(body);

  console.log(`OTLP request: ${SPANS_PER_REQUEST} spans, ${body.length} bytes protobuf, ${json.length} bytes JSON; ${SECONDS}s per line`);
  console.log('wire reading only (bytes -> message objects):');
  const peer = measure('  protobufjs Type.decode (real schema, baseline)', SPANS_PER_REQUEST, () => Request.decode(body));
  const ours = measure('  skein readExportRequest (hand-written)', SPANS_PER_REQUEST, () => readExportRequest(body));
  console.log(`  ratio skein / protobufjs: ${(ours / peer).toFixed(2)}x`);
  console.log('full decode (wire + mapping to normalized spans):');
  const full = measure('  OTLP_PROTO.decode', SPANS_PER_REQUEST, () => OTLP_PROTO.decode(body));
  console.log(`  target >= 100,000 spans/s: ${full >= 100_000 ? 'met' : 'NOT met'}`);
  measure('  OTLP_JSON.decode', SPANS_PER_REQUEST, () => OTLP_JSON.decode(json));
  console.log('encode (what @skein/tracer\'s OTLP reporter does):');
  measure('  OTLP_PROTO.encode (skein spans)', SPANS_PER_REQUEST, () => OTLP_PROTO.encode(decoded));
  measure('  ProtobufTraceSerializer (OTel SDK, its own spans, reference)', SPANS_PER_REQUEST, () =>
    ProtobufTraceSerializer.serializeRequest(spans),
  );
}

void main();
