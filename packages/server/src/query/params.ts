import { QueryError } from './query-error.js';

/** A parsed query string as Fastify hands it over: repeated names become arrays. */
export type QueryParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The first value of a query parameter (Zipkin's server reads the first of repeated ones). */
export function param(query: QueryParams, name: string): string | undefined {
  if (!Object.hasOwn(query, name)) return undefined;
  const value = query[name];
  return typeof value === 'string' ? value : value?.[0];
}

/** A parameter the endpoint cannot answer without. */
export function requiredParam(query: QueryParams, name: string): string {
  const value = param(query, name);
  if (value === undefined) {
    throw new QueryError('QUERY_PARAM_MISSING', `Mandatory parameter/header is missing: ${name}`);
  }
  return value;
}

const INTEGER = /^[+-]?[0-9]+$/;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;

function parseInteger(name: string, value: string, min: bigint, max: bigint, kind: string): number {
  if (INTEGER.test(value)) {
    const n = BigInt(value);
    if (n >= min && n <= max) return Number(n);
  }
  const shown = value.length > 64 ? `${value.slice(0, 64)}...` : value;
  throw new QueryError(
    'QUERY_PARAM_NOT_INTEGER',
    `${name} must be a ${kind} integer, was ${JSON.stringify(shown)}`,
  );
}

/** Parses a 64-bit integer parameter as Java's Long.parseLong does (Zipkin's `long` params). */
export function longParam(query: QueryParams, name: string): number | undefined {
  const value = param(query, name);
  return value === undefined ? undefined : parseInteger(name, value, LONG_MIN, LONG_MAX, '64-bit');
}

/** Parses a 32-bit integer parameter as Java's Integer.parseInt does (Zipkin's `int` params). */
export function intParam(query: QueryParams, name: string): number | undefined {
  const value = param(query, name);
  return value === undefined ? undefined : parseInteger(name, value, INT_MIN, INT_MAX, '32-bit');
}
