import fastifyCors from '@fastify/cors';
import { exportTraceResponse, OTLP_JSON, OTLP_PROTO, rpcStatus, type OtlpEncoding, type SpanCodec } from '@skein/codec';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { ServerError } from '../ingest/errors.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import type { RejectReason } from '../observability/metrics.js';
import { mediaType } from './http-collector.js';
import { registerRawBody } from './raw-body.js';
import { asServerError, grpcCodeOf } from './grpc-status.js';
import type { Collector, CollectorParts } from './registry.js';

/** The transport label of OTLP/HTTP in metrics. */
export const OTLP_HTTP_TRANSPORT = 'otlp-http';

const ENCODINGS: ReadonlyMap<string, { codec: SpanCodec; encoding: OtlpEncoding; contentType: string }> = new Map([
  ['application/x-protobuf', { codec: OTLP_PROTO, encoding: 'proto', contentType: 'application/x-protobuf' }],
  ['application/protobuf', { codec: OTLP_PROTO, encoding: 'proto', contentType: 'application/x-protobuf' }],
  ['application/json', { codec: OTLP_JSON, encoding: 'json', contentType: 'application/json' }],
]);

const REFUSALS: Readonly<Record<string, RejectReason>> = {
  BODY_TOO_LARGE: 'too_large',
  BODY_GZIP_MALFORMED: 'invalid',
  UNSUPPORTED_ENCODING: 'unsupported_media_type',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid',
};

/** The answer encoding of a request: its own (protobuf or JSON); JSON for unknown types. */
function encodingOf(request: FastifyRequest): { encoding: OtlpEncoding; contentType: string } {
  return ENCODINGS.get(mediaType(request)) ?? { encoding: 'json', contentType: 'application/json' };
}

/**
 * POST /v1/traces (OTLP/HTTP): protobuf or JSON, optionally gzip. Answers 200 with an empty
 * ExportTraceServiceResponse once every kept span is stored; errors as a google.rpc.Status in
 * the request's encoding (400 bad input, 413, 415, 429/503 with Retry-After).
 */
export function registerOtlpHttpRoute(app: FastifyInstance, pipeline: IngestPipeline, maxBody: number): void {
  app.post(
    '/v1/traces',
    {
      config: { transport: OTLP_HTTP_TRANSPORT },
      errorHandler(error, request, reply) {
        sendStatus(asServerError(error, maxBody), request, reply, pipeline);
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const type = mediaType(request);
      const format = ENCODINGS.get(type);
      if (format === undefined) {
        throw new ServerError(
          'UNSUPPORTED_MEDIA_TYPE',
          415,
          `Content-Type ${JSON.stringify(type)} is not accepted by /v1/traces: use application/x-protobuf or application/json`,
        );
      }
      const body = request.body as Buffer | undefined;
      if (body === undefined || body.length === 0) await pipeline.ingest([], OTLP_HTTP_TRANSPORT, 0);
      else await pipeline.ingestMessage(body, format.codec, OTLP_HTTP_TRANSPORT, true);
      // All or nothing: spans the collector sampled out are dropped by choice, not rejected,
      // so the answer never carries partial_success.
      reply.code(200).type(format.contentType).send(Buffer.from(exportTraceResponse(format.encoding)));
    },
  );
}

function sendStatus(err: ServerError, request: FastifyRequest, reply: FastifyReply, pipeline: IngestPipeline): void {
  const refusal = REFUSALS[err.code];
  if (refusal !== undefined) pipeline.refuse(OTLP_HTTP_TRANSPORT, refusal);
  if (err.statusCode >= 500 && err.code !== 'STORAGE_UNAVAILABLE' && err.code !== 'SHUTTING_DOWN') {
    console.error(`skein: POST ${request.url} failed:`, err.cause ?? err);
  }
  const { encoding, contentType } = encodingOf(request);
  if (err.retryAfter !== undefined) reply.header('retry-after', String(err.retryAfter));
  reply
    .code(err.statusCode)
    .header('skein-error-code', err.code)
    .type(contentType)
    .send(Buffer.from(rpcStatus(encoding, grpcCodeOf(err), `${err.code}: ${err.message}`)));
}

/** The OTLP/HTTP port of its own (--otlp-http-port), serving only /v1/traces. */
async function otlpHttpServer(config: Config, pipeline: IngestPipeline): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: config.maxBody, return503OnClosing: true, forceCloseConnections: 'idle' });
  registerRawBody(app, config.maxBody);
  // Browser SDKs export to 4318 directly.
  await app.register(fastifyCors, {
    origin: config.corsOrigins.includes('*') ? '*' : [...config.corsOrigins],
    methods: ['POST', 'OPTIONS'],
    exposedHeaders: ['Retry-After', 'Skein-Error-Code'],
    maxAge: 86_400,
  });
  registerOtlpHttpRoute(app, pipeline, config.maxBody);
  return app;
}

/** OTLP/HTTP: the route on the main port always; its own port unless --otlp-http-port is -1. */
export async function otlpHttpCollector(parts: CollectorParts): Promise<Collector | undefined> {
  const { config, pipeline } = parts;
  registerOtlpHttpRoute(parts.app, pipeline, config.maxBody);
  if (config.otlpHttpPort < 0) return undefined;
  const app = await otlpHttpServer(config, pipeline);
  return {
    name: 'otlp-http',
    async start() {
      try {
        return await app.listen({ port: config.otlpHttpPort, host: config.host });
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new Error(`cannot listen for OTLP/HTTP on ${config.host}:${config.otlpHttpPort} (--otlp-http-port; -1 turns it off): ${why}`);
      }
    },
    close: () => app.close(),
  };
}
