import type { QueryRequest } from '@skein/storage';
import { parseAnnotationQuery } from './annotation-query.js';
import { intParam, longParam, param, type QueryParams } from './params.js';
import { QueryError } from './query-error.js';

/** Server-side defaults for a trace search. */
export interface TracesDefaults {
  /** Milliseconds searched before endTs when the request has no lookback. */
  defaultLookback: number;
  /** Traces returned when the request has no limit. */
  defaultLimit: number;
}

function outOfRange(message: string): QueryError {
  return new QueryError('QUERY_PARAM_OUT_OF_RANGE', message);
}

/** Lower-cases a name as Zipkin does; '' means no filter. */
function name(query: QueryParams, key: string): string | undefined {
  const value = param(query, key)?.toLowerCase();
  return value === '' ? undefined : value;
}

/**
 * Turns the parameters of GET /api/v2/traces into a QueryRequest, with the checks and messages
 * of Zipkin's QueryRequest.Builder: names lower-cased, span name `all` meaning any, endTs
 * defaulting to now and lookback to the server's default, and 400s for bad values.
 */
export function parseTracesRequest(
  query: QueryParams,
  defaults: TracesDefaults,
  now: number = Date.now(),
): QueryRequest {
  // Numbers are converted first, as Zipkin's server binds them before building the request.
  const minDuration = longParam(query, 'minDuration');
  const maxDuration = longParam(query, 'maxDuration');
  const endTs = longParam(query, 'endTs') ?? now;
  const lookback = longParam(query, 'lookback') ?? defaults.defaultLookback;
  const limit = intParam(query, 'limit') ?? defaults.defaultLimit;

  if (endTs <= 0) throw outOfRange('endTs <= 0');
  if (limit <= 0) throw outOfRange('limit <= 0');
  if (lookback <= 0) throw outOfRange('lookback <= 0');
  if (minDuration !== undefined) {
    if (minDuration <= 0) throw outOfRange('minDuration <= 0');
    if (maxDuration !== undefined && maxDuration < minDuration) {
      throw outOfRange('maxDuration < minDuration');
    }
  } else if (maxDuration !== undefined) {
    throw outOfRange('maxDuration is only valid with minDuration');
  }

  const request: QueryRequest = { endTs, lookback, limit };
  const serviceName = name(query, 'serviceName');
  if (serviceName !== undefined) request.serviceName = serviceName;
  const remoteServiceName = name(query, 'remoteServiceName');
  if (remoteServiceName !== undefined) request.remoteServiceName = remoteServiceName;
  const spanName = name(query, 'spanName');
  if (spanName !== undefined && spanName !== 'all') request.spanName = spanName;
  const annotationQuery = parseAnnotationQuery(param(query, 'annotationQuery'));
  if (annotationQuery !== undefined) request.annotationQuery = annotationQuery;
  if (minDuration !== undefined) request.minDuration = minDuration;
  if (maxDuration !== undefined) request.maxDuration = maxDuration;
  return request;
}

/** Parses endTs (required) and lookback of GET /api/v2/dependencies, as Zipkin does. */
export function parseDependenciesRequest(
  query: QueryParams,
  defaultLookback: number,
): { endTs: number; lookback: number } {
  const endTs = longParam(query, 'endTs');
  if (endTs === undefined) {
    throw new QueryError('QUERY_PARAM_MISSING', 'Mandatory parameter/header is missing: endTs');
  }
  const lookback = longParam(query, 'lookback') ?? defaultLookback;
  if (endTs <= 0) throw outOfRange('endTs <= 0');
  if (lookback <= 0) throw outOfRange('lookback <= 0');
  return { endTs, lookback };
}
