import type { SpanTree } from './span-tree.js';

/**
 * The waterfall rows shown when the nodes flagged in `collapsed` hide their descendants:
 * pre-order positions skipping each collapsed subtree, in O(visible rows + collapsed nodes).
 */
export function visibleRows(tree: SpanTree, collapsed: Uint8Array): Int32Array {
  const n = tree.order.length;
  const out = new Int32Array(n);
  let k = 0;
  for (let j = 0; j < n;) {
    const node = tree.order[j] as number;
    out[k++] = node;
    j += collapsed[node] ? (tree.subtreeSize[node] as number) : 1;
  }
  return out.subarray(0, k);
}

/** Expands every ancestor of a node so it becomes visible; returns whether anything changed. */
export function revealNode(tree: SpanTree, collapsed: Uint8Array, node: number): boolean {
  let changed = false;
  for (let p = tree.parent[node] as number; p >= 0; p = tree.parent[p] as number) {
    if (collapsed[p]) { collapsed[p] = 0; changed = true; }
  }
  return changed;
}
