import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import type { SkeinMetrics } from '../observability/metrics.js';
import { grpcCollector } from './grpc-collector.js';
import { otlpHttpCollector } from './otlp-http-collector.js';
import { rabbitmqCollector } from './rabbitmq-collector.js';

/**
 * A collector with a lifecycle of its own beyond the main HTTP app (a gRPC server, an
 * OTLP/HTTP port, a RabbitMQ consumer). It hands every message to the shared pipeline.
 */
export interface Collector {
  /** Shown in the listen line, e.g. "grpc". */
  readonly name: string;
  /** Starts receiving; resolves to where it listens (an address, a queue name), for the log. */
  start(): Promise<string>;
  /** Stops receiving new messages and finishes the ones in flight. */
  close(): Promise<void>;
  /** Whether it can receive right now, for /health (collectors that cannot lose their source omit it). */
  check?(): { ok: boolean; error?: string };
}

/** What a collector is built from. */
export interface CollectorParts {
  config: Config;
  pipeline: IngestPipeline;
  metrics: SkeinMetrics;
  /** The main HTTP app, for collectors that add routes to the main port (before it listens). */
  app: FastifyInstance;
}

/** Makes a collector when the configuration enables it, or returns undefined. */
export type CollectorFactory = (parts: CollectorParts) => Collector | undefined | Promise<Collector | undefined>;

/**
 * Every collector beyond Zipkin's HTTP endpoints. Adding one (OTLP, gRPC, RabbitMQ) is one
 * entry here plus its options in config.ts.
 */
export const COLLECTOR_FACTORIES: readonly CollectorFactory[] = [otlpHttpCollector, grpcCollector, rabbitmqCollector];
