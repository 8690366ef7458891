export type { Annotation, DependencyLink, Endpoint, Span, SpanKind } from './span.js';
export { SPAN_KINDS } from './span.js';
