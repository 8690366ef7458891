import fastifyCors from '@fastify/cors';
import { CodecError, SpanValidationError } from '@skein/model';
import type { Storage } from '@skein/storage';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { registerHttpCollector } from './collector/http-collector.js';
import { registerRawBody, tooLarge } from './collector/raw-body.js';
import type { Config } from './config.js';
import { ServerError } from './ingest/errors.js';
import type { IngestPipeline } from './ingest/pipeline.js';
import type { RejectReason, SkeinMetrics } from './observability/metrics.js';
import type { Collector } from './collector/registry.js';
import { registerObservability } from './observability/routes.js';
import { registerQueryRoutes } from './query/routes.js';
import { findUiDist, registerUi } from './ui-static.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on collector routes: the transport label their refusals are counted under. */
    transport?: string;
  }
}

/** What the HTTP app is built from. */
export interface AppParts {
  config: Config;
  storage: Storage;
  pipeline: IngestPipeline;
  metrics: SkeinMetrics;
  /** The built UI's folder; undefined finds @skein/ui's, null serves no UI files. */
  uiDir?: string | null | undefined;
  /** The collectors beyond the HTTP app, once made (their health goes into /health). */
  collectors?: () => readonly Collector[];
}

/** The Fastify app: raw bodies, CORS, collector, query API, health/info/metrics and the UI. */
export async function buildApp(parts: AppParts): Promise<FastifyInstance> {
  const { config, storage, pipeline, metrics } = parts;
  const app = Fastify({
    logger: false,
    bodyLimit: config.maxBody,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  registerRawBody(app, config.maxBody);
  await app.register(fastifyCors, {
    origin: config.corsOrigins.includes('*') ? '*' : [...config.corsOrigins],
    methods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
    exposedHeaders: ['Retry-After', 'Skein-Error-Code'],
    maxAge: 86_400,
  });
  app.setErrorHandler((error: FastifyError | ServerError | Error, request, reply) => {
    sendError(toServerError(error, config.maxBody), request, reply, pipeline);
  });
  registerObservability(app, storage, metrics, parts.collectors);
  registerHttpCollector(app, pipeline);
  registerQueryRoutes(app, {
    storage,
    defaultLookback: config.queryLookback,
    defaultLimit: config.queryLimitDefault,
    autocompleteKeys: config.autocompleteKeys,
  });
  await registerUi(app, parts.uiDir === undefined ? findUiDist() : (parts.uiDir ?? undefined));
  return app;
}

/** Maps any error to a status, a stable code and a message a user can act on. */
function toServerError(error: Error & { code?: unknown; statusCode?: unknown }, maxBody: number): ServerError {
  if (error instanceof ServerError) return error;
  const code = typeof error.code === 'string' ? error.code : 'INTERNAL';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return tooLarge(maxBody);
  const status = typeof error.statusCode === 'number' ? error.statusCode : undefined;
  // Only codec and span validation errors are the client's fault; any other coded error without a
  // status (e.g. a store's) is ours, so it must never read as a 400.
  if (status === undefined && (error instanceof CodecError || error instanceof SpanValidationError)) {
    return new ServerError(code, 400, error.message, { cause: error });
  }
  if (status === undefined && code.startsWith('STORAGE_')) {
    return new ServerError(code, 503, `storage unavailable: ${error.message}`, { cause: error, retryAfter: 5 });
  }
  if (status !== undefined && status < 500) return new ServerError(code, status, error.message, { cause: error });
  return new ServerError(code, status ?? 500, `internal error: ${error.message}`, { cause: error });
}

const REFUSALS: Readonly<Record<string, RejectReason>> = {
  BODY_TOO_LARGE: 'too_large',
  BODY_GZIP_MALFORMED: 'invalid',
  UNSUPPORTED_ENCODING: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid',
};

function sendError(err: ServerError, request: FastifyRequest, reply: FastifyReply, pipeline: IngestPipeline): void {
  const transport = request.routeOptions.config.transport;
  const refusal = REFUSALS[err.code];
  // Errors raised before the body reached the pipeline are counted here, once.
  if (transport !== undefined && refusal !== undefined) pipeline.refuse(transport, refusal);
  if (err.statusCode >= 500 && err.code !== 'STORAGE_UNAVAILABLE' && err.code !== 'SHUTTING_DOWN') {
    console.error(`skein: ${request.method} ${request.url} failed:`, err.cause ?? err);
  }
  if (err.retryAfter !== undefined) reply.header('retry-after', String(err.retryAfter));
  reply
    .code(err.statusCode)
    .header('skein-error-code', err.code)
    .type('text/plain; charset=utf-8')
    .send(`${err.message}\n`);
}
