import dc from 'node:diagnostics_channel';
import { FORMAT_HTTP_HEADERS } from 'opentracing';
import type { SkeinSpan } from '../span.js';
import type { SkeinTracer } from '../tracer.js';
import { finishClientSpan, startClientSpan, type ClientOptions } from './client.js';

/** The parts of undici's request object the channels hand over. */
interface UndiciRequest {
  origin: string | URL;
  path: string;
  method: string;
  addHeader?(name: string, value: string): unknown;
}

/**
 * Traces the global fetch (undici) through its diagnostics channels: a CLIENT span per request,
 * context injected with request.addHeader, finished when the body ends (trailers) or on error.
 */
export function traceFetch(tracer: SkeinTracer, opts: ClientOptions): () => void {
  const spans = new WeakMap<object, SkeinSpan>();
  const onCreate = (message: unknown): void => {
    const { request } = message as { request: UndiciRequest };
    if (typeof request.addHeader !== 'function') return;
    let url: URL;
    try {
      url = new URL(String(request.origin));
    } catch {
      return;
    }
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    const span = startClientSpan(tracer, opts, request.method, url.hostname, port, request.path);
    if (span === undefined) return;
    tracer.inject(span, FORMAT_HTTP_HEADERS, { set: (k: string, v: string) => request.addHeader?.(k, v) });
    spans.set(request, span);
  };
  const onHeaders = (message: unknown): void => {
    const { request, response } = message as { request: object; response: { statusCode: number } };
    spans.get(request)?.setTag('http.status_code', String(response.statusCode));
    if (response.statusCode >= 500) spans.get(request)?.setTag('error', String(response.statusCode));
  };
  const onTrailers = (message: unknown): void => {
    const span = spans.get((message as { request: object }).request);
    if (span !== undefined) finishClientSpan(span, undefined);
  };
  const onError = (message: unknown): void => {
    const { request, error } = message as { request: object; error: unknown };
    const span = spans.get(request);
    if (span !== undefined) finishClientSpan(span, undefined, error);
  };
  const subs: Array<[string, (m: unknown) => void]> = [
    ['undici:request:create', onCreate],
    ['undici:request:headers', onHeaders],
    ['undici:request:trailers', onTrailers],
    ['undici:request:error', onError],
  ];
  for (const [name, fn] of subs) dc.subscribe(name, fn);
  return () => {
    for (const [name, fn] of subs) dc.unsubscribe(name, fn);
  };
}
