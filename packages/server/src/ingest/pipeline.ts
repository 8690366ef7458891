import type { SpanCodec } from '@skein/codec';
import type { Span } from '@skein/model';
import type { SpanConsumer } from '@skein/storage';
import type { RejectReason, SkeinMetrics, TransportMetrics } from '../observability/metrics.js';
import { ServerError } from './errors.js';
import { CollectorSampler } from './sampler.js';

/** A message decoded and sampled off the event loop, ready to store. */
export interface OffloadedMessage {
  /** Spans in the message. */
  received: number;
  /** Spans kept by the sampler. */
  kept: number;
  /** Stores the kept spans; resolves once they are stored. */
  store(): Promise<void>;
}

/** Decodes messages on another thread (ThreadedMemoryStorage): the pipeline then only bounds and stores. */
export interface IngestOffload {
  /**
   * Decodes and samples one message with the pipeline's sample rate; rejects like codec.decode.
   * With owned, the body's memory may be taken (the caller never reads the body again).
   */
  decode(body: Uint8Array, codec: SpanCodec, owned?: boolean): Promise<OffloadedMessage>;
}

/** Settings of the ingest pipeline. */
export interface IngestPipelineOptions {
  storage: SpanConsumer;
  /** Decodes messages off the event loop, when the store offers it. */
  offload?: IngestOffload | undefined;
  metrics: SkeinMetrics;
  /** Collector sample rate, 0 to 1. */
  sampleRate: number;
  /** Spans being stored at once before ingest refuses with INGEST_QUEUE_FULL. */
  maxQueueSpans: number;
  /** Message bytes being decoded or stored at once before ingest refuses. */
  maxQueueBytes: number;
}

/** What happened to the spans of one message. */
export interface IngestResult {
  /** Spans in the message. */
  received: number;
  /** Spans stored (received minus sampled out). */
  stored: number;
}

/** Seconds a client is asked to wait when the queue is full. */
const QUEUE_FULL_RETRY_AFTER = 1;
/** Seconds a client is asked to wait when the store failed. */
const STORAGE_RETRY_AFTER = 5;

/**
 * Decode → sample → bound → store, shared by every collector (HTTP, OTLP, gRPC, RabbitMQ).
 * Resolves only once the store confirmed every kept span; rejects with a ServerError (or
 * the codec's SkeinError) and stores nothing otherwise. Counts everything per transport.
 */
export class IngestPipeline {
  private readonly storage: SpanConsumer;
  private readonly offload: IngestOffload | undefined;
  private readonly metrics: SkeinMetrics;
  private readonly sampler: CollectorSampler;
  private readonly maxSpans: number;
  private readonly maxBytes: number;
  private spans = 0;
  private bytes = 0;
  private closing = false;
  private idleWaiters: (() => void)[] = [];

  constructor(options: IngestPipelineOptions) {
    this.storage = options.storage;
    this.offload = options.offload;
    this.metrics = options.metrics;
    this.sampler = new CollectorSampler(options.sampleRate);
    this.maxSpans = options.maxQueueSpans;
    this.maxBytes = options.maxQueueBytes;
  }

  /** Spans and bytes being stored right now. */
  get queued(): { spans: number; bytes: number } {
    return { spans: this.spans, bytes: this.bytes };
  }

  /**
   * Decodes one message with codec and stores its spans; `body` is already inflated. With owned,
   * the caller gives the body up: it must not read it afterwards (its memory may move to the
   * ingest thread).
   */
  async ingestMessage(body: Uint8Array, codec: SpanCodec, transport: string, owned = false): Promise<IngestResult> {
    const t = this.metrics.transport(transport);
    const size = body.byteLength;
    t.received(1, size, 0);
    this.admit(t, size);
    this.bytes += size;
    try {
      if (this.offload !== undefined) return await this.storeOffloaded(this.offload, body, codec, t, owned);
      let spans: Span[];
      try {
        spans = codec.decode(body);
      } catch (err) {
        t.rejected('invalid');
        throw err;
      }
      t.spans(spans.length);
      return await this.store(spans, t);
    } finally {
      this.release(0, size);
    }
  }

