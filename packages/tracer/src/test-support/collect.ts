import type { Span } from '@skein/model';
import type { Reporter } from '../reporter/reporter.js';

/** A reporter that keeps spans in memory (for tests). */
export class CollectingReporter implements Reporter {
  readonly spans: Span[] = [];

  report(span: Span): void {
    this.spans.push(span);
  }

  /** The span with this name; throws when there is not exactly one. */
  one(name: string): Span {
    const found = this.spans.filter((s) => s.name === name);
    if (found.length !== 1) throw new Error(`expected one span named ${name}, found ${found.length}`);
    return found[0] as Span;
  }
}
