export type { Annotation, DependencyLink, Endpoint, Span, SpanKind } from './span.js';
export { SPAN_KINDS } from './span.js';
export { CodecError, ERROR_CODES, quote, SkeinError, SpanValidationError } from './errors.js';
export type { ErrorCode } from './errors.js';
export { isLowerHex, lowTraceId, normalizeParentId, normalizeSpanId, normalizeTraceId } from './ids.js';
export { normalizeSpan, normalizeSpans } from './normalize.js';
export { normalizeEndpoint } from './endpoint.js';
export { normalizeAnnotations } from './annotations.js';
export { normalizeTags, setTag } from './tags.js';
export { isIpv4, parseIp } from './ip.js';
export { isRecord, micros, typeError, typeName, wholeNumber } from './fields.js';
export type { ParsedIp } from './ip.js';
export { DependencyLinker, linkDependencies, mergeDependencyLinks, subtractDependencyLinks } from './dependency-linker.js';
export {
  adjustForSkew, buildSpanTree, cleanSpanForView, compareTraces, correctClockSkewInPlace, criticalPath, getClockSkew,
  isErrorSpan, mergeSharedSpans, mergeSpanPieces, normalizeTraceIdForView, revealNode, sameHost, serviceOf,
  summarizeTrace, visibleRows,
} from './trace/index.js';
export type {
  BuildOptions, ClockSkew, CompareRow, CriticalPath, CriticalSegment, ServiceSummary, SpanTree, TraceComparison,
  TraceSummary, TreeProblem, TreeProblemCode,
} from './trace/index.js';
