import { describe, expect, it } from 'vitest';
import { QueryError } from './query-error.js';
import { parseDependenciesRequest, parseTracesRequest } from './traces-request.js';

const defaults = { defaultLookback: 86_400_000, defaultLimit: 10 };
const NOW = 1_700_000_000_000;

function parse(query: Record<string, string | string[]>) {
  return parseTracesRequest(query, defaults, NOW);
}

function fails(query: Record<string, string | string[]>): { code: string; message: string } {
  try {
    parse(query);
  } catch (err) {
    expect(err).toBeInstanceOf(QueryError);
    const e = err as QueryError;
    return { code: e.code, message: e.message };
  }
  throw new Error(`expected ${JSON.stringify(query)} to fail`);
}

describe('parseTracesRequest', () => {
  it('needs no parameters: endTs now, the default lookback and limit', () => {
    expect(parse({})).toEqual({ endTs: NOW, lookback: 86_400_000, limit: 10 });
  });

  it('reads every parameter', () => {
    expect(
      parse({
        serviceName: 'Frontend',
        remoteServiceName: 'Backend',
        spanName: 'GET /API',
        annotationQuery: 'http.status_code=500 and error',
        minDuration: '100',
        maxDuration: '200',
        endTs: '1000',
        lookback: '500',
        limit: '3',
      }),
    ).toEqual({
      serviceName: 'frontend',
      remoteServiceName: 'backend',
      spanName: 'get /api',
      annotationQuery: { 'http.status_code': '500', error: '' },
      minDuration: 100,
      maxDuration: 200,
      endTs: 1000,
      lookback: 500,
      limit: 3,
    });
  });

  it('treats empty names and the span name "all" as no filter', () => {
    expect(parse({ serviceName: '', remoteServiceName: '', spanName: '' })).toEqual(parse({}));
    expect(parse({ spanName: 'ALL' })).toEqual(parse({}));
  });

  it('uses the first of repeated parameters', () => {
    expect(parse({ limit: ['2', '5'], serviceName: ['a', 'b'] })).toMatchObject({ limit: 2, serviceName: 'a' });
  });

  it('accepts a sign and leading zeros, as Long.parseLong does', () => {
    expect(parse({ limit: '+007' }).limit).toBe(7);
  });

  it('accepts the largest 64-bit values', () => {
    expect(parse({ endTs: '9223372036854775807', lookback: '9223372036854775807' })).toMatchObject({
      endTs: 9223372036854775807,
      lookback: 9223372036854775807,
    });
  });

  it.each([
    ['limit', 'abc'],
    ['limit', ''],
    ['limit', '1.5'],
    ['limit', '1e3'],
    ['limit', '0x10'],
    ['limit', ' 5'],
    ['limit', '2147483648'],
    ['endTs', '9223372036854775808'],
    ['lookback', 'NaN'],
    ['minDuration', 'Infinity'],
    ['maxDuration', '٣'],
  ])('rejects %s=%j as not an integer', (key, value) => {
    const error = fails({ [key]: value });
    expect(error.code).toBe('QUERY_PARAM_NOT_INTEGER');
    expect(error.message).toContain(key);
  });

  it('shortens a huge bad value in the message', () => {
    const error = fails({ limit: 'x'.repeat(10_000) });
    expect(error.message.length).toBeLessThan(200);
  });

  it.each([
    [{ endTs: '0' }, 'endTs <= 0'],
    [{ endTs: '-1' }, 'endTs <= 0'],
    [{ limit: '0' }, 'limit <= 0'],
    [{ limit: '-5' }, 'limit <= 0'],
    [{ lookback: '0' }, 'lookback <= 0'],
    [{ lookback: '-9223372036854775808' }, 'lookback <= 0'],
    [{ minDuration: '0' }, 'minDuration <= 0'],
    [{ minDuration: '-1', maxDuration: '5' }, 'minDuration <= 0'],
    [{ minDuration: '10', maxDuration: '9' }, 'maxDuration < minDuration'],
    [{ maxDuration: '10' }, 'maxDuration is only valid with minDuration'],
  ])('rejects %j with Zipkin\'s message %j', (query, message) => {
    expect(fails(query)).toEqual({ code: 'QUERY_PARAM_OUT_OF_RANGE', message });
  });

  it('allows maxDuration equal to minDuration', () => {
    expect(parse({ minDuration: '5', maxDuration: '5' })).toMatchObject({ minDuration: 5, maxDuration: 5 });
  });

  it('converts numbers before range checks, as Zipkin binds parameters first', () => {
    expect(fails({ limit: '0', endTs: 'x' }).code).toBe('QUERY_PARAM_NOT_INTEGER');
  });
});

describe('parseDependenciesRequest', () => {
  it('requires endTs and defaults lookback', () => {
    expect(parseDependenciesRequest({ endTs: '1000' }, 60_000)).toEqual({ endTs: 1000, lookback: 60_000 });
    expect(parseDependenciesRequest({ endTs: '1000', lookback: '5' }, 60_000)).toEqual({ endTs: 1000, lookback: 5 });
    expect(() => parseDependenciesRequest({}, 1)).toThrow('Mandatory parameter/header is missing: endTs');
    expect(() => parseDependenciesRequest({ endTs: '' }, 1)).toThrow(QueryError);
    expect(() => parseDependenciesRequest({ endTs: '0' }, 1)).toThrow('endTs <= 0');
    expect(() => parseDependenciesRequest({ endTs: '1', lookback: '0' }, 1)).toThrow('lookback <= 0');
  });
});
