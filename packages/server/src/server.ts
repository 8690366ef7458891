import type { Storage } from '@skein/storage';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { COLLECTOR_FACTORIES, type Collector } from './collector/registry.js';
import type { Config } from './config.js';
import { IngestPipeline } from './ingest/pipeline.js';
import { ThreadedMemoryStorage } from './ingest/prepare-thread.js';
import { SkeinMetrics } from './observability/metrics.js';
import { openStorage } from './storage-factory.js';

/** A Skein server: its HTTP app, store, ingest pipeline and metrics. */
export interface SkeinServer {
  readonly config: Config;
  readonly app: FastifyInstance;
  readonly storage: Storage;
  /** The ingest pipeline every collector hands its spans to. */
  readonly pipeline: IngestPipeline;
  readonly metrics: SkeinMetrics;
  /** Collectors beyond the main HTTP app (see collector/registry.ts). */
  readonly collectors: readonly Collector[];
  /** Where each extra collector listens, once listen() resolved: "name address". */
  readonly collectorAddresses: readonly string[];
  /** Starts listening on config.host:config.port; resolves to the base URL (e.g. http://127.0.0.1:9411). */
  listen(): Promise<string>;
  /** Stops accepting messages, lets in-flight ones finish, then closes the store. Idempotent. */
  close(): Promise<void>;
}

/** Options for embedding and tests. */
export interface CreateServerOptions {
  /** A store to use instead of the one config.storage names (closed by close()). */
  storage?: Storage;
  /** The built UI's folder; undefined finds @skein/ui's, null serves none. */
  uiDir?: string | null;
}

/** Builds a server from its configuration; call listen() to start it. */
export async function createServer(config: Config, options: CreateServerOptions = {}): Promise<SkeinServer> {
  const storage = options.storage ?? (await openStorage(config));
  let pipeline: IngestPipeline | undefined;
  const metrics = new SkeinMetrics(() => pipeline?.queued ?? { spans: 0, bytes: 0 });
  if (storage instanceof ThreadedMemoryStorage) {
    metrics.ingestThreadBusy(() => storage.threadBusySeconds);
    metrics.ingestThreadMessages(() => storage.threadMessages);
    storage.onThreadFailure = (why) => {
      metrics.ingestThreadFailed();
      console.error(`skein: the ingest thread failed (${why}); messages it held were refused with 503, a new thread takes the next`);
    };
  }
  pipeline = new IngestPipeline({
    storage,
    offload: storage instanceof ThreadedMemoryStorage ? storage : undefined,
    metrics,
    sampleRate: config.collectorSampleRate,
    maxQueueSpans: config.ingestQueueSpans,
    maxQueueBytes: config.ingestQueueBytes,
  });
  const ingest = pipeline;
  const collectors: Collector[] = [];
  const app = await buildApp({ config, storage, pipeline, metrics, uiDir: options.uiDir, collectors: () => collectors });
  for (const factory of COLLECTOR_FACTORIES) {
    const collector = await factory({ config, pipeline, metrics, app });
    if (collector !== undefined) collectors.push(collector);
  }
  const collectorAddresses: string[] = [];
  let closing: Promise<void> | undefined;
  // Answers given while draining close their keep-alive connection, so close() does not
  // wait for clients to hang up (Fastify only closes connections idle when close starts).
  app.addHook('onSend', (request, reply, payload, done) => {
    if (closing !== undefined) reply.header('connection', 'close');
    done(null, payload);
  });
  return {
    config,
    app,
    storage,
    pipeline,
    metrics,
    collectors,
    collectorAddresses,
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      for (const c of collectors) collectorAddresses.push(`${c.name} ${await c.start()}`);
      const address = app.server.address();
      if (address === null || typeof address === 'string') return String(address);
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}`;
    },
    close() {
      closing ??= (async () => {
        // Each intake stops and finishes what it has in flight (HTTP requests whose body is
        // still arriving included); then the pipeline refuses anything late and drains.
        await Promise.all(collectors.map((c) => c.close()));
        await app.close();
        await ingest.close();
        await storage.close();
      })();
      return closing;
    },
  };
}
