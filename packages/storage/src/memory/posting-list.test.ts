import { describe, expect, it } from 'vitest';
import { addOrdinal, addOrdinalWithMax, addPosting, hasLive, hasOrdinal, sweepPostings, termHash } from './posting-list.js';
import type { Postings } from './posting-list.js';

describe('posting lists', () => {
  it('keep ordinals sorted and distinct, whatever order they arrive in', () => {
    const list: number[] = [];
    for (const ord of [5, 7, 7, 2, 9, 5, 1, 8]) addOrdinal(list, ord);
    expect(list).toEqual([1, 2, 5, 7, 8, 9]);
    expect(hasOrdinal(list, 8)).toBe(true);
    expect(hasOrdinal(list, 6)).toBe(false);
  });

  it('keep the largest value per ordinal in a parallel list', () => {
    const list: number[] = [], maxes: number[] = [];
    addOrdinalWithMax(list, maxes, 3, 10);
    addOrdinalWithMax(list, maxes, 3, 30);
    addOrdinalWithMax(list, maxes, 1, 5);
    addOrdinalWithMax(list, maxes, 3, 20);
    addOrdinalWithMax(list, maxes, 4, 2 ** 40);
    expect(list).toEqual([1, 3, 4]);
    expect(maxes).toEqual([5, 30, 0x3fffffff]);
  });

  it('store a single ordinal as a number until a second one arrives, and sweep dead prefixes', () => {
    const map = new Map<string, Postings>();
    addPosting(map, 'a', 4);
    addPosting(map, 'a', 4);
    expect(map.get('a')).toBe(4);
    addPosting(map, 'a', 2);
    addPosting(map, 'b', 1);
    addPosting(map, 'c', 1);
    addPosting(map, 'c', 2);
    addPosting(map, 'c', 6);
    expect(map.get('a')).toEqual([2, 4]);
    sweepPostings(map, 3);
    expect(map.get('a')).toBe(4);
    expect(map.has('b')).toBe(false);
    expect(map.get('c')).toBe(6);
    expect(hasLive(6, 7)).toBe(false);
    expect(hasLive([1, 9], 7)).toBe(true);
  });

  it('hash a key=value term differently from a bare word', () => {
    expect(termHash('a', 'b')).not.toBe(termHash('a', ''));
    expect(termHash('ab', '')).not.toBe(termHash('a', 'b'));
    expect(termHash('a', 'b')).toBe(termHash('a', 'b'));
  });
});
