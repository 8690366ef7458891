import type { Span } from '@skein/model';
import { describe, expect, it } from 'vitest';
import { CollectorSampler } from './sampler.js';

const span = (traceId: string, id: string, debug?: boolean): Span => ({ traceId, id, ...(debug === undefined ? {} : { debug }) });

describe('CollectorSampler', () => {
  it('keeps everything at rate 1 and nothing but debug at rate 0', () => {
    expect(new CollectorSampler(1).isSampled('7fffffffffffffff')).toBe(true);
    expect(new CollectorSampler(1).isSampled('8000000000000000')).toBe(true);
    const none = new CollectorSampler(0);
    expect(none.isSampled('0000000000000001')).toBe(false);
    expect(none.isSampled('0000000000000001', true)).toBe(true);
  });

  it('compares the absolute signed value of the low 64 bits with rate × Long.MAX_VALUE', () => {
    const half = new CollectorSampler(0.5);
    expect(half.isSampled('0000000000000001')).toBe(true);
    expect(half.isSampled('ffffffffffffffff')).toBe(true); // -1
    expect(half.isSampled('3fffffffffffff00')).toBe(true);
    expect(half.isSampled('4000000000000400')).toBe(false);
    expect(half.isSampled('c000000000000400')).toBe(true); // -0x3ffffffffffffc00
    expect(half.isSampled('7fffffffffffffff')).toBe(false);
    // Long.MIN_VALUE has no absolute value: only kept when everything is.
    expect(half.isSampled('8000000000000000')).toBe(false);
    // Only the low 64 bits of a 128-bit id count, so 64- and 128-bit reporters agree.
    expect(half.isSampled('ffffffffffffffff0000000000000001')).toBe(true);
    expect(half.isSampled('00000000000000017fffffffffffffff')).toBe(false);
  });

  it('keeps about rate of random traces', () => {
    const sampler = new CollectorSampler(0.1);
    let kept = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const hex = Array.from({ length: 16 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
      if (sampler.isSampled(hex)) kept++;
    }
    expect(kept / n).toBeGreaterThan(0.08);
    expect(kept / n).toBeLessThan(0.12);
  });

  it('filters whole traces and always keeps debug spans', () => {
    const sampler = new CollectorSampler(0.5);
    const spans = [
      span('0000000000000001', 'a'),
      span('7fffffffffffffff', 'b'),
      span('0000000000000001', 'c'),
      span('7fffffffffffffff', 'd', true),
    ];
    expect(sampler.filter(spans).map((s) => s.id)).toEqual(['a', 'c', 'd']);
    const all = [span('0000000000000001', 'a')];
    expect(sampler.filter(all)).toBe(all);
  });

  it('refuses a rate outside 0..1', () => {
    expect(() => new CollectorSampler(1.5)).toThrow(RangeError);
    expect(() => new CollectorSampler(Number.NaN)).toThrow(RangeError);
  });
});
