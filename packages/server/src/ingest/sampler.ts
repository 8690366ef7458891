import type { Span } from '@skein/model';

const MAX_LONG = (1n << 63n) - 1n;
const MIN_LONG = -(1n << 63n);

/**
 * Zipkin's CollectorSampler: keeps a trace when the low 64 bits of its id, read as a signed
 * long, have an absolute value at or under rate × Long.MAX_VALUE. The decision depends only
 * on the trace id, so every collector keeps or drops a trace whole. Debug spans are always kept.
 */
export class CollectorSampler {
  /** The sample rate, 0 to 1. */
  readonly rate: number;
  private readonly boundary: bigint;

  constructor(rate: number) {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`sample rate must be between 0 and 1, not ${rate}`);
    this.rate = rate;
    this.boundary = rate >= 1 ? MAX_LONG : BigInt(Math.floor(Number(MAX_LONG) * rate));
  }

  /** Whether the trace with this (lower-hex) id is kept. */
  isSampled(traceId: string, debug = false): boolean {
    if (debug || this.rate >= 1) return true;
    const t = BigInt.asIntN(64, BigInt(`0x${traceId.length > 16 ? traceId.slice(-16) : traceId}`));
    if (t === MIN_LONG) return this.boundary === MAX_LONG;
    return (t < 0n ? -t : t) <= this.boundary;
  }

  /** The spans that are kept (the same array when all are). */
  filter(spans: readonly Span[]): readonly Span[] {
    if (this.rate >= 1) return spans;
    const decisions = new Map<string, boolean>();
    const kept: Span[] = [];
    for (const span of spans) {
      let keep = decisions.get(span.traceId);
      if (keep === undefined) decisions.set(span.traceId, (keep = this.isSampled(span.traceId)));
      if (keep || span.debug === true) kept.push(span);
    }
    return kept.length === spans.length ? spans : kept;
  }
}
