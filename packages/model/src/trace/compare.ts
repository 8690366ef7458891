import type { Span } from '../span.js';
import { serviceOf } from './errors.js';
import type { SpanTree } from './span-tree.js';

/** How one service + operation pair appears in two traces. */
export interface CompareRow {
  service: string;
  name: string;
  countA: number;
  countB: number;
  /** Sum of span durations, microseconds. */
  durationA: number;
  durationB: number;
  /** durationB - durationA. */
  delta: number;
  presence: 'both' | 'only-a' | 'only-b';
}

/** The result of comparing two traces. */
export interface TraceComparison {
  rows: CompareRow[];
  onlyA: number;
  onlyB: number;
  both: number;
}

function tally(tree: SpanTree, into: Map<string, CompareRow>, side: 'A' | 'B'): void {
  for (let i = 0; i < tree.spans.length; i++) {
    const s = tree.spans[i] as Span;
    const service = serviceOf(s), name = s.name ?? '';
    const key = `${service}\u0000${name}`;
    let row = into.get(key);
    if (!row) { row = { service, name, countA: 0, countB: 0, durationA: 0, durationB: 0, delta: 0, presence: 'both' }; into.set(key, row); }
    const d = (tree.end[i] as number) - (tree.start[i] as number);
    if (side === 'A') { row.countA++; row.durationA += d; } else { row.countB++; row.durationB += d; }
  }
}

/**
 * Matches the spans of two traces by (service, operation name): counts and total durations per
 * pair, the difference B - A, and which pairs only one trace has. Rows with the largest absolute
 * difference come first, then pairs present in only one trace.
 */
export function compareTraces(a: SpanTree, b: SpanTree): TraceComparison {
  const map = new Map<string, CompareRow>();
  tally(a, map, 'A');
  tally(b, map, 'B');
  let onlyA = 0, onlyB = 0, both = 0;
  const rows = [...map.values()];
  for (const r of rows) {
    r.delta = r.durationB - r.durationA;
    r.presence = r.countA === 0 ? 'only-b' : r.countB === 0 ? 'only-a' : 'both';
    if (r.presence === 'only-a') onlyA++; else if (r.presence === 'only-b') onlyB++; else both++;
  }
  const rank = (r: CompareRow): number => (r.presence === 'both' ? 0 : 1);
  rows.sort((x, y) => rank(x) - rank(y) || Math.abs(y.delta) - Math.abs(x.delta) || (x.service + x.name < y.service + y.name ? -1 : 1));
  return { rows, onlyA, onlyB, both };
}
