import type { SkeinTracer } from '../tracer.js';
import { traceHttpClients } from './client.js';
import { traceFetch } from './fetch.js';
import { traceServers, type ServerFilter } from './server.js';

/** What instrumentHttp traces. */
export interface InstrumentHttpOptions {
  /** Trace node:http/https servers (default true); a function picks which servers. */
  server?: boolean | ServerFilter;
  /** Trace node:http/https client requests (default true). */
  client?: boolean;
  /** Trace the global fetch (default true). */
  fetch?: boolean;
  /** Only trace outgoing calls made while a span of this tracer is active (default false). */
  requireParent?: boolean;
}

/**
 * Traces node:http/https servers and clients and the global fetch with `tracer`.
 * The tracer's own reporting requests are never traced. Returns a function that undoes it.
 */
export function instrumentHttp(tracer: SkeinTracer, options: InstrumentHttpOptions = {}): () => void {
  const undo: Array<() => void> = [];
  const clientOpts = { requireParent: options.requireParent ?? false };
  if (options.server !== false) undo.push(traceServers(tracer, typeof options.server === 'function' ? options.server : undefined));
  if (options.client !== false) undo.push(traceHttpClients(tracer, clientOpts));
  if (options.fetch !== false) undo.push(traceFetch(tracer, clientOpts));
  return () => {
    for (const u of undo.reverse()) u();
  };
}
