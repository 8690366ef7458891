import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, parseDuration } from './format.js';

describe('format', () => {
  it('formats durations with a readable unit', () => {
    expect(formatDuration(850)).toBe('850µs');
    expect(formatDuration(12_345)).toBe('12.3ms');
    expect(formatDuration(4_050_000)).toBe('4.05s');
    expect(formatDuration(-1500)).toBe('-1.50ms');
    expect(formatDuration(125_000_000)).toBe('2m5s');
  });

  it('parses durations with units', () => {
    expect(parseDuration('250ms')).toBe(250_000);
    expect(parseDuration('1.5s')).toBe(1_500_000);
    expect(parseDuration('800µs')).toBe(800);
    expect(parseDuration('12')).toBe(12);
    expect(parseDuration('fast')).toBeUndefined();
  });

  it('formats bytes', () => {
    expect(formatBytes(10 * 1024 * 1024)).toBe('10.0 MB');
  });
});
