import { describe, expect, it } from 'vitest';
import { normalizeSpan, normalizeSpans } from './normalize.js';
import { SpanValidationError } from './errors.js';

function validationError(fn: () => unknown): SpanValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SpanValidationError);
    return err as SpanValidationError;
  }
  throw new Error('expected a SpanValidationError, got none');
}

const base = { traceId: '463ac35c9f6413ad', id: '352bff9a74ca9ad2' };

describe('normalizeSpan: ids', () => {
  it('pads ids and shortens 128-bit ids with a zero high half', () => {
    expect(normalizeSpan({ traceId: '0000000000000000463ac35c9f6413ad', id: 'a', parentId: 'b' }, 0)).toEqual({
      traceId: '463ac35c9f6413ad', id: '000000000000000a', parentId: '000000000000000b',
    });
  });
  it('requires traceId and id', () => {
    expect(validationError(() => normalizeSpan({ id: '1' }, 4))).toMatchObject({ code: 'SPAN_MISSING_TRACE_ID', index: 4, field: 'traceId' });
    expect(validationError(() => normalizeSpan({ traceId: '1', id: null }, 0))).toMatchObject({ code: 'SPAN_MISSING_ID', field: 'id' });
  });
  it('rejects ids of the wrong type, naming the field', () => {
    const err = validationError(() => normalizeSpan({ traceId: 123, id: '1' }, 2));
    expect(err.code).toBe('SPAN_INVALID_TYPE');
    expect(err.message).toBe('span 2: traceId must be a lower-hex string, not a number (123)');
    expect(validationError(() => normalizeSpan({ ...base, parentId: 5 }, 0)).field).toBe('parentId');
  });
  it('rejects upper-case, non-hex and over-long ids', () => {
    expect(validationError(() => normalizeSpan({ ...base, traceId: '463AC35C9F6413AD' }, 0)).code).toBe('SPAN_INVALID_TRACE_ID');
    expect(validationError(() => normalizeSpan({ ...base, id: 'zz' }, 0)).code).toBe('SPAN_INVALID_ID');
    expect(validationError(() => normalizeSpan({ ...base, parentId: '1'.repeat(17) }, 0)).code).toBe('SPAN_INVALID_PARENT_ID');
  });
  it('drops a parentId equal to the span id', () => {
    expect(normalizeSpan({ ...base, parentId: base.id }, 0)).toEqual(base);
    expect(normalizeSpan({ traceId: '1', id: '1', parentId: '01' }, 0)).not.toHaveProperty('parentId');
  });
  it('treats an all-zeros parentId as absent', () => {
    expect(normalizeSpan({ ...base, parentId: '0000000000000000' }, 0)).toEqual(base);
  });
});

describe('normalizeSpan: times', () => {
  it('keeps positive microseconds', () => {
    expect(normalizeSpan({ ...base, timestamp: 1472470996199000, duration: 207000 }, 0)).toEqual({
      ...base, timestamp: 1472470996199000, duration: 207000,
    });
  });
  it('makes zero and negative timestamp and duration absent', () => {
    const s = normalizeSpan({ ...base, timestamp: 0, duration: -5 }, 0);
    expect(s).toEqual(base);
    expect(normalizeSpan({ ...base, timestamp: -1, duration: 0 }, 0)).toEqual(base);
  });
  it('rejects fractions and non-numbers', () => {
    expect(validationError(() => normalizeSpan({ ...base, timestamp: 1.5 }, 0))).toMatchObject({ code: 'SPAN_INVALID_NUMBER', field: 'timestamp' });
    expect(validationError(() => normalizeSpan({ ...base, duration: '10' }, 0))).toMatchObject({ code: 'SPAN_INVALID_TYPE', field: 'duration' });
    expect(validationError(() => normalizeSpan({ ...base, timestamp: 1e300 }, 0))).toMatchObject({ code: 'SPAN_INVALID_NUMBER', field: 'timestamp' });
    expect(validationError(() => normalizeSpan({ ...base, duration: -(2 ** 60) }, 0))).toMatchObject({ code: 'SPAN_INVALID_NUMBER', field: 'duration' });
  });
});

