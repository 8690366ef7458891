import type { Sampler } from './sampler.js';

const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;
const TWO_64 = 18446744073709551616;

function checkRate(rate: number): number {
  if (!(rate >= 0 && rate <= 1)) {
    throw Object.assign(new Error(`sampling rate must be between 0 and 1, got ${rate}`), { code: 'TRACER_INVALID_SAMPLING_RATE' });
  }
  return rate;
}

/**
 * Samples a fraction of traces, decided from the trace id alone so every service makes the same
 * decision: the low 64 bits read as a signed long are kept when |value| <= rate x 2^63, the rule of
 * Zipkin's (and Skein's) collector sample rate, so a collector at a rate >= this one keeps them all.
 */
export class ProbabilisticSampler implements Sampler {
  /** The fraction sampled, 0..1. */
  readonly rate: number;
  private readonly boundary: number;

  constructor(rate: number) {
    this.rate = checkRate(rate);
    this.boundary = rate * TWO_63;
  }

  shouldSample(traceId: string): boolean {
    if (this.rate >= 1) return true;
    if (this.rate <= 0) return false;
    const n = traceId.length;
    const hi = parseInt(traceId.substring(n - 16, n - 8), 16);
    const lo = parseInt(traceId.substring(n - 8), 16);
    const unsigned = hi * TWO_32 + lo;
    const magnitude = hi >= 0x80000000 ? TWO_64 - unsigned : unsigned;
    return magnitude <= this.boundary;
  }
}
