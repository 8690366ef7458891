import type { Span } from '../span.js';
import { isErrorSpan, serviceOf } from './errors.js';
import type { SpanTree } from './span-tree.js';

/** Per-service figures within one trace. */
export interface ServiceSummary {
  name: string;
  spanCount: number;
  errorCount: number;
}

/** The header figures of a trace. */
export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootName: string;
  /** Epoch microseconds. */
  start: number;
  end: number;
  duration: number;
  spanCount: number;
  depth: number;
  errorCount: number;
  services: ServiceSummary[];
}

/** Summarizes a built tree: duration, services (most spans first), depth, span and error counts. */
export function summarizeTrace(tree: SpanTree): TraceSummary {
  const n = tree.spans.length;
  let start = Infinity, end = -Infinity, depth = 0, errors = 0;
  const services = new Map<string, ServiceSummary>();
  for (let i = 0; i < n; i++) {
    const s = tree.spans[i] as Span;
    if ((tree.start[i] as number) < start) start = tree.start[i] as number;
    if ((tree.end[i] as number) > end) end = tree.end[i] as number;
    if ((tree.depth[i] as number) + 1 > depth) depth = (tree.depth[i] as number) + 1;
    const name = serviceOf(s);
    let svc = services.get(name);
    if (!svc) { svc = { name, spanCount: 0, errorCount: 0 }; services.set(name, svc); }
    svc.spanCount++;
    if (isErrorSpan(s)) { svc.errorCount++; errors++; }
  }
  const root = tree.roots.length > 0 ? tree.spans[tree.roots[0] as number] : undefined;
  if (n === 0) { start = 0; end = 0; }
  return {
    traceId: tree.traceId,
    rootService: root ? serviceOf(root) : 'unknown',
    rootName: root?.name ?? '',
    start, end, duration: end - start, spanCount: n, depth, errorCount: errors,
    services: [...services.values()].sort((a, b) => b.spanCount - a.spanCount || (a.name < b.name ? -1 : 1)),
  };
}
