import http from 'node:http';
import https from 'node:https';
import type { Span } from '@skein/model';
import { OTLP_JSON, OTLP_PROTO, ZIPKIN_JSON_V2, type SpanCodec } from '@skein/codec';
import { httpRequest } from './http-request.js';
import { TransportError, type Transport } from './reporter.js';

/** Wire formats the HTTP transport can send. */
export type HttpEncoding = 'zipkin-json' | 'otlp-json' | 'otlp-proto';

/** Options of the HTTP transport. */
export interface HttpTransportOptions {
  /** Default: http://localhost:9411/api/v2/spans for Zipkin, http://localhost:4318/v1/traces for OTLP. */
  endpoint?: string;
  /** Default 'zipkin-json'. */
  encoding?: HttpEncoding;
  /** Per-request timeout (default 10000 ms). */
  timeoutMs?: number;
  /** Extra request headers (e.g. authorization). */
  headers?: Record<string, string>;
}

const CODECS: Record<HttpEncoding, SpanCodec> = {
  'zipkin-json': ZIPKIN_JSON_V2,
  'otlp-json': OTLP_JSON,
  'otlp-proto': OTLP_PROTO,
};

/** Parses Retry-After (delta seconds or an HTTP date) into ms. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** POSTs batches to a Zipkin v2 (`/api/v2/spans`) or OTLP/HTTP (`/v1/traces`) endpoint. */
export class HttpTransport implements Transport {
  /** The URL spans are posted to. */
  readonly url: URL;
  private readonly codec: SpanCodec;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;
  private readonly agent: http.Agent;

  constructor(options: HttpTransportOptions = {}) {
    const encoding = options.encoding ?? 'zipkin-json';
    const codec = CODECS[encoding];
    if (codec === undefined) {
      throw Object.assign(new Error(`unknown encoding "${String(encoding)}": use zipkin-json, otlp-json or otlp-proto`), { code: 'TRACER_INVALID_OPTION' });
    }
    this.codec = codec;
    const fallback = encoding === 'zipkin-json' ? 'http://localhost:9411/api/v2/spans' : 'http://localhost:4318/v1/traces';
    try {
      this.url = new URL(options.endpoint ?? fallback);
    } catch {
      throw Object.assign(new Error(`reporter endpoint "${options.endpoint}" is not a URL`), { code: 'TRACER_INVALID_OPTION' });
    }
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.headers = { 'content-type': codec.contentType, ...options.headers };
    const Agent = this.url.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true, maxSockets: 4 });
  }

  async send(spans: Span[]): Promise<void> {
    const body = this.codec.encode(spans);
    let res;
    try {
      res = await httpRequest(this.url, { method: 'POST', timeoutMs: this.timeoutMs, headers: this.headers, body, agent: this.agent });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new TransportError(`sending spans to ${this.url.href} failed: ${e.message}`, e.code === 'TRACER_HTTP_TIMEOUT' ? e.code : 'TRACER_NETWORK', true);
    }
    if (res.status >= 200 && res.status < 300) return;
    const retryable = res.status === 429 || res.status >= 500;
    const retryAfter = parseRetryAfter(typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : undefined);
    throw new TransportError(`${this.url.href} answered ${res.status}: ${res.body.slice(0, 200)}`, 'TRACER_HTTP_STATUS', retryable, retryAfter);
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }
}
