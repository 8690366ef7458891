import type { Span } from '../span.js';

/** Whether a span records an error: an `error` tag (Zipkin), an OTel ERROR status, or an `error` annotation. */
export function isErrorSpan(span: Span): boolean {
  const tags = span.tags;
  if (tags && (tags['error'] !== undefined || tags['otel.status_code'] === 'ERROR')) return true;
  return span.annotations?.some((a) => a.value === 'error') ?? false;
}

/** The service a span was recorded in, or "unknown". */
export function serviceOf(span: Span): string {
  return span.localEndpoint?.serviceName || 'unknown';
}
