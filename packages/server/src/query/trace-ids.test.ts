import { describe, expect, it } from 'vitest';
import { QueryError } from './query-error.js';
import { parseTraceIdPath, parseTraceIds } from './trace-ids.js';

function failure(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(QueryError);
    return { code: (err as QueryError).code, message: (err as QueryError).message };
  }
  throw new Error('expected a QueryError');
}

describe('parseTraceIdPath', () => {
  it('normalizes like Zipkin: pads, shortens a zero-high 128-bit id, trims', () => {
    expect(parseTraceIdPath('abc')).toBe('0000000000000abc');
    expect(parseTraceIdPath('00000000000000000000000000000abc')).toBe('0000000000000abc');
    expect(parseTraceIdPath('4e441824ec2b6a44ffdc9bb9a6453df3')).toBe('4e441824ec2b6a44ffdc9bb9a6453df3');
    expect(parseTraceIdPath(' 4e441824ec2b6a44 ')).toBe('4e441824ec2b6a44');
    expect(parseTraceIdPath('\u0000abc\t')).toBe('0000000000000abc');
  });

  it.each(['', ' ', 'ABC', '0x12', '0e8b46e1-81b', '0'.repeat(16), 'a'.repeat(33), '\u200babc', '个'])(
    'rejects %j with QUERY_TRACE_ID_INVALID',
    (id) => {
      const error = failure(() => parseTraceIdPath(id));
      expect(error.code).toBe('QUERY_TRACE_ID_INVALID');
      expect(error.message).toMatch(/traceId/);
    },
  );

  it('keeps the message short for a huge id', () => {
    expect(failure(() => parseTraceIdPath('z'.repeat(100_000))).message.length).toBeLessThan(200);
  });
});

describe('parseTraceIds', () => {
  it('answers distinct normalized ids in order', () => {
    expect(parseTraceIds('b,a')).toEqual(['000000000000000b', '000000000000000a']);
  });

  it.each([
    ['', 'traceIds parameter is empty'],
    ['a', 'Use /api/v2/trace/{traceId} endpoint to retrieve a single trace'],
    ['a,b,a', 'redundant traceId: a'],
    ['a,0000000000000000000000000000000a', 'redundant traceId: 0000000000000000000000000000000a'],
  ])('rejects %j with Zipkin\'s message', (raw, message) => {
    expect(failure(() => parseTraceIds(raw)).message).toBe(message);
  });

  it('rejects malformed members, including empty ones, without trimming', () => {
    for (const raw of ['a,,b', 'a,b,', ',a,b', 'a, b', 'a,B', 'a,zz']) {
      expect(failure(() => parseTraceIds(raw)).code, raw).toBe('QUERY_TRACE_ID_INVALID');
    }
  });

  it('accepts 1000 ids and rejects more, like Zipkin\'s split limit', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => (i + 1).toString(16)).join(',');
    expect(parseTraceIds(ids(1000))).toHaveLength(1000);
    expect(failure(() => parseTraceIds(ids(1001))).code).toBe('QUERY_TRACE_ID_INVALID');
  });
});
