export type { Annotation, DependencyLink, Endpoint, Span, SpanKind } from './span.js';
export { SPAN_KINDS } from './span.js';
export { DependencyLinker, linkDependencies, mergeDependencyLinks } from './dependency-linker.js';
export {
  adjustForSkew, buildSpanTree, cleanSpanForView, compareTraces, correctClockSkewInPlace, criticalPath, getClockSkew,
  isErrorSpan, mergeSharedSpans, mergeSpanPieces, normalizeTraceIdForView, revealNode, sameHost, serviceOf,
  summarizeTrace, visibleRows,
} from './trace/index.js';
export type {
  BuildOptions, ClockSkew, CompareRow, CriticalPath, CriticalSegment, ServiceSummary, SpanTree, TraceComparison,
  TraceSummary, TreeProblem, TreeProblemCode,
} from './trace/index.js';
