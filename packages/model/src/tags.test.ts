import { describe, expect, it } from 'vitest';
import { SpanValidationError } from './errors.js';
import { normalizeSpan } from './normalize.js';
import { normalizeTags } from './tags.js';

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

describe('normalizeTags', () => {
  it('keeps string values; empty tags are absent', () => {
    expect(normalizeTags({ 'http.path': '/api', empty: '' }, 0)).toEqual({ 'http.path': '/api', empty: '' });
    expect(normalizeTags({}, 0)).toBeUndefined();
    expect(normalizeSpan({ ...base, tags: {} }, 0)).toEqual(base);
  });
  it('converts numbers to strings, as Zipkin JSON reader (gson nextString) does', () => {
    expect(normalizeTags({ a: 'x', 'http.status_code': 200, ratio: 0.5 }, 0)).toEqual({ a: 'x', 'http.status_code': '200', ratio: '0.5' });
  });
  it('rejects null values, naming the tag', () => {
    const err = fails(() => normalizeTags({ ok: 'x', error: null }, 4));
    expect(err).toMatchObject({ code: 'SPAN_INVALID_TAG', index: 4, field: 'tags["error"]' });
    expect(err.message).toBe('span 4: tags["error"] is null; a tag value must be a string');
  });
  it('rejects booleans, objects and arrays (gson refuses them too)', () => {
    for (const v of [true, { a: 1 }, ['x']]) expect(fails(() => normalizeTags({ k: v }, 0)).code).toBe('SPAN_INVALID_TAG');
    expect(fails(() => normalizeTags([], 0)).code).toBe('SPAN_INVALID_TYPE');
    expect(fails(() => normalizeTags('a=b', 0)).code).toBe('SPAN_INVALID_TYPE');
  });
  it('keeps __proto__ as an ordinary tag and never touches Object.prototype', () => {
    const parsed: unknown = JSON.parse('{"__proto__":"evil","constructor":"c","n":1}');
    const tags = normalizeTags(parsed, 0) as Record<string, string>;
    expect(Object.keys(tags)).toEqual(['__proto__', 'constructor', 'n']);
    expect(Object.getOwnPropertyDescriptor(tags, '__proto__')?.value).toBe('evil');
    expect(Object.getPrototypeOf(tags)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).n).toBeUndefined();
    expect(JSON.stringify(tags)).toBe('{"__proto__":"evil","constructor":"c","n":"1"}');
    const polluting: unknown = JSON.parse('{"__proto__":{"polluted":"yes"}}');
    expect(fails(() => normalizeTags(polluting, 0)).code).toBe('SPAN_INVALID_TAG');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
