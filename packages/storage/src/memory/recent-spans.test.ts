import { describe, expect, it } from 'vitest';
import { random } from './random.test-util.js';
import { RecentSpans } from './recent-spans.js';

describe('RecentSpans', () => {
  it('says whether a span of the same trace with the same hash was recorded', () => {
    const t = new RecentSpans(1_000);
    expect(t.addSeen(42, 7, 0)).toBe(false);
    expect(t.addSeen(42, 7, 0)).toBe(true);
    expect(t.addSeen(42, 8, 0)).toBe(false); // another trace
    expect(t.addSeen(43, 7, 0)).toBe(false);
    expect(t.next).toBe(3); // repeats are not recorded again
  });

  it('keeps two generations: what the cleared one held is gone, and covers says from where it holds all', () => {
    const t = new RecentSpans(4); // 4 a generation
    for (let i = 0; i < 4; i++) t.addSeen(i, 1, 0);
    expect(t.next).toBe(4);
    expect(t.covers(0)).toBe(true);
    for (let i = 4; i < 8; i++) t.addSeen(i, 2, 4);
    expect(t.covers(0)).toBe(false);
    expect(t.covers(4)).toBe(true);
    // Trace 2 began in the generation now older, so that one is searched too.
    expect([4, 5, 6, 7].map((i) => t.addSeen(i, 2, 4))).toEqual([true, true, true, true]);
    // Trace 1's spans were in the generation cleared: gone (the store then checks it another way).
    expect(t.addSeen(0, 1, 0)).toBe(false);
    t.clear();
    expect(t.addSeen(5, 2, 4)).toBe(false);
    expect(t.covers(t.next - 1)).toBe(true);
    expect(t.covers(t.next - 2)).toBe(false);
  });

  it('never misses a span it covers, and rarely claims one it was not given, over random use', () => {
    const next = random(5);
    const t = new RecentSpans(4_096);
    // Traces of a few spans each, some coming back later, as spans arrive.
    const traces: { ord: number; since: number; hashes: number[] }[] = [];
    let misses = 0, falseHits = 0, checked = 0;
    for (let round = 0; round < 30_000; round++) {
      const old = traces.length > 0 && next() < 0.3 ? traces[Math.floor(next() * traces.length)] : undefined;
      const trace = old ?? { ord: traces.length, since: t.next, hashes: [] };
      if (old === undefined) traces.push(trace);
      if (trace.hashes.length > 0 && next() < 0.3) {
        // A repeat of one of its spans.
        if (t.covers(trace.since)) {
          checked++;
          if (!t.addSeen(trace.hashes[Math.floor(next() * trace.hashes.length)] as number, trace.ord, trace.since)) misses++;
        }
        continue;
      }
      const hash = Math.floor(next() * 2 ** 30);
      if (t.covers(trace.since) && t.addSeen(hash, trace.ord, trace.since)) falseHits++;
      trace.hashes.push(hash);
    }
    expect(checked).toBeGreaterThan(1_000);
    expect(misses).toBe(0);
    expect(falseHits).toBeLessThan(5);
  });
});
