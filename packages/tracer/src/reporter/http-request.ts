import http from 'node:http';
import https from 'node:https';
import { suppressTracing } from '../context/suppress.js';

/** A finished HTTP exchange. */
export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Options of one request. */
export interface HttpRequestOptions {
  method: 'GET' | 'POST';
  timeoutMs: number;
  headers?: Record<string, string>;
  body?: Uint8Array;
  agent?: http.Agent;
}

/**
 * One HTTP(S) request made with tracing suppressed (the tracer never traces itself).
 * Rejects on network errors and on timeout (err.code 'TRACER_HTTP_TIMEOUT').
 */
export function httpRequest(url: URL, options: HttpRequestOptions): Promise<HttpResult> {
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    suppressTracing(() => {
      // `b3: 0` tells any traced receiver (a collector tracing itself, zipkin-js, Brave, Skein) not to
      // trace this request: the tracer's own traffic must never produce spans.
      const headers: Record<string, string | number> = { b3: '0', ...options.headers };
      if (options.body !== undefined) headers['content-length'] = options.body.byteLength;
      const req = mod.request(url, { method: options.method, headers, ...(options.agent ? { agent: options.agent } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
      const timer = setTimeout(() => {
        req.destroy(Object.assign(new Error(`request to ${url.host} timed out after ${options.timeoutMs} ms`), { code: 'TRACER_HTTP_TIMEOUT' }));
      }, options.timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(options.body);
    });
  });
}

/** GET a URL as text (used by the remote sampler). */
export function httpGetText(url: string, timeoutMs: number): Promise<HttpResult> {
  return httpRequest(new URL(url), { method: 'GET', timeoutMs });
}
