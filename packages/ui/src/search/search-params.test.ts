import { describe, expect, it } from 'vitest';
import { apiParams, formFromParams, formToParams } from './search-params.js';
import { SORTS, summarizeResult } from './result-summary.js';

describe('search params', () => {
  it('round-trips the form through the URL and turns it into API parameters', () => {
    const form = formFromParams(new URLSearchParams('serviceName=front&minDuration=250ms&lookback=15m&annotationQuery=error'));
    expect(formToParams(form)).toEqual({ serviceName: 'front', minDuration: '250ms', lookback: '15m', annotationQuery: 'error' });
    const { params, errors } = apiParams(form, 1_000_000_000);
    expect(errors).toEqual([]);
    expect(params).toEqual({ serviceName: 'front', annotationQuery: 'error', minDuration: 250_000, endTs: 1_000_000_000, lookback: 900_000, limit: 10 });
  });

  it('says what is wrong with bad input instead of searching', () => {
    const form = formFromParams(new URLSearchParams('minDuration=fast&limit=0&lookback=custom&start=2024-01-02T00:00&end=2024-01-01T00:00'));
    expect(apiParams(form, 0).errors).toHaveLength(3);
  });
});

describe('result summary', () => {
  it('finds the root, duration, services and errors of a result', () => {
    const s = summarizeResult([
      { traceId: 'a', id: '2', parentId: '1', name: 'db', timestamp: 20, duration: 5, localEndpoint: { serviceName: 'db' }, tags: { error: 'x' } },
      { traceId: 'a', id: '1', name: 'get', timestamp: 10, duration: 30, localEndpoint: { serviceName: 'web' } },
      { traceId: 'a', id: '3', parentId: '1', name: 'db2', timestamp: 25, duration: 20, localEndpoint: { serviceName: 'db' } },
    ]);
    expect(s).toMatchObject({ rootService: 'web', rootName: 'get', start: 10, duration: 35, spanCount: 3, errorCount: 1 });
    expect(s.services).toEqual([{ name: 'db', count: 2 }, { name: 'web', count: 1 }]);
    expect([s, { ...s, duration: 1 }].sort(SORTS.shortest)[0]!.duration).toBe(1);
  });
});
