import { describe, expect, it } from 'vitest';
import { SpanValidationError } from './errors.js';
import { isLowerHex, lowTraceId, normalizeParentId, normalizeSpanId, normalizeTraceId } from './ids.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SpanValidationError);
    return (err as SpanValidationError).code;
  }
  throw new Error('expected an error');
}

describe('isLowerHex', () => {
  it('accepts 0-9a-f only', () => {
    expect(isLowerHex('0123456789abcdef')).toBe(true);
    expect(isLowerHex('')).toBe(false);
    expect(isLowerHex('A')).toBe(false);
    expect(isLowerHex('g')).toBe(false);
    expect(isLowerHex('0x1')).toBe(false);
    expect(isLowerHex(':')).toBe(false);
    expect(isLowerHex('`')).toBe(false);
  });
});

describe('normalizeTraceId', () => {
  it('keeps 16 and 32 character ids', () => {
    expect(normalizeTraceId('463ac35c9f6413ad')).toBe('463ac35c9f6413ad');
    expect(normalizeTraceId('463ac35c9f6413ad48485a3953bb6124')).toBe('463ac35c9f6413ad48485a3953bb6124');
  });
  it('left-pads short ids to 16 and mid-length ids to 32', () => {
    expect(normalizeTraceId('a')).toBe('000000000000000a');
    expect(normalizeTraceId('1463ac35c9f6413ad')).toBe('0000000000000001463ac35c9f6413ad');
  });
  it('shortens a 128-bit id whose high 64 bits are zero to 16 characters', () => {
    expect(normalizeTraceId('0000000000000000463ac35c9f6413ad')).toBe('463ac35c9f6413ad');
    expect(normalizeTraceId('00000000000000000463ac35c9f6413a')).toBe('0463ac35c9f6413a');
    expect(normalizeTraceId('00000463ac35c9f6413ad')).toBe('463ac35c9f6413ad');
  });
  it('rejects empty, too long, non-hex, upper-case and all-zero ids', () => {
    expect(codeOf(() => normalizeTraceId(''))).toBe('SPAN_INVALID_TRACE_ID');
    expect(codeOf(() => normalizeTraceId('1'.repeat(33)))).toBe('SPAN_INVALID_TRACE_ID');
    expect(codeOf(() => normalizeTraceId('463ac35c9f6413az'))).toBe('SPAN_INVALID_TRACE_ID');
    expect(codeOf(() => normalizeTraceId('463AC35C9F6413AD'))).toBe('SPAN_INVALID_TRACE_ID');
    expect(codeOf(() => normalizeTraceId('0000000000000000'))).toBe('SPAN_INVALID_TRACE_ID');
    expect(codeOf(() => normalizeTraceId('0'.repeat(32)))).toBe('SPAN_INVALID_TRACE_ID');
    expect(codeOf(() => normalizeTraceId('000'))).toBe('SPAN_INVALID_TRACE_ID');
  });
  it('says what is wrong, naming the span', () => {
    expect(() => normalizeTraceId('XYZ', 3)).toThrow('span 3: traceId "XYZ" must be lower-hex');
    expect(() => normalizeTraceId('ABC', 0)).toThrow('use a-f, not A-F');
    expect(() => normalizeTraceId('1'.repeat(40), 1)).toThrow('is 40 characters');
    expect(() => normalizeTraceId('0'.repeat(16), 2)).toThrow('must not be all zeros');
  });
});

describe('normalizeSpanId', () => {
  it('left-pads to 16', () => {
    expect(normalizeSpanId('352bff9a74ca9ad2')).toBe('352bff9a74ca9ad2');
    expect(normalizeSpanId('2')).toBe('0000000000000002');
  });
  it('rejects empty, over 16, non-hex, upper-case and all zeros', () => {
    expect(codeOf(() => normalizeSpanId(''))).toBe('SPAN_INVALID_ID');
    expect(codeOf(() => normalizeSpanId('1'.repeat(17)))).toBe('SPAN_INVALID_ID');
    expect(codeOf(() => normalizeSpanId('12-4'))).toBe('SPAN_INVALID_ID');
    expect(codeOf(() => normalizeSpanId('ABCD'))).toBe('SPAN_INVALID_ID');
    expect(codeOf(() => normalizeSpanId('0000000000000000'))).toBe('SPAN_INVALID_ID');
    expect(codeOf(() => normalizeSpanId('0'))).toBe('SPAN_INVALID_ID');
  });
});

describe('normalizeParentId', () => {
  it('pads like a span id and treats all zeros as no parent', () => {
    expect(normalizeParentId('1')).toBe('0000000000000001');
    expect(normalizeParentId('0000000000000000')).toBeUndefined();
    expect(normalizeParentId('0')).toBeUndefined();
  });
  it('rejects invalid parent ids with their own code', () => {
    expect(codeOf(() => normalizeParentId(''))).toBe('SPAN_INVALID_PARENT_ID');
    expect(codeOf(() => normalizeParentId('1'.repeat(17)))).toBe('SPAN_INVALID_PARENT_ID');
    expect(codeOf(() => normalizeParentId('FF'))).toBe('SPAN_INVALID_PARENT_ID');
  });
});

describe('lowTraceId', () => {
  it('is the last 16 characters', () => {
    expect(lowTraceId('463ac35c9f6413ad48485a3953bb6124')).toBe('48485a3953bb6124');
    expect(lowTraceId('48485a3953bb6124')).toBe('48485a3953bb6124');
  });
});