  /** Stores spans a collector decoded itself; `bytes` is the message size, for metrics and the bound. */
  async ingest(spans: readonly Span[], transport: string, bytes = 0): Promise<IngestResult> {
    const t = this.metrics.transport(transport);
    t.received(1, bytes, spans.length);
    this.admit(t, bytes);
    this.bytes += bytes;
    try {
      return await this.store(spans, t);
    } finally {
      this.release(0, bytes);
    }
  }

  /** Counts a message a collector refused before it reached the pipeline (413, 415, bad gzip). */
  refuse(transport: string, reason: RejectReason): void {
    const t = this.metrics.transport(transport);
    t.received(1, 0, 0);
    t.rejected(reason);
  }

  /** Refuses new messages from now on; resolves once nothing is being stored. */
  close(): Promise<void> {
    this.closing = true;
    return this.idle();
  }

  /** Resolves once no span is being stored. */
  idle(): Promise<void> {
    if (this.spans === 0 && this.bytes === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private admit(t: TransportMetrics, size: number): void {
    if (this.closing) {
      t.rejected('shutting_down');
      throw new ServerError('SHUTTING_DOWN', 503, 'the server is shutting down; send the spans to another instance', {
        retryAfter: STORAGE_RETRY_AFTER,
      });
    }
    if (this.bytes > 0 && this.bytes + size > this.maxBytes) {
      t.rejected('queue_full');
      throw queueFull(`${this.bytes} bytes are being stored (limit ${this.maxBytes})`);
    }
  }

  private async storeOffloaded(offload: IngestOffload, body: Uint8Array, codec: SpanCodec, t: TransportMetrics, owned: boolean): Promise<IngestResult> {
    let m: OffloadedMessage;
    try {
      m = await offload.decode(body, codec, owned);
    } catch (err) {
      t.rejected(err instanceof ServerError ? 'storage_error' : 'invalid');
      throw err;
    }
    t.spans(m.received);
    return this.bounded(m.received, m.kept, t, () => m.store());
  }

  private store(all: readonly Span[], t: TransportMetrics): Promise<IngestResult> {
    const spans = this.sampler.filter(all);
    return this.bounded(all.length, spans.length, t, () => this.storage.accept(spans));
  }

  /** Stores the kept spans of a message of `received` spans, within the queue bound. */
  private async bounded(received: number, n: number, t: TransportMetrics, store: () => Promise<void>): Promise<IngestResult> {
    t.dropped('sampled', received - n);
    if (n === 0) return { received, stored: 0 };
    if (this.spans > 0 && this.spans + n > this.maxSpans) {
      t.rejected('queue_full');
      t.dropped('queue_full', n);
      throw queueFull(`${this.spans} spans are being stored (limit ${this.maxSpans})`);
    }
    this.spans += n;
    try {
      await store();
    } catch (err) {
      t.rejected('storage_error');
      t.dropped('storage_error', n);
      const why = err instanceof Error ? err.message : String(err);
      throw new ServerError('STORAGE_UNAVAILABLE', 503, `the store did not accept the spans, nothing was stored: ${why}`, {
        retryAfter: STORAGE_RETRY_AFTER,
        cause: err,
      });
    } finally {
      this.release(n, 0);
    }
    this.metrics.spansStored(n);
    return { received, stored: n };
  }

  private release(spans: number, bytes: number): void {
    this.spans -= spans;
    this.bytes -= bytes;
    if (this.spans === 0 && this.bytes === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

function queueFull(detail: string): ServerError {
  return new ServerError('INGEST_QUEUE_FULL', 429, `ingest queue is full: ${detail}; retry later`, {
    retryAfter: QUEUE_FULL_RETRY_AFTER,
  });
}
