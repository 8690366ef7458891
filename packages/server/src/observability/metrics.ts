import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Why a whole message (request, queue message) was refused. */
export type RejectReason =
  | 'invalid'
  | 'too_large'
  | 'unsupported_media_type'
  | 'queue_full'
  | 'storage_error'
  | 'shutting_down';

/** Why spans were not stored although the message was accepted or refused. */
export type DropReason = 'sampled' | 'queue_full' | 'storage_error';

/** Counter increments of one transport, bound to its label once so the hot path only adds. */
export interface TransportMetrics {
  received(messages: number, bytes: number, spans: number): void;
  /** Counts spans decoded from a message (known only after decoding). */
  spans(count: number): void;
  rejected(reason: RejectReason): void;
  dropped(reason: DropReason, spans: number): void;
}

interface Bound {
  inc(n?: number): void;
}

/** The Prometheus metrics of one server (each server has its own registry). */
export class SkeinMetrics {
  /** The registry /metrics renders. */
  readonly registry = new Registry();
  private readonly messages: Counter<'transport'>;
  private readonly bytes: Counter<'transport'>;
  private readonly spanCount: Counter<'transport'>;
  private readonly rejectedMessages: Counter<'transport' | 'reason'>;
  private readonly droppedSpans: Counter<'transport' | 'reason'>;
  private readonly stored: Counter;
  private readonly threadFailures: Counter;
  private readonly durations: Histogram<'method' | 'route' | 'status_code'>;
  private readonly transports = new Map<string, TransportMetrics>();

  constructor(queue: () => { spans: number; bytes: number }) {
    const registers = [this.registry];
    const labelNames = ['transport'] as const;
    this.messages = new Counter({ name: 'skein_collector_messages_total', help: 'Messages (requests) received by the collector', labelNames, registers });
    this.bytes = new Counter({ name: 'skein_collector_bytes_total', help: 'Body bytes received by the collector, after inflation', labelNames, registers });
    this.spanCount = new Counter({ name: 'skein_collector_spans_total', help: 'Spans decoded by the collector', labelNames, registers });
    this.rejectedMessages = new Counter({
      name: 'skein_collector_messages_rejected_total',
      help: 'Messages refused with an error, by reason',
      labelNames: ['transport', 'reason'],
      registers,
    });
    this.droppedSpans = new Counter({
      name: 'skein_collector_spans_dropped_total',
      help: 'Spans not stored: sampled out, queue full or storage failure',
      labelNames: ['transport', 'reason'],
      registers,
    });
    this.stored = new Counter({ name: 'skein_storage_spans_stored_total', help: 'Spans the store confirmed as stored', registers });
    this.threadFailures = new Counter({
      name: 'skein_ingest_thread_failures_total',
      help: 'Ingest threads that died (the messages they held were refused with 503 INGEST_THREAD_FAILED; a new thread took over)',
      registers,
    });
    this.durations = new Histogram({
      name: 'skein_http_request_duration_seconds',
      help: 'HTTP request durations by route',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: 'skein_ingest_queue_spans',
      help: 'Spans being stored right now',
      registers,
      collect() {
        this.set(queue().spans);
      },
    });
    new Gauge({
      name: 'skein_ingest_queue_bytes',
      help: 'Request bytes being stored right now',
      registers,
      collect() {
        this.set(queue().bytes);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Exposes how many messages the ingest thread prepared by each path (read when /metrics is rendered). */
  ingestThreadMessages(counts: () => Readonly<{ fast: number; general: number }>): void {
    new Counter({
      name: 'skein_ingest_thread_messages_total',
      help: 'Messages the ingest thread prepared, by path: json-v2-bytes (Zipkin JSON v2 straight from its bytes) or general (decoded into spans first)',
      labelNames: ['path'],
      registers: [this.registry],
      collect() {
        this.reset();
        const c = counts();
        this.inc({ path: 'json-v2-bytes' }, c.fast);
        this.inc({ path: 'general' }, c.general);
      },
    });
  }

  /** Exposes the ingest thread's busy time (seconds, read when /metrics is rendered). */
  ingestThreadBusy(seconds: () => number): void {
    new Counter({
      name: 'skein_ingest_thread_busy_seconds_total',
      help: 'Seconds the ingest thread spent on messages (decoding, sampling, packing, posting batches back); a rate near 1 means it bounds ingest',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(seconds());
      },
    });
  }

  /** Counts an ingest thread that died. */
  ingestThreadFailed(): void {
    this.threadFailures.inc();
  }

  /** The counters of one transport (http, otlp-http, grpc, rabbitmq, ...). */
  transport(name: string): TransportMetrics {
    let t = this.transports.get(name);
    if (t !== undefined) return t;
    const messages = this.messages.labels(name);
    const bytes = this.bytes.labels(name);
    const spans = this.spanCount.labels(name);
    const rejected = new Map<string, Bound>();
    const dropped = new Map<string, Bound>();
    const bound = (m: Map<string, Bound>, c: Counter<'transport' | 'reason'>, reason: string): Bound => {
      let b = m.get(reason);
      if (b === undefined) m.set(reason, (b = c.labels(name, reason)));
      return b;
    };
    t = {
      received(m, b, s) {
        messages.inc(m);
        if (b > 0) bytes.inc(b);
        if (s > 0) spans.inc(s);
      },
      spans(count) {
        if (count > 0) spans.inc(count);
      },
      rejected: (reason) => bound(rejected, this.rejectedMessages, reason).inc(),
      dropped: (reason, n) => {
        if (n > 0) bound(dropped, this.droppedSpans, reason).inc(n);
      },
    };
    this.transports.set(name, t);
    return t;
  }

  /** Counts spans the store confirmed. */
  spansStored(count: number): void {
    if (count > 0) this.stored.inc(count);
  }

  /** Records one HTTP request's duration. */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.durations.observe({ method, route, status_code: statusCode }, seconds);
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
