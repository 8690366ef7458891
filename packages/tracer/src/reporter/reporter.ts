import type { Span } from '@skein/model';

/** Where finished spans go: any object with report(span) works as a reporter. */
export interface Reporter {
  /** Takes one finished, sampled span (Zipkin v2 model). Must not throw or block. */
  report(span: Span): void;
  /** Delivers everything queued so far. */
  flush?(): Promise<void>;
  /** Delivers everything queued, then stops. */
  close?(): Promise<void>;
  /** Delivery counters, when the reporter keeps them. */
  readonly counters?: ReporterCounters;
}

/** Delivery counters: every span handed over ends in exactly one of reported, dropped or failed. */
export interface ReporterCounters {
  /** Spans the backend accepted. */
  reported: number;
  /** Spans dropped before sending because the queue was full (or the reporter was closed). */
  dropped: number;
  /** Spans sent but not accepted (non-retryable answer, or retries exhausted). */
  failed: number;
  /** Spans waiting or in flight now. */
  queued: number;
}

/** A span whose Zipkin form is built only when it is sent. */
export interface LazySpan {
  /** Builds the Zipkin v2 span. */
  toZipkin(): Span;
}

/** Sends one batch; rejects with a TransportError (or any error, treated as a retryable network error). */
export interface Transport {
  send(spans: Span[]): Promise<void>;
}

/** A failed send: whether to retry, and after how long the server asked (Retry-After). */
export class TransportError extends Error {
  /** Stable code, e.g. TRACER_HTTP_STATUS, TRACER_NETWORK. */
  readonly code: string;
  /** True for network errors, 429 and 5xx. */
  readonly retryable: boolean;
  /** The server's Retry-After in ms, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, code: string, retryable: boolean, retryAfterMs?: number) {
    super(message);
    this.name = 'TransportError';
    this.code = code;
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
}
