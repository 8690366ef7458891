import { describe, expect, it } from 'vitest';
import { random } from './random.test-util.js';
import { RunTerms } from './run-terms.js';

/** Runs dropRepeats over one span's terms; returns what it kept. */
const span = (run: RunTerms, terms: number[]): number[] => {
  const a = Int32Array.from([7, 7, ...terms, 9]); // terms in the middle of a larger array, as in a batch
  const end = run.dropRepeats(a, 2, 2 + terms.length);
  expect([a[0], a[1]]).toEqual([7, 7]);
  return [...a.subarray(2, end)];
};

describe('RunTerms', () => {
  it('keeps the first of each term in a run, in order, within and across spans', () => {
    const run = new RunTerms();
    expect(span(run, [5, 6, 5, 7, 6])).toEqual([5, 6, 7]);
    expect(span(run, [6, 8, 5, 8])).toEqual([8]);
    expect(span(run, [])).toEqual([]);
    run.reset();
    expect(span(run, [5, 6])).toEqual([5, 6]);
  });

  it('never loses a term: past the distinct terms it tracks, it keeps repeats instead', () => {
    const run = new RunTerms();
    const many = Array.from({ length: 2_000 }, (_, i) => i * 1_048_576); // all alike in the low bits
    const first = span(run, many);
    const second = span(run, many);
    expect(first.slice(0, 512)).toEqual(many.slice(0, 512));
    expect(new Set([...first, ...second])).toEqual(new Set(many));
  });

  it('gives each run exactly its distinct terms, like a Set, over random runs', () => {
    const next = random(11);
    const run = new RunTerms();
    for (let r = 0; r < 3_000; r++) {
      run.reset();
      const seen = new Set<number>();
      const pool = Array.from({ length: 1 + Math.floor(next() * 60) }, () => Math.floor(next() * 2 ** 30));
      for (let s = 0; s < 1 + Math.floor(next() * 6); s++) {
        const terms = Array.from({ length: Math.floor(next() * 30) }, () => pool[Math.floor(next() * pool.length)] as number);
        const expected = terms.filter((t) => !seen.has(t) && (seen.add(t), true));
        expect(span(run, terms)).toEqual(expected);
      }
    }
  });
});
