import dc from 'node:diagnostics_channel';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import { FORMAT_HTTP_HEADERS } from 'opentracing';
import { isTracingSuppressed } from '../context/suppress.js';
import type { SkeinSpan } from '../span.js';
import type { SkeinTracer } from '../tracer.js';
import { hasError, markError, pathOf } from './common.js';

/** Options shared by the client instrumentations. */
export interface ClientOptions {
  /** Only trace outgoing calls made while a span of this tracer is active (default false). */
  requireParent: boolean;
}

type RequestFn = typeof http.request;

/** Starts a CLIENT span for an outgoing call, child of the active span. */
export function startClientSpan(tracer: SkeinTracer, opts: ClientOptions, method: string, host: string, port: number | undefined, path: string): SkeinSpan | undefined {
  if (isTracingSuppressed()) return undefined;
  const parent = tracer.activeSpan();
  if (parent === undefined && opts.requireParent) return undefined;
  const tags: Record<string, string | number> = { 'span.kind': 'client', 'http.method': method, 'http.path': pathOf(path), 'http.host': host };
  if (port !== undefined) tags['peer.port'] = port;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) tags['peer.ipv4'] = host;
  return tracer.startSpan(method.toLowerCase(), { childOf: parent ?? null, tags });
}

/** Finishes a client span with the response status (5xx marks it failed). */
export function finishClientSpan(span: SkeinSpan, status: number | undefined, error?: unknown): void {
  if (span.finished) return;
  if (status !== undefined) {
    span.setTag('http.status_code', String(status));
    if (status >= 500 && !hasError(span)) span.setTag('error', String(status));
  }
  if (error !== undefined) markError(span, error);
  span.finish();
}

/**
 * Traces node:http/https clients. http.request/get are wrapped (the only way to add headers before
 * Node 20 sends them); the outcome comes from the `http.client.*` diagnostics channels.
 */
export function traceHttpClients(tracer: SkeinTracer, opts: ClientOptions): () => void {
  const spans = new WeakMap<ClientRequest, SkeinSpan>();
  const responded = new WeakSet<ClientRequest>();
  const restores: Array<() => void> = [];

  for (const mod of [http, https] as const) {
    const original = mod.request as RequestFn;
    const defaultPort = mod === https ? 443 : 80;
    const request = function tracedRequest(this: unknown, ...args: unknown[]): ClientRequest {
      const req = (original as (...a: unknown[]) => ClientRequest).apply(this, args);
      try {
        const host = req.host ?? 'localhost';
        const portHeader = String(req.getHeader('host') ?? '').split(':')[1];
        const port = portHeader !== undefined && portHeader !== '' ? Number(portHeader) : defaultPort;
        const span = startClientSpan(tracer, opts, req.method, host, port, req.path);
        if (span !== undefined && !req.headersSent) {
          tracer.inject(span, FORMAT_HTTP_HEADERS, { set: (k: string, v: string) => req.setHeader(k, v) });
          spans.set(req, span);
          req.once('close', () => {
            if (!responded.has(req)) finishClientSpan(span, undefined, new Error('request closed before a response'));
          });
        }
      } catch {
        // tracing must never break the call
      }
      return req;
    } as RequestFn;
    const get = function tracedGet(this: unknown, ...args: unknown[]): ClientRequest {
      const req = (request as (...a: unknown[]) => ClientRequest).apply(this, args);
      req.end();
      return req;
    } as typeof http.get;
    const origGet = mod.get;
    mod.request = request;
    mod.get = get;
    restores.push(() => {
      mod.request = original;
      mod.get = origGet;
    });
  }
  syncBuiltinESMExports();

  const onResponse = (message: unknown): void => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const span = spans.get(request);
    if (span === undefined) return;
    responded.add(request);
    const done = (): void => finishClientSpan(span, response.statusCode);
    response.once('end', done);
    response.once('close', done);
  };
  const onError = (message: unknown): void => {
    const { request, error } = message as { request: ClientRequest; error: unknown };
    const span = spans.get(request);
    if (span !== undefined) finishClientSpan(span, undefined, error);
  };
  dc.subscribe('http.client.response.finish', onResponse);
  dc.subscribe('http.client.request.error', onError);
  return () => {
    for (const r of restores) r();
    syncBuiltinESMExports();
    dc.unsubscribe('http.client.response.finish', onResponse);
    dc.unsubscribe('http.client.request.error', onError);
  };
}
