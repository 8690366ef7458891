import type { Sampler } from './sampler.js';

const TWO_64 = 18446744073709551616;

function checkRate(rate: number): number {
  if (!(rate >= 0 && rate <= 1)) {
    throw Object.assign(new Error(`sampling rate must be between 0 and 1, got ${rate}`), { code: 'TRACER_INVALID_SAMPLING_RATE' });
  }
  return rate;
}

/**
 * Samples a fraction of traces, decided from the low 64 bits of the trace id (as the Skein
 * collector's sample rate does), so every service makes the same decision for a trace.
 */
export class ProbabilisticSampler implements Sampler {
  /** The fraction sampled, 0..1. */
  readonly rate: number;
  private readonly boundary: number;

  constructor(rate: number) {
    this.rate = checkRate(rate);
    this.boundary = rate * TWO_64;
  }

  shouldSample(traceId: string): boolean {
    if (this.rate >= 1) return true;
    if (this.rate <= 0) return false;
    const low = parseInt(traceId.substring(traceId.length - 16), 16);
    return low < this.boundary;
  }
}
