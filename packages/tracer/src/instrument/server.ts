import dc from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { FORMAT_HTTP_HEADERS } from 'opentracing';
import { isTracingSuppressed } from '../context/suppress.js';
import type { SkeinSpan } from '../span.js';
import type { SkeinTracer } from '../tracer.js';
import { hasError, markError, peerTags, pathOf } from './common.js';

interface ServerStart {
  request: IncomingMessage;
  response: ServerResponse;
  server: Server;
}

/** Which servers to trace; default all. */
export type ServerFilter = (server: Server, request: IncomingMessage) => boolean;

/**
 * Traces node:http/https servers: on `http.server.request.start` a SERVER span is started from the
 * extracted context, and the server's `request` event runs with it active; it finishes when the
 * response finishes (or the connection closes first).
 */
export function traceServers(tracer: SkeinTracer, filter: ServerFilter | undefined): () => void {
  let enabled = true;
  const pending = new WeakMap<IncomingMessage, SkeinSpan>();
  const patched = new WeakSet<Server>();

  const patch = (server: Server): void => {
    if (patched.has(server)) return;
    patched.add(server);
    const emit = server.emit as (...a: unknown[]) => boolean;
    server.emit = function emitWithSpan(this: Server, event: string | symbol, ...args: unknown[]): boolean {
      const span = event === 'request' ? pending.get(args[0] as IncomingMessage) : undefined;
      if (span === undefined) return emit.call(this, event, ...args);
      return tracer.withSpan(span, () => {
        try {
          return emit.call(this, event, ...args);
        } catch (err) {
          markError(span, err);
          throw err;
        }
      });
    } as Server['emit'];
  };

  const onStart = (message: unknown): void => {
    const { request, response, server } = message as ServerStart;
    if (!enabled || isTracingSuppressed() || (filter !== undefined && !filter(server, request))) return;
    const parent = tracer.extract(FORMAT_HTTP_HEADERS, request.headers);
    const method = request.method ?? 'GET';
    const span = tracer.startSpan(method.toLowerCase(), {
      childOf: parent,
      tags: { 'span.kind': 'server', 'http.method': method, 'http.path': pathOf(request.url ?? '/'), ...peerTags(request.socket.remoteAddress, request.socket.remotePort) },
    });
    pending.set(request, span);
    patch(server);
    const done = (): void => {
      if (span.finished) return;
      const status = response.statusCode;
      span.setTag('http.status_code', String(status));
      if (!response.writableFinished) span.setTag('error', 'connection closed before the response was sent');
      else if (status >= 500 && !hasError(span)) span.setTag('error', String(status));
      span.finish();
    };
    response.once('finish', done);
    response.once('close', done);
  };

  dc.subscribe('http.server.request.start', onStart);
  return () => {
    enabled = false;
    dc.unsubscribe('http.server.request.start', onStart);
  };
}
