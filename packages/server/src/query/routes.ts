import type { Storage } from '@skein/storage';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { writeLinks, writeNames, writeTrace, writeTraces } from './json.js';
import { requiredParam, type QueryParams } from './params.js';
import { QueryError } from './query-error.js';
import { parseTraceIdPath, parseTraceIds } from './trace-ids.js';
import { parseDependenciesRequest, parseTracesRequest } from './traces-request.js';

/** What the query API needs from the server. */
export interface QueryRoutesOptions {
  storage: Storage;
  /** Milliseconds searched before endTs when a request has no lookback (--query-lookback). */
  defaultLookback: number;
  /** Traces returned by /traces when a request has no limit (--query-limit-default). */
  defaultLimit: number;
  /** Tag keys offered by /autocompleteKeys (--autocomplete-keys). */
  autocompleteKeys: readonly string[];
}

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
/** Zipkin's zipkin.query.names-max-age default, in seconds. */
const NAMES_MAX_AGE = 300;

type Handler = (
  query: QueryParams,
  reply: FastifyReply,
  request: FastifyRequest,
) => Promise<string | Buffer>;

/** Thrown by a handler when the trace asked for is not stored: answered 404 as Zipkin does. */
class TraceNotFound extends Error {}

/** Answers JSON, or Zipkin's text/plain 400 (QueryError) or 404; other errors go to the app's handler. */
function json(handler: Handler) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    try {
      const body = await handler((request.query ?? {}) as QueryParams, reply, request);
      return reply.type(JSON_TYPE).send(body);
    } catch (err) {
      if (err instanceof QueryError) {
        return reply.code(err.status).header('skein-error-code', err.code).type(TEXT_TYPE).send(err.message);
      }
      if (err instanceof TraceNotFound) {
        return reply.code(404).header('skein-error-code', 'QUERY_TRACE_NOT_FOUND').type(TEXT_TYPE).send(err.message);
      }
      throw err; // the app's error handler answers and logs storage failures
    }
  };
}

/**
 * Registers Zipkin's v2 query API under /api/v2 (services, remoteServices, spans, traces,
 * trace/{traceId}, traceMany, dependencies, autocompleteKeys, autocompleteValues), answering
 * as Zipkin's server does: same parameters, defaults, 400 messages, 404 text and JSON.
 */
export function registerQueryRoutes(app: FastifyInstance, options: QueryRoutesOptions): void {
  const { storage, defaultLookback, defaultLimit } = options;
  const autocompleteKeys = [...options.autocompleteKeys];
  // Like Zipkin, names are cacheable once there are more than 3 services (active use).
  let serviceCount = 0;
  const names = (reply: FastifyReply, values: readonly string[], cache: boolean): string => {
    if (cache) reply.header('cache-control', `max-age=${NAMES_MAX_AGE}, must-revalidate`);
    return writeNames(values);
  };

  app.get(
    '/api/v2/services',
    json(async (_query, reply) => {
      const services = await storage.getServiceNames();
      serviceCount = services.length;
      return names(reply, services, serviceCount > 3);
    }),
  );

  app.get(
    '/api/v2/remoteServices',
    json(async (query, reply) => {
      const service = requiredParam(query, 'serviceName').toLowerCase();
      const found = service === '' ? [] : await storage.getRemoteServiceNames(service);
      return names(reply, found, serviceCount > 3);
    }),
  );

  app.get(
    '/api/v2/spans',
    json(async (query, reply) => {
      const service = requiredParam(query, 'serviceName').toLowerCase();
      const found = service === '' ? [] : await storage.getSpanNames(service);
      return names(reply, found, serviceCount > 3);
    }),
  );

  app.get(
    '/api/v2/traces',
    json(async (query) => {
      const request = parseTracesRequest(query, { defaultLookback, defaultLimit });
      return writeTraces(await storage.getTraces(request));
    }),
  );

  // A wildcard rather than a :param, so an over-long id gets a 400 naming it, not a route 404.
  app.get(
    '/api/v2/trace/*',
    json(async (_query, _reply, request) => {
      const traceId = parseTraceIdPath((request.params as Record<string, string | undefined>)['*'] ?? '');
      if (storage.getTraceJson !== undefined) {
        // The store renders the same bytes from its own form, skipping decode + encode of every span.
        const text = await storage.getTraceJson(traceId);
        if (text === undefined) throw new TraceNotFound(`${traceId} not found`);
        return Buffer.from(text);
      }
      const trace = await storage.getTrace(traceId);
      if (trace.length === 0) throw new TraceNotFound(`${traceId} not found`);
      return writeTrace(trace);
    }),
  );

  app.get(
    '/api/v2/traceMany',
    json(async (query) => {
      const traceIds = parseTraceIds(requiredParam(query, 'traceIds'));
      return writeTraces(await storage.getTraceMany(traceIds));
    }),
  );

  app.get(
    '/api/v2/dependencies',
    json(async (query) => {
      const { endTs, lookback } = parseDependenciesRequest(query, defaultLookback);
      return writeLinks(await storage.getDependencies(endTs, lookback));
    }),
  );

  app.get(
    '/api/v2/autocompleteKeys',
    json(async (_query, reply) => names(reply, autocompleteKeys, true)),
  );

  app.get(
    '/api/v2/autocompleteValues',
    json(async (query, reply) => {
      const key = requiredParam(query, 'key');
      if (key === '') throw new QueryError('QUERY_PARAM_MISSING', 'key was empty');
      const values = await storage.getValues(key);
      return names(reply, values, values.length > 3);
    }),
  );
}
