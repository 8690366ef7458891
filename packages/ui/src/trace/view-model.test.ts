import { buildSpanTree, criticalPath, type Span } from '@skein/model';
import { describe, expect, it } from 'vitest';
import { criticalSpans, matchSpans, segmentsByNode, timeTicks } from './view-model.js';

const spans: Span[] = [
  { traceId: 'a', id: '1', name: 'get /', timestamp: 1000, duration: 100, localEndpoint: { serviceName: 'front' } },
  { traceId: 'a', id: '2', parentId: '1', name: 'select', timestamp: 1010, duration: 50, localEndpoint: { serviceName: 'db' }, tags: { 'sql.query': 'SELECT * FROM users', big: 'x'.repeat(10_000_000) } },
  { traceId: 'a', id: '3', parentId: '1', name: 'cache', timestamp: 1070, duration: 20, localEndpoint: { serviceName: 'redis' } },
];

describe('trace view model', () => {
  const tree = buildSpanTree(spans);

  it('matches spans by service, name and tag values, case-insensitively', () => {
    expect(matchSpans(tree, '')).toBeNull();
    expect(matchSpans(tree, 'users')?.count).toBe(1);
    expect(matchSpans(tree, 'REDIS')?.count).toBe(1);
    expect(matchSpans(tree, 'nothing-here')?.count).toBe(0);
  });

  it('groups critical path segments per span', () => {
    const cp = criticalPath(tree);
    const by = segmentsByNode(cp, tree.spans.length);
    expect(by.start[tree.spans.length]).toBe(cp.segments.length);
    expect(criticalSpans(cp).map((i) => tree.spans[i]!.name)).toEqual(['get /', 'select', 'cache']);
  });

  it('makes round ticks', () => {
    expect(timeTicks(1000)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(timeTicks(0)).toEqual([0]);
  });
});
