import { describe, expect, it } from 'vitest';
import { isErrorHeavy, layoutDependencies } from './layout.js';

describe('layoutDependencies', () => {
  it('places callers left of callees in longest-path columns', () => {
    const g = layoutDependencies([
      { parent: 'web', child: 'api', callCount: 10 },
      { parent: 'api', child: 'db', callCount: 7, errorCount: 2 },
      { parent: 'web', child: 'db', callCount: 1 },
    ]);
    const layer = Object.fromEntries(g.nodes.map((x) => [x.name, x.layer]));
    expect(layer).toEqual({ web: 0, api: 1, db: 2 });
    const db = g.nodes.find((x) => x.name === 'db')!;
    expect(db).toMatchObject({ calls: 8, errors: 2 });
    expect(g.edges.filter(isErrorHeavy)).toHaveLength(1);
  });

  it('handles cycles and self-calls without looping', () => {
    const g = layoutDependencies([
      { parent: 'a', child: 'b', callCount: 1 },
      { parent: 'b', child: 'c', callCount: 1 },
      { parent: 'c', child: 'a', callCount: 1 },
      { parent: 'c', child: 'c', callCount: 1 },
    ]);
    expect(g.edges.filter((e) => e.back)).toHaveLength(2);
    expect(new Set(g.nodes.map((x) => x.layer)).size).toBe(3);
  });

  it('lays out 200 services with 600 links quickly and without overlaps', () => {
    const links = [];
    for (let i = 1; i < 200; i++) {
      links.push({ parent: `svc-${Math.floor(i / 3)}`, child: `svc-${i}`, callCount: i });
      links.push({ parent: `svc-${Math.floor(i / 2)}`, child: `svc-${i}`, callCount: 1 });
      if (i > 10) links.push({ parent: `svc-${i}`, child: `svc-${i % 10}`, callCount: 1, errorCount: 1 });
    }
    const g = layoutDependencies(links);
    expect(g.nodes).toHaveLength(200);
    const seen = new Set(g.nodes.map((x) => `${x.x},${x.y}`));
    expect(seen.size).toBe(200);
  });
});
