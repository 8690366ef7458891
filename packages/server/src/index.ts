// First, so that an unsupported Node.js is told so before Fastify loads (see node-support).
import './node-support.js';
export { main } from './cli.js';
export { buildApp, type AppParts } from './app.js';
export {
  ConfigError,
  OPTIONS,
  defaultConfig,
  envOf,
  flagOf,
  makeConfig,
  optionsHelp,
  resolveConfig,
  type Config,
  type OptionName,
  type OptionSpec,
} from './config.js';
export { createServer, type CreateServerOptions, type SkeinServer } from './server.js';
export { openStorage, STORAGE_OPENERS, type StorageOpener } from './storage-factory.js';
export { findUiDist, registerUi } from './ui-static.js';
export { HTTP_TRANSPORT, mediaType, registerHttpCollector } from './collector/http-collector.js';
export { inflate, registerRawBody } from './collector/raw-body.js';
export { COLLECTOR_FACTORIES, type Collector, type CollectorFactory, type CollectorParts } from './collector/registry.js';
export { SERVER_ERROR_CODES, ServerError } from './ingest/errors.js';
export { NODE_UNSUPPORTED, nodeSupportProblem } from './node-support.js';
export { IngestPipeline, type IngestPipelineOptions, type IngestResult } from './ingest/pipeline.js';
export { CollectorSampler } from './ingest/sampler.js';
export { SkeinMetrics, type DropReason, type RejectReason, type TransportMetrics } from './observability/metrics.js';
export { VERSION, registerObservability } from './observability/routes.js';
