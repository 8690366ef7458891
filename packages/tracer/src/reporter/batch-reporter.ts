import type { Span } from '@skein/model';
import { HttpTransport, type HttpTransportOptions } from './http-transport.js';
import { TransportError, type LazySpan, type Reporter, type ReporterCounters, type Transport } from './reporter.js';

/** Where warnings go (drops, failures). Default: console. */
export interface ReporterLogger {
  warn(message: string): void;
}

/** Options of the batching reporter. */
export interface BatchReporterOptions extends HttpTransportOptions {
  /** How batches are sent; default an HttpTransport built from the HTTP options. */
  transport?: Transport;
  /** Spans held at most (queued + in flight); a full queue drops the newest span. Default 10000. */
  maxQueueSize?: number;
  /** Spans per request (default 100); a full batch is sent at once. */
  batchSize?: number;
  /** A partial batch is sent after this long (default 1000 ms). */
  flushIntervalMs?: number;
  /** Retries of one batch after network errors, 429 and 5xx (default 5). */
  maxRetries?: number;
  /** First backoff (default 200 ms), doubled each retry, with jitter, up to maxBackoffMs (default 30000). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** close() gives up retrying after this long and counts what is left as failed (default 30000 ms). */
  closeTimeoutMs?: number;
  /** Drops and failures are logged here at most once a minute. */
  logger?: ReporterLogger;
}

type Item = Span | LazySpan;

const LOG_EVERY_MS = 60_000;

function positiveInt(name: string, v: number | undefined, def: number): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < 0) throw Object.assign(new Error(`reporter option ${name} must be an integer >= 0, got ${v}`), { code: 'TRACER_INVALID_OPTION' });
  return v;
}

/**
 * Queues finished spans and sends them in batches. Every span handed over is counted exactly once
 * as reported, dropped (queue full, or after close) or failed (rejected, or retries exhausted).
 */
export class BatchReporter implements Reporter {
  private queue: Item[] = [];
  private inFlight = 0;
  private readonly transport: Transport;
  private readonly maxQueue: number;
  private readonly batchSize: number;
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly closeTimeoutMs: number;
  private readonly logger: ReporterLogger;
  private readonly timer: NodeJS.Timeout;
  private draining: Promise<void> | null = null;
  private scheduled = false;
  private closed = false;
  private closeDeadline = Infinity;
  private lastLog = -Infinity;
  private unlogged = { dropped: 0, failed: 0, lastError: '' };
  private readonly c = { reported: 0, dropped: 0, failed: 0 };

  constructor(options: BatchReporterOptions = {}) {
    this.transport = options.transport ?? new HttpTransport(options);
    this.maxQueue = positiveInt('maxQueueSize', options.maxQueueSize, 10_000);
    this.batchSize = Math.max(1, positiveInt('batchSize', options.batchSize, 100));
    this.maxRetries = positiveInt('maxRetries', options.maxRetries, 5);
    this.backoffMs = positiveInt('backoffMs', options.backoffMs, 200);
    this.maxBackoffMs = positiveInt('maxBackoffMs', options.maxBackoffMs, 30_000);
    this.closeTimeoutMs = positiveInt('closeTimeoutMs', options.closeTimeoutMs, 30_000);
    this.logger = options.logger ?? { warn: (m) => console.warn(m) };
    const interval = positiveInt('flushIntervalMs', options.flushIntervalMs, 1000);
    this.timer = setInterval(() => void this.drain(), Math.max(1, interval));
    this.timer.unref();
  }

  /** Delivery counters. */
  get counters(): ReporterCounters {
    return { ...this.c, queued: this.queue.length + this.inFlight };
  }

  report(span: Span): void {
    this.enqueue(span);
  }

  /** Queues a span whose Zipkin form is built when it is sent. */
  enqueue(item: Item): void {
    if (this.closed || this.queue.length + this.inFlight >= this.maxQueue) {
      this.c.dropped++;
      this.unlogged.dropped++;
      this.maybeLog();
      return;
    }
    this.queue.push(item);
    if (this.queue.length >= this.batchSize && !this.scheduled && this.draining === null) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.drain();
      });
    }
  }

  /** Sends everything queued now; resolves when it is delivered or counted as failed. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.draining !== null) await this.drain();
  }

  /** Stops taking spans, delivers what is queued (retrying until closeTimeoutMs), then stops. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.closeDeadline = Date.now() + this.closeTimeoutMs;
      clearInterval(this.timer);
    }
    await this.flush();
    this.flushLog();
    (this.transport as { close?: () => void }).close?.();
  }

  private drain(): Promise<void> {
    if (this.draining !== null) return this.draining;
    if (this.queue.length === 0) return Promise.resolve();
    this.draining = this.drainLoop().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drainLoop(): Promise<void> {
    while (this.queue.length > 0) {
      let items: Item[];
      if (this.queue.length <= this.batchSize) {
        items = this.queue;
        this.queue = [];
      } else {
        items = this.queue.slice(0, this.batchSize);
        this.queue = this.queue.slice(this.batchSize);
      }
      this.inFlight = items.length;
      const spans = new Array<Span>(items.length);
      for (let i = 0; i < items.length; i++) {
        const it = items[i] as Item;
        spans[i] = 'toZipkin' in it ? it.toZipkin() : it;
      }
      await this.sendWithRetries(spans);
      this.inFlight = 0;
    }
  }

  private async sendWithRetries(spans: Span[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let error: TransportError;
      try {
        await this.transport.send(spans);
        this.c.reported += spans.length;
        return;
      } catch (err) {
        error = err instanceof TransportError ? err : new TransportError(String((err as Error)?.message ?? err), 'TRACER_NETWORK', true);
      }
      // Retry-After is honoured, up to a minute (a longer wait would only fill the queue).
      const delay = error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, 60_000) : this.backoff(attempt);
      const outOfTime = this.closed && Date.now() + delay > this.closeDeadline;
      if (!error.retryable || attempt >= this.maxRetries || outOfTime) {
        this.c.failed += spans.length;
        this.unlogged.failed += spans.length;
        this.unlogged.lastError = error.message;
        this.maybeLog();
        return;
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        // While closing, the retry must keep the process alive; otherwise it must not.
        if (!this.closed) t.unref();
      });
    }
  }

  private backoff(attempt: number): number {
    const max = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** attempt);
    return Math.round(max / 2 + Math.random() * (max / 2));
  }

  private maybeLog(): void {
    if (Date.now() - this.lastLog >= LOG_EVERY_MS) this.flushLog();
  }

  private flushLog(): void {
    const { dropped, failed, lastError } = this.unlogged;
    if (dropped === 0 && failed === 0) return;
    this.lastLog = Date.now();
    this.unlogged = { dropped: 0, failed: 0, lastError: '' };
    const parts: string[] = [];
    if (dropped > 0) parts.push(`${dropped} dropped (queue of ${this.maxQueue} full or reporter closed)`);
    if (failed > 0) parts.push(`${failed} failed to send (last error: ${lastError})`);
    this.logger.warn(`skein tracer: spans lost since last report: ${parts.join('; ')}. Totals: ${JSON.stringify(this.counters)}`);
  }
}
