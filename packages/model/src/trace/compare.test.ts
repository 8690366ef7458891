import { describe, expect, it } from 'vitest';
import { compareTraces } from './compare.js';
import { lensTrace } from './fixtures.test-util.js';
import { buildSpanTree } from './span-tree.js';
import { summarizeTrace } from './summary.js';

describe('compareTraces', () => {
  it('matches a trace with itself: every pair in both, no difference', () => {
    const tree = buildSpanTree(lensTrace('yelp'));
    const cmp = compareTraces(tree, tree);
    expect(cmp.onlyA + cmp.onlyB).toBe(0);
    expect(cmp.rows.every((r) => r.delta === 0 && r.countA === r.countB)).toBe(true);
    expect(cmp.rows.reduce((n, r) => n + r.countA, 0)).toBe(tree.spans.length);
  });

  it('reports pairs only one trace has and duration differences', () => {
    const a = buildSpanTree(lensTrace('messaging'));
    const b = buildSpanTree(lensTrace('messaging2'));
    const cmp = compareTraces(a, b);
    expect(cmp.onlyA).toBeGreaterThan(0);
    expect(cmp.onlyB).toBeGreaterThan(0);
    const onlyB = cmp.rows.filter((r) => r.presence === 'only-b');
    expect(onlyB.every((r) => r.countA === 0 && r.countB > 0 && r.delta === r.durationB)).toBe(true);
    // rows present in both come first
    const firstOnly = cmp.rows.findIndex((r) => r.presence !== 'both');
    expect(cmp.rows.slice(firstOnly).every((r) => r.presence !== 'both')).toBe(true);
  });
});

describe('summarizeTrace', () => {
  it('gives duration, depth, services and errors', () => {
    const sum = summarizeTrace(buildSpanTree(lensTrace('skew')));
    expect(sum).toMatchObject({ spanCount: 4, depth: 4, duration: 99411, rootService: 'servicea', rootName: 'get', errorCount: 0 });
    expect(sum.services.map((x) => [x.name, x.spanCount])).toEqual([['servicea', 2], ['serviceb', 2]]);
  });

  it('counts error spans per service', () => {
    const tree = buildSpanTree([{ traceId: 'a', id: '1', timestamp: 1, duration: 2, localEndpoint: { serviceName: 'x' }, tags: { error: 'boom' } }]);
    expect(summarizeTrace(tree).services).toEqual([{ name: 'x', spanCount: 1, errorCount: 1 }]);
  });
});
