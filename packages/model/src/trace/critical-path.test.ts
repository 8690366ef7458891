import { describe, expect, it } from 'vitest';
import type { Span } from '../span.js';
import { criticalPath, type CriticalPath } from './critical-path.js';
import { lensTrace } from './fixtures.test-util.js';
import { buildSpanTree, type SpanTree } from './span-tree.js';

const s = (id: string, parentId: string | undefined, timestamp: number, duration: number): Span => ({
  traceId: '000000000000000a', id: id.padStart(16, '0'), ...(parentId ? { parentId: parentId.padStart(16, '0') } : {}),
  name: id, timestamp: timestamp + 1000, duration, localEndpoint: { serviceName: 'svc' },
});

function assertContiguous(tree: SpanTree, cp: CriticalPath): void {
  const root = tree.roots[0]!;
  expect(cp.segments[0]!.start).toBe(tree.start[root]);
  expect(cp.segments[cp.segments.length - 1]!.end).toBe(tree.end[root]);
  for (let i = 1; i < cp.segments.length; i++) expect(cp.segments[i]!.start).toBe(cp.segments[i - 1]!.end);
}

describe('criticalPath', () => {
  it('follows the last-finishing child, then the child that finished before that one started', () => {
    // root 0..100; a 10..40, b 20..90 (overlaps a), c 50..60 inside b's window; d 92..95
    const tree = buildSpanTree([s('1', undefined, 0, 100), s('a', '1', 10, 30), s('b', '1', 20, 70), s('c', 'b', 50, 10), s('d', '1', 92, 3)]);
    const cp = criticalPath(tree);
    const names = cp.segments.map((x) => `${tree.spans[x.node]!.name}:${x.start - 1000}-${x.end - 1000}`);
    expect(names).toEqual(['1:0-10', 'a:10-20', 'b:20-50', 'c:50-60', 'b:60-90', '1:90-92', 'd:92-95', '1:95-100']);
    assertContiguous(tree, cp);
    expect(tree.spans.filter((_, i) => cp.onPath[i]).map((x) => x.name).sort()).toEqual(['1', 'a', 'b', 'c', 'd']);
  });

  it('clips a child that outlives its parent (async work) to the parent\'s window', () => {
    const tree = buildSpanTree([s('1', undefined, 0, 10), s('2', '1', 5, 100)]);
    const cp = criticalPath(tree);
    expect(cp.segments.map((x) => [tree.spans[x.node]!.name, x.start - 1000, x.end - 1000])).toEqual([['1', 0, 5], ['2', 5, 10]]);
  });

  it('covers the root span end to end on real traces', () => {
    for (const name of ['skew', 'messaging', 'yelp', 'ascend', 'smartthings-mobile-web-install']) {
      const tree = buildSpanTree(lensTrace(name));
      const cp = criticalPath(tree);
      assertContiguous(tree, cp);
      for (const seg of cp.segments) expect(cp.onPath[seg.node]).toBe(1);
    }
  });

  it('walks skew.json through client, server and the async local span after skew correction', () => {
    const tree = buildSpanTree(lensTrace('skew'));
    const cp = criticalPath(tree);
    expect(Array.from(cp.onPath)).toEqual([1, 1, 1, 1]);
    const order = cp.segments.map((x) => tree.spans[x.node]!.name);
    expect(order).toEqual(['get', 'post', 'post', 'async', 'post', 'post', 'get']);
  });
});
