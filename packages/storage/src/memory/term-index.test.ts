import { describe, expect, it } from 'vitest';
import { TermIndex } from './term-index.js';

/** A seeded xorshift generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('TermIndex', () => {
  it('answers like a map of sorted unique ordinal sets, across many sealed runs and late ordinals', () => {
    const index = new TermIndex();
    const reference = new Map<number, Set<number>>();
    const random = rng(42);
    let ord = 0;
    for (let i = 0; i < 300_000; i++) {
      if (random() < 0.1) ord++;
      // Mostly the newest trace, sometimes a late span of an older one.
      const at = random() < 0.05 ? Math.floor(random() * (ord + 1)) : ord;
      const hash = random() < 0.5 ? Math.floor(random() * 50) : Math.floor(random() * 2 ** 30);
      index.add(hash, at);
      let set = reference.get(hash);
      if (set === undefined) reference.set(hash, (set = new Set()));
      set.add(at);
    }
    const firstLive = Math.floor(ord / 3);
    let checked = 0;
    for (const [hash, set] of reference) {
      if (checked++ > 3000 && hash >= 50) continue;
      const want = [...set].filter((o) => o >= firstLive).sort((a, b) => a - b);
      expect(index.get(hash, firstLive)).toEqual(want.length === 0 ? undefined : want);
    }
    expect(index.get(2 ** 30 - 1, 0) ?? []).toEqual([...(reference.get(2 ** 30 - 1) ?? [])]);
  });

  it('tells apart hashes that share a bucket (the same high bits), in sealed runs and the open one', () => {
    const index = new TermIndex();
    const a = 5 << 15, b = (5 << 15) | 1, c = (5 << 15) | 0x7fff;
    for (let o = 0; o < 70_000; o++) index.add(o % 3 === 0 ? a : o % 3 === 1 ? b : c, o); // seals one run, leaves an open one
    for (const [h, r] of [[a, 0], [b, 1], [c, 2]] as const) {
      const got = index.get(h, 0) ?? [];
      expect(got.length).toBe(Math.ceil((70_000 - r) / 3));
      expect(got.every((o) => o % 3 === r)).toBe(true);
    }
    expect(index.get((5 << 15) | 2, 0)).toBeUndefined();
    expect(index.get(6 << 15, 0)).toBeUndefined();
  });

  it('drops duplicate pairs and runs that hold only evicted ordinals', () => {
    const index = new TermIndex();
    for (let i = 0; i < 10; i++) index.add(7, 3);
    expect(index.get(7, 0)).toEqual([3]);
    expect(index.size).toBe(1);
    for (let o = 0; o < 200_000; o++) index.add(o % 1000, o);
    const before = index.size;
    index.drop(150_000);
    expect(index.size).toBeLessThan(before);
    expect(index.get(7, 150_000)).toEqual(Array.from({ length: 50 }, (_, i) => 150_007 + i * 1000));
  });

  it.each([65_535, 65_536, 70_000])('keeps ordinals exact in a sealed run spanning %d ordinals (16-bit offsets only when they fit)', (spread) => {
    const index = new TermIndex();
    index.add(3, 10);
    index.add(3, 10 + spread);
    for (let i = 0; i < 70_000; i++) index.add(5 + (i % 100), 10 + (i % spread)); // fills and seals the run
    expect(index.get(3, 0)).toEqual([10, 10 + spread]);
  });

  it('keeps ordinals exact when a run spans ordinals far apart', () => {
    const index = new TermIndex();
    index.add(1, 5);
    index.add(1, 2 ** 31 + 10); // further than a run's offsets reach: seals the first run
    index.add(2, 2 ** 31 + 9);
    index.add(2, 4);
    expect(index.get(1, 0)).toEqual([5, 2 ** 31 + 10]);
    expect(index.get(2, 0)).toEqual([4, 2 ** 31 + 9]);
    index.clear();
    expect(index.get(1, 0)).toBeUndefined();
  });
});
