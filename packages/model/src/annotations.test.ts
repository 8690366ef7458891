import { describe, expect, it } from 'vitest';
import { normalizeAnnotations } from './annotations.js';
import { SpanValidationError } from './errors.js';
import { normalizeSpan } from './normalize.js';

const base = { traceId: '463ac35c9f6413ad', id: '352bff9a74ca9ad2' };

function fails(fn: () => unknown): SpanValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SpanValidationError);
    return err as SpanValidationError;
  }
  throw new Error('expected a SpanValidationError');
}

describe('normalizeAnnotations', () => {
  it('sorts by timestamp, then value', () => {
    expect(normalizeAnnotations([
      { timestamp: 3, value: 'c' }, { timestamp: 1, value: 'b' }, { timestamp: 1, value: 'a' },
    ], 0)).toEqual([{ timestamp: 1, value: 'a' }, { timestamp: 1, value: 'b' }, { timestamp: 3, value: 'c' }]);
  });
  it('removes exact duplicates, as Zipkin does', () => {
    expect(normalizeAnnotations([
      { timestamp: 2, value: 'x' }, { timestamp: 1, value: 'x' }, { timestamp: 2, value: 'x' }, { timestamp: 1, value: 'x' },
    ], 0)).toEqual([{ timestamp: 1, value: 'x' }, { timestamp: 2, value: 'x' }]);
    expect(normalizeAnnotations([{ timestamp: 1, value: 'x' }, { timestamp: 1, value: 'x' }], 0)).toEqual([{ timestamp: 1, value: 'x' }]);
  });
  it('keeps only timestamp and value; empty list is absent', () => {
    expect(normalizeAnnotations([{ timestamp: 1, value: 'a', endpoint: { serviceName: 'x' } }], 0)).toEqual([{ timestamp: 1, value: 'a' }]);
    expect(normalizeAnnotations([], 0)).toBeUndefined();
    expect(normalizeSpan({ ...base, annotations: [] }, 0)).toEqual(base);
  });
  it('rejects an annotation without timestamp or value', () => {
    expect(fails(() => normalizeAnnotations([{ value: 'a' }], 2))).toMatchObject({
      code: 'SPAN_INVALID_ANNOTATION', index: 2, field: 'annotations[0].timestamp',
      message: 'span 2: annotations[0].timestamp is missing',
    });
    expect(fails(() => normalizeAnnotations([{ timestamp: 1, value: 'a' }, { timestamp: 1 }], 0)).field).toBe('annotations[1].value');
    expect(fails(() => normalizeAnnotations([{ timestamp: 1, value: null }], 0)).code).toBe('SPAN_INVALID_ANNOTATION');
  });
  it('rejects wrong types', () => {
    expect(fails(() => normalizeAnnotations([{ timestamp: '1', value: 'a' }], 0)).code).toBe('SPAN_INVALID_ANNOTATION');
    expect(fails(() => normalizeAnnotations([{ timestamp: 1.5, value: 'a' }], 0)).code).toBe('SPAN_INVALID_ANNOTATION');
    expect(fails(() => normalizeAnnotations([{ timestamp: 2 ** 64, value: 'a' }], 0)).code).toBe('SPAN_INVALID_ANNOTATION');
    expect(fails(() => normalizeAnnotations([{ timestamp: 1, value: 7 }], 0)).code).toBe('SPAN_INVALID_ANNOTATION');
    expect(fails(() => normalizeAnnotations(['a'], 0)).field).toBe('annotations[0]');
    expect(fails(() => normalizeAnnotations({ timestamp: 1, value: 'a' }, 0))).toMatchObject({ code: 'SPAN_INVALID_TYPE', field: 'annotations' });
  });
});
