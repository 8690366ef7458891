import { Metadata, Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import { OTLP_PROTO, ZIPKIN_PROTO3, type SpanCodec } from '@skein/codec';
import type { IngestPipeline } from '../ingest/pipeline.js';
import { asServerError, grpcCodeOf, statusWithRetryInfo } from './grpc-status.js';
import type { Collector, CollectorParts } from './registry.js';

/** Metrics transport of OTLP TraceService/Export over gRPC. */
export const GRPC_OTLP_TRANSPORT = 'grpc-otlp';
/** Metrics transport of zipkin.proto3.SpanService/Report over gRPC. */
export const GRPC_ZIPKIN_TRANSPORT = 'grpc-zipkin';

// Messages stay raw bytes: the codecs decode them once, and both answers are the empty message.
const raw = (b: Buffer): Buffer => b;
const EMPTY = Buffer.alloc(0);

function unary(path: string): ServiceDefinition[string] {
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  };
}

/** The OTLP trace service (opentelemetry/proto/collector/trace/v1/trace_service.proto). */
export const OTLP_TRACE_SERVICE: ServiceDefinition = {
  Export: unary('/opentelemetry.proto.collector.trace.v1.TraceService/Export'),
};

/** Zipkin's span service (zipkin.proto: service SpanService { rpc Report(ListOfSpans) returns (ReportResponse) }). */
export const ZIPKIN_SPAN_SERVICE: ServiceDefinition = {
  Report: unary('/zipkin.proto3.SpanService/Report'),
};

function handler(pipeline: IngestPipeline, codec: SpanCodec, transport: string, maxBody: number) {
  return (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void => {
    const body = call.request;
    const done = body.length === 0 ? pipeline.ingest([], transport, 0) : pipeline.ingestMessage(body, codec, transport, true);
    done.then(
      () => callback(null, EMPTY),
      (error: unknown) => {
        const err = asServerError(error, maxBody);
        const code = grpcCodeOf(err);
        if (code === status.INTERNAL) console.error(`skein: gRPC ${transport} failed:`, err.cause ?? err);
        const metadata = new Metadata();
        metadata.set('skein-error-code', err.code);
        const details = `${err.code}: ${err.message}`;
        if (err.retryAfter !== undefined) metadata.set('grpc-status-details-bin', statusWithRetryInfo(code, details, err.retryAfter));
        callback({ code, details, metadata });
      },
    );
  };
}

/** gRPC on --grpc-port (unless -1): OTLP TraceService/Export and zipkin.proto3.SpanService/Report. */
export function grpcCollector(parts: CollectorParts): Collector | undefined {
  const { config, pipeline } = parts;
  if (config.grpcPort < 0) return undefined;
  const server = new Server({
    'grpc.max_receive_message_length': config.maxBody,
    'grpc.max_send_message_length': 1024 * 1024,
  });
  server.addService(OTLP_TRACE_SERVICE, { Export: handler(pipeline, OTLP_PROTO, GRPC_OTLP_TRANSPORT, config.maxBody) });
  server.addService(ZIPKIN_SPAN_SERVICE, { Report: handler(pipeline, ZIPKIN_PROTO3, GRPC_ZIPKIN_TRANSPORT, config.maxBody) });
  return {
    name: 'grpc',
    start() {
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      return new Promise((resolve, reject) => {
        server.bindAsync(`${host}:${config.grpcPort}`, ServerCredentials.createInsecure(), (err, port) => {
          if (err !== null) reject(new Error(`cannot listen for gRPC on ${host}:${config.grpcPort} (--grpc-port; -1 turns it off): ${err.message}`));
          else resolve(`${host}:${port}`);
        });
      });
    },
    close() {
      // Calls in flight finish (their spans are stored or refused); stragglers are cut after 10 s.
      return new Promise((resolve) => {
        const timer = setTimeout(() => server.forceShutdown(), 10_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
