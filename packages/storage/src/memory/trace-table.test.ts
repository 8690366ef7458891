import { describe, expect, it } from 'vitest';
import { seededRandom } from '@skein/model/testing';
import { lowTraceId } from './query-predicate.js';
import { TraceEntry } from './trace-entry.js';
import { TraceTable } from './trace-table.js';

/** A table over traces kept by ordinal, starting at firstOrd (to try ordinals past 2^32). */
function setup(firstOrd: number): { table: TraceTable; live: Map<number, TraceEntry>; make: (traceId: string) => TraceEntry } {
  const live = new Map<number, TraceEntry>();
  let next = firstOrd;
  const table = new TraceTable((ord) => live.get(ord), () => next);
  const make = (traceId: string): TraceEntry => {
    const e = new TraceEntry(next++, traceId, 0);
    live.set(e.ord, e);
    table.add(e);
    return e;
  };
  return { table, live, make };
}

const hex = (random: () => number, n: number): string =>
  Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');

describe('TraceTable', () => {
  it.each([0, 2 ** 32 - 300, 2 ** 40])('agrees with a Map keyed by lowTraceId over random adds, lookups and removals (ordinals from %d)', (firstOrd) => {
    const random = seededRandom(11);
    const { table, live, make } = setup(firstOrd);
    const byKey = new Map<string, TraceEntry>();
    const ids: string[] = [];
    for (let step = 0; step < 20_000; step++) {
      const r = random();
      if (r < 0.5 || ids.length === 0) {
        // 64- and 128-bit ids; some share their low 64 bits with an earlier trace's (already held).
        const low = ids.length > 0 && random() < 0.1 ? lowTraceId(ids[Math.floor(random() * ids.length)] as string) : hex(random, 16);
        const id = random() < 0.5 ? low : `${hex(random, 16)}${low}`;
        if (byKey.has(lowTraceId(id))) continue;
        const e = make(id);
        byKey.set(lowTraceId(id), e);
        ids.push(id);
      } else if (r < 0.8) {
        const id = ids[Math.floor(random() * ids.length)] as string;
        const other = random() < 0.5 ? lowTraceId(id) : `${hex(random, 16)}${lowTraceId(id)}`;
        expect(table.get(other)).toBe(byKey.get(lowTraceId(id)));
        expect(table.get(hex(random, 16))).toBe(undefined);
      } else {
        // Evict the oldest, as the store does.
        const id = ids.shift() as string;
        const e = byKey.get(lowTraceId(id)) as TraceEntry;
        table.delete(e);
        live.delete(e.ord);
        byKey.delete(lowTraceId(id));
        expect(table.get(id)).toBe(undefined);
      }
      expect(table.size).toBe(byKey.size);
    }
    for (const [key, e] of byKey) expect(table.get(key)).toBe(e);
  });

  it('keeps ids apart that read as the same numbers (not lower hex), as a Map of strings does', () => {
    const { table, make } = setup(0);
    const lower = make('00000000000000aa');
    const upper = make('00000000000000AA');
    const odd = make('short-id');
    expect(table.get('00000000000000aa')).toBe(lower);
    expect(table.get('00000000000000AA')).toBe(upper);
    expect(table.get('short-id')).toBe(odd);
    expect(table.get('00000000000000Aa')).toBe(undefined);
    table.delete(lower);
    expect(table.get('00000000000000AA')).toBe(upper);
    expect(table.get('00000000000000aa')).toBe(undefined);
  });

  it('finds every trace after removals in long probe runs', () => {
    // Sequential ids and many removals from the middle: deletion must keep probe runs whole.
    const { table, live, make } = setup(0);
    const held: TraceEntry[] = [];
    for (let n = 0; n < 5000; n++) held.push(make(n.toString(16).padStart(16, '0')));
    for (let n = 0; n < 5000; n += 3) {
      table.delete(held[n] as TraceEntry);
      live.delete(n);
    }
    for (let n = 0; n < 5000; n++) {
      expect(table.get(n.toString(16).padStart(16, '0'))).toBe(n % 3 === 0 ? undefined : held[n]);
    }
    expect(table.size).toBe(5000 - 1667);
  });
});