describe('normalizeSpan: name and kind', () => {
  it('lower-cases the name; empty is absent', () => {
    expect(normalizeSpan({ ...base, name: 'GET /Api' }, 0).name).toBe('get /api');
    expect(normalizeSpan({ ...base, name: '' }, 0)).not.toHaveProperty('name');
    expect(validationError(() => normalizeSpan({ ...base, name: ['x'] }, 0))).toMatchObject({ code: 'SPAN_INVALID_TYPE', field: 'name' });
  });
  it('accepts the four kinds and rejects anything else', () => {
    for (const kind of ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER']) expect(normalizeSpan({ ...base, kind }, 0).kind).toBe(kind);
    const err = validationError(() => normalizeSpan({ ...base, kind: 'client' }, 7));
    expect(err).toMatchObject({ code: 'SPAN_INVALID_KIND', index: 7, field: 'kind' });
    expect(err.message).toBe('span 7: kind "client" is not one of CLIENT, SERVER, PRODUCER, CONSUMER');
    expect(validationError(() => normalizeSpan({ ...base, kind: 'INTERNAL' }, 0)).code).toBe('SPAN_INVALID_KIND');
    expect(validationError(() => normalizeSpan({ ...base, kind: 1 }, 0)).code).toBe('SPAN_INVALID_TYPE');
  });
});

describe('normalizeSpan: flags', () => {
  it('keeps debug and shared only when true', () => {
    expect(normalizeSpan({ ...base, debug: true, shared: true, kind: 'SERVER' }, 0)).toEqual({ ...base, kind: 'SERVER', debug: true, shared: true });
    expect(normalizeSpan({ ...base, debug: false, shared: false }, 0)).toEqual(base);
  });
  it('removes shared from CLIENT spans', () => {
    expect(normalizeSpan({ ...base, kind: 'CLIENT', shared: true }, 0)).toEqual({ ...base, kind: 'CLIENT' });
  });
  it('keeps shared on spans of no kind (Zipkin only unsets it on CLIENT)', () => {
    expect(normalizeSpan({ ...base, shared: true }, 0)).toEqual({ ...base, shared: true });
  });
  it('rejects non-boolean flags', () => {
    expect(validationError(() => normalizeSpan({ ...base, debug: 'true' }, 0))).toMatchObject({ code: 'SPAN_INVALID_TYPE', field: 'debug' });
    expect(validationError(() => normalizeSpan({ ...base, shared: 1 }, 0))).toMatchObject({ code: 'SPAN_INVALID_TYPE', field: 'shared' });
  });
});

describe('normalizeSpan: shape', () => {
  it('treats null fields as absent and ignores unknown fields', () => {
    expect(normalizeSpan({
      ...base, parentId: null, name: null, kind: null, timestamp: null, duration: null, localEndpoint: null,
      remoteEndpoint: null, annotations: null, tags: null, debug: null, shared: null, extra: { deep: [1] },
    }, 0)).toEqual(base);
  });
  it('rejects a span that is not an object', () => {
    for (const bad of [null, 1, 'span', [], true]) {
      expect(validationError(() => normalizeSpan(bad, 5))).toMatchObject({ code: 'SPAN_NOT_OBJECT', index: 5 });
    }
  });
  it('reads a "__proto__" key of a parsed span as data, never as the prototype', () => {
    const parsed: unknown = JSON.parse('{"__proto__":{"traceId":"1","id":"2"},"id":"3"}');
    expect(validationError(() => normalizeSpan(parsed, 0)).code).toBe('SPAN_MISSING_TRACE_ID');
    expect(({} as Record<string, unknown>).traceId).toBeUndefined();
  });
  it('returns only Span fields, never undefined-valued ones', () => {
    const s = normalizeSpan({ ...base, name: '', remoteEndpoint: {} }, 0);
    expect(Object.keys(s)).toEqual(['traceId', 'id']);
  });
});

describe('normalizeSpans', () => {
  it('requires an array', () => {
    expect(validationError(() => normalizeSpans({ ...base }))).toMatchObject({ code: 'SPANS_NOT_ARRAY', index: -1 });
    expect(validationError(() => normalizeSpans(null)).code).toBe('SPANS_NOT_ARRAY');
  });
  it('normalizes every span and names the failing index', () => {
    expect(normalizeSpans([base, { ...base, id: '2' }])).toHaveLength(2);
    expect(normalizeSpans([])).toEqual([]);
    const err = validationError(() => normalizeSpans([base, base, { ...base, id: 'XYZ' }]));
    expect(err.index).toBe(2);
    expect(err.message).toMatch(/^span 2: id "XYZ"/);
  });
});
