import { describe, expect, it } from 'vitest';
import type { Span } from '../span.js';
import { lensTrace } from './fixtures.test-util.js';
import { mergeSharedSpans } from './merge.js';
import { buildSpanTree, type SpanTree } from './span-tree.js';
import { visibleRows } from './visible-rows.js';

const T = '000000000000000a';
const span = (id: string, parentId?: string, extra: Partial<Span> = {}): Span => ({
  traceId: T, id, ...(parentId ? { parentId } : {}), name: `op-${id}`, timestamp: 1_000 + parseInt(id, 16), duration: 10,
  localEndpoint: { serviceName: 'svc' }, ...extra,
});
const ids = (tree: SpanTree, nodes: ArrayLike<number>): string[] => Array.from(nodes, (i) => tree.spans[i]!.id);

describe('mergeSharedSpans', () => {
  it('merges pieces of one span reported separately and keeps client and shared server apart', () => {
    const merged = mergeSharedSpans([
      { traceId: T, id: '0000000000000001', name: 'get', timestamp: 5, duration: 3, kind: 'CLIENT', localEndpoint: { serviceName: 'a' } },
      { traceId: T, id: '0000000000000001', kind: 'CLIENT', annotations: [{ timestamp: 6, value: 'ws' }], localEndpoint: { serviceName: 'a' } },
      { traceId: T, id: '0000000000000001', kind: 'SERVER', timestamp: 6, duration: 1, localEndpoint: { serviceName: 'b' } },
    ]);
    expect(merged).toHaveLength(2);
    const client = merged.find((s) => s.kind === 'CLIENT')!;
    expect(client.annotations).toEqual([{ timestamp: 6, value: 'ws' }]);
    expect(client.timestamp).toBe(5);
    expect(merged.find((s) => s.kind === 'SERVER')!.shared).toBe(true);
  });

  it('picks the longest trace id and pads short ids', () => {
    const long = '0000000000000001000000000000000a';
    const merged = mergeSharedSpans([{ traceId: 'A', id: '1' }, { traceId: long, id: '2', parentId: '1' }]);
    expect(merged.map((s) => s.traceId)).toEqual([long, long]);
    expect(merged[0]!.id).toBe('0000000000000001');
    expect(merged[1]!.parentId).toBe('0000000000000001');
  });
});

describe('buildSpanTree', () => {
  it('places a shared server span under its client and the server\'s local child under the server (skew.json)', () => {
    const tree = buildSpanTree(lensTrace('skew'), { correctSkew: false });
    expect(tree.spans).toHaveLength(4);
    const rows = Array.from(tree.order, (i) => `${tree.depth[i]}:${tree.spans[i]!.localEndpoint?.serviceName}:${tree.spans[i]!.name}:${tree.spans[i]!.kind ?? '-'}`);
    expect(rows).toEqual(['0:servicea:get:SERVER', '1:servicea:post:CLIENT', '2:serviceb:post:SERVER', '3:serviceb:async:-']);
    expect(tree.problems).toEqual([]);
  });

  it('builds the 1,041-span smartthings trace with every span reachable once', () => {
    const input = lensTrace('smartthings-mobile-web-install');
    const tree = buildSpanTree(input);
    expect(tree.spans).toHaveLength(1041);
    expect(new Set(tree.order).size).toBe(1041);
    expect(tree.roots).toHaveLength(1);
    expect(tree.subtreeSize[tree.roots[0]!]).toBe(1041);
    // children come after their parent in pre-order, one level deeper
    for (let i = 0; i < tree.spans.length; i++) {
      const p = tree.parent[i]!;
      if (p >= 0) {
        expect(tree.position[i]!).toBeGreaterThan(tree.position[p]!);
        expect(tree.depth[i]).toBe(tree.depth[p]! + 1);
      }
    }
    // spans without a timestamp are reported, not dropped
    expect(tree.problems.find((p) => p.code === 'NO_TIMESTAMP')?.count).toBe(84);
  });

  it('attributes spans whose parent is missing to the root and says so (messaging2.json)', () => {
    const tree = buildSpanTree(lensTrace('messaging2'));
    expect(tree.roots).toHaveLength(1);
    expect(tree.order).toHaveLength(11);
    const missing = tree.problems.find((p) => p.code === 'MISSING_PARENT');
    expect(missing?.count).toBe(6);
    for (const id of missing!.spanIds) {
      const node = tree.spans.findIndex((s) => s.id === id);
      expect(tree.parent[node]).toBe(tree.roots[0]);
    }
  });

  it('keeps a lone shared server span (envoy.json) and a messaging trace (messaging-kafka.json) whole', () => {
    const envoy = buildSpanTree(lensTrace('envoy'));
    expect(envoy.roots).toHaveLength(1);
    expect(envoy.problems).toEqual([]);
    const kafka = buildSpanTree(lensTrace('messaging-kafka'));
    expect(kafka.order).toHaveLength(lensTrace('messaging-kafka').length);
    expect(kafka.roots).toHaveLength(1);
    // producer → consumer hops keep their parent links
    const consumers = kafka.spans.filter((x) => x.kind === 'CONSUMER');
    expect(consumers.length).toBeGreaterThan(0);
    for (const c of consumers) expect(kafka.spans[kafka.parent[kafka.spans.indexOf(c)]!]?.id).toBe(c.parentId);
  });

  it('shows a headless trace as several top-level spans', () => {
    const tree = buildSpanTree([span('0000000000000002', '0000000000000001'), span('0000000000000003', '0000000000000001')]);
    expect(tree.roots).toHaveLength(2);
    expect(tree.problems.map((p) => p.code)).toContain('MISSING_ROOT');
  });

  it('cuts parent cycles instead of hanging', () => {
    const a = '000000000000000a', b = '000000000000000b', c = '000000000000000c';
    const tree = buildSpanTree([span(a, c), span(b, a), span(c, b), span('0000000000000001')]);
    expect(tree.order).toHaveLength(4);
    expect(new Set(tree.order).size).toBe(4);
    expect(tree.problems.find((p) => p.code === 'CYCLE')?.count).toBe(1);
  });

  it('builds a 100,000-span chain and fan-out without recursion limits', () => {
    const spans: Span[] = [span('0000000000000001')];
    for (let i = 2; i <= 100_000; i++) {
      const parent = i % 2 === 0 ? i - 1 : Math.floor(i / 3) + 1;
      spans.push(span(i.toString(16).padStart(16, '0'), parent.toString(16).padStart(16, '0')));
    }
    const tree = buildSpanTree(spans);
    expect(tree.order).toHaveLength(100_000);
    expect(tree.subtreeSize[tree.roots[0]!]).toBe(100_000);
  });

  it('hides collapsed subtrees from the visible rows', () => {
    const tree = buildSpanTree(lensTrace('skew'), { correctSkew: false });
    const collapsed = new Uint8Array(tree.spans.length);
    const client = tree.order[1]!;
    collapsed[client] = 1;
    expect(ids(tree, visibleRows(tree, collapsed))).toEqual(ids(tree, tree.order.subarray(0, 2)));
    collapsed[client] = 0;
    expect(visibleRows(tree, collapsed)).toHaveLength(4);
  });
});
