import { describe, expect, it } from 'vitest';
import { CodecError, ERROR_CODES, quote, SkeinError, SpanValidationError } from './errors.js';

describe('errors', () => {
  it('SpanValidationError is a SkeinError with code, index, field and rule', () => {
    const err = new SpanValidationError('SPAN_INVALID_TRACE_ID', 3, 'traceId', 'traceId "XYZ" must be lower-hex');
    expect(err).toBeInstanceOf(SkeinError);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: 'SPAN_INVALID_TRACE_ID', index: 3, field: 'traceId', rule: 'traceId "XYZ" must be lower-hex', name: 'SpanValidationError' });
    expect(err.message).toBe('span 3: traceId "XYZ" must be lower-hex');
    expect(new SpanValidationError('SPANS_NOT_ARRAY', -1, '', 'expected a list').message).toBe('expected a list');
    expect(err.withIndex(9).message).toBe('span 9: traceId "XYZ" must be lower-hex');
  });
  it('CodecError carries a byte offset', () => {
    const err = new CodecError('JSON_MALFORMED', 'bad', 12);
    expect(err).toBeInstanceOf(SkeinError);
    expect(err.offset).toBe(12);
    expect(new CodecError('JSON_MALFORMED', 'bad').offset).toBe(-1);
  });
  it('lists every code with a description', () => {
    for (const [code, text] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z0-9_]+$/);
      expect(text.length).toBeGreaterThan(10);
    }
  });
  it('quote shortens huge values for messages', () => {
    expect(quote('abc')).toBe('"abc"');
    expect(quote('x'.repeat(1_000_000)).length).toBeLessThan(100);
    expect(quote(null)).toBe('null');
    expect(quote(5)).toBe('5');
  });
});
