import { describe, expect, it } from 'vitest';
import type { Span } from '@skein/model';
import { MemoryIndex } from './memory-index.js';

const T0 = Date.now() * 1000;
const hex = (n: number): string => n.toString(16).padStart(16, '0');
const trace = (n: number, spans: number): Span[] =>
  Array.from({ length: spans }, (_, i) => ({
    traceId: hex(n + 1), id: hex(n * 100 + i + 1), name: 'op', timestamp: T0 + n, duration: 5,
    localEndpoint: { serviceName: 'svc' }, ...(i > 0 ? { parentId: hex(n * 100 + 1) } : {}),
  }));

describe('MemoryIndex duplicate-check sets', () => {
  it('drop the oldest sets beyond the budget, never those of the two newest blocks, and count what they hold', () => {
    const index = new MemoryIndex(1_000_000, [], 4, 100); // blocks of 16 traces, 100 hashes kept
    for (let n = 0; n < 400; n++) {
      index.accept(trace(n, 5));
      // Every trace's set holds its 5 hashes; 32 traces make two blocks.
      expect(index.heldHashes).toBeLessThanOrEqual(100 + 32 * 5 + 16 * 5);
    }
    expect(index.heldHashes).toBeGreaterThanOrEqual(100 - 5);
    // A dropped set is rebuilt when a late span comes: the repeat is still caught.
    index.accept(trace(0, 5));
    expect(index.spanCount).toBe(400 * 5);
    index.accept([{ ...(trace(0, 5)[1] as Span), id: hex(99) }]);
    expect(index.spanCount).toBe(400 * 5 + 1);
  });
});
