import type { Span } from '@skein/model';
import { hash32 } from './ids.js';

/** Hash of an annotationQuery term: a bare word (value '') or key=value. */
export function termHash(key: string, value: string): number {
  return value === '' ? hash32(key) : hash32(`${key}\u0000${value}`);
}

/** The search terms a span offers: key=value and key per tag, value per annotation. */
export function spanTerms(span: Span, out: Set<number>): void {
  if (span.tags !== undefined) {
    for (const key in span.tags) {
      const value = span.tags[key] as string;
      out.add(hash32(key));
      if (value !== '') out.add(hash32(`${key}\u0000${value}`));
    }
  }
  if (span.annotations !== undefined) {
    for (const a of span.annotations) out.add(hash32(a.value));
  }
}
