import type { DependencyLink } from '@skein/model';

/** A placed service. */
export interface GraphNode {
  name: string;
  layer: number;
  x: number;
  y: number;
  calls: number;
  errors: number;
}

/** A placed call edge. `back` marks an edge that closes a cycle (drawn right to left). */
export interface GraphEdge {
  from: number;
  to: number;
  callCount: number;
  errorCount: number;
  back: boolean;
}

/** A laid-out dependency graph. */
export interface GraphLayout {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

/** Spacing of the layout, in pixels. */
export const LAYOUT = { column: 240, row: 46, margin: 30, nodeWidth: 170, nodeHeight: 30 } as const;

/**
 * Layered left-to-right layout: edges that close cycles are found by an iterative DFS and
 * reversed; each service goes in the column of its longest path from a source; within a
 * column services are ordered by the mean row of their neighbours (a few barycenter sweeps),
 * which keeps most edges short and uncrossed. Linear in links per sweep.
 */
export function layoutDependencies(links: readonly DependencyLink[]): GraphLayout {
  const index = new Map<string, number>();
  const names: string[] = [];
  const id = (n: string): number => {
    let i = index.get(n);
    if (i === undefined) { i = names.length; index.set(n, i); names.push(n); }
    return i;
  };
  const edges: GraphEdge[] = [];
  for (const l of links) {
    const from = id(l.parent), to = id(l.child);
    edges.push({ from, to, callCount: l.callCount, errorCount: l.errorCount ?? 0, back: from === to });
  }
  const n = names.length;
  const out: number[][] = Array.from({ length: n }, () => []);
  edges.forEach((e, k) => { if (!e.back) (out[e.from] as number[]).push(k); });

  // Mark back edges with an iterative DFS (colour 1 = on the stack).
  const colour = new Uint8Array(n);
  for (let s = 0; s < n; s++) {
    if (colour[s]) continue;
    const stack: [number, number][] = [[s, 0]];
    colour[s] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1] as [number, number];
      const list = out[top[0]] as number[];
      if (top[1] >= list.length) { colour[top[0]] = 2; stack.pop(); continue; }
      const e = edges[list[top[1]++] as number] as GraphEdge;
      if (colour[e.to] === 1) e.back = true;
      else if (colour[e.to] === 0) { colour[e.to] = 1; stack.push([e.to, 0]); }
    }
  }

  // Longest path layering over the forward edges (Kahn's order).
  const indeg = new Int32Array(n);
  for (const e of edges) if (!e.back) indeg[e.to] = (indeg[e.to] as number) + 1;
  const layer = new Int32Array(n);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q] as number;
    for (const k of out[v] as number[]) {
      const e = edges[k] as GraphEdge;
      if (e.back) continue;
      if ((layer[e.to] as number) < (layer[v] as number) + 1) layer[e.to] = (layer[v] as number) + 1;
      indeg[e.to] = (indeg[e.to] as number) - 1;
      if (indeg[e.to] === 0) queue.push(e.to);
    }
  }
  const layers: number[][] = [];
  for (let i = 0; i < n; i++) (layers[layer[i] as number] ??= []).push(i);
  for (const l of layers) l?.sort((a, b) => ((names[a] as string) < (names[b] as string) ? -1 : 1));

  const pos = new Float64Array(n);
  const place = (): void => layers.forEach((l) => l?.forEach((v, k) => { pos[v] = k; }));
  place();
  const neighbours: number[][] = Array.from({ length: n }, () => []);
  for (const e of edges) { if (e.from !== e.to) { (neighbours[e.from] as number[]).push(e.to); (neighbours[e.to] as number[]).push(e.from); } }
  for (let sweep = 0; sweep < 4; sweep++) {
    for (const l of layers) {
      if (!l) continue;
      const bary = new Map<number, number>();
      for (const v of l) {
        const nb = neighbours[v] as number[];
        bary.set(v, nb.length ? nb.reduce((s, u) => s + (pos[u] as number), 0) / nb.length : (pos[v] as number));
      }
      l.sort((a, b) => (bary.get(a) as number) - (bary.get(b) as number));
      l.forEach((v, k) => { pos[v] = k; });
    }
  }
  const tallest = Math.max(1, ...layers.map((l) => l?.length ?? 0));
  const nodes: GraphNode[] = names.map((name, i) => {
    const l = layers[layer[i] as number] as number[];
    const offset = ((tallest - l.length) * LAYOUT.row) / 2;
    return { name, layer: layer[i] as number, x: LAYOUT.margin + (layer[i] as number) * LAYOUT.column, y: LAYOUT.margin + offset + (pos[i] as number) * LAYOUT.row, calls: 0, errors: 0 };
  });
  for (const e of edges) { const t = nodes[e.to] as GraphNode; t.calls += e.callCount; t.errors += e.errorCount; }
  return {
    nodes, edges,
    width: LAYOUT.margin * 2 + Math.max(0, layers.length - 1) * LAYOUT.column + LAYOUT.nodeWidth,
    height: LAYOUT.margin * 2 + tallest * LAYOUT.row,
  };
}

/** Whether an edge is error-heavy: at least 5% of its calls failed. */
export function isErrorHeavy(e: GraphEdge): boolean {
  return e.errorCount > 0 && e.errorCount / Math.max(1, e.callCount) >= 0.05;
}
