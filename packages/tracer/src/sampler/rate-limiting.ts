import { performance } from 'node:perf_hooks';
import type { Sampler } from './sampler.js';

/** A token bucket: `perSecond` tokens a second, holding at most max(1, perSecond). */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perSecond >= 0) || !Number.isFinite(perSecond)) {
      throw Object.assign(new Error(`rate must be a finite number >= 0, got ${perSecond}`), { code: 'TRACER_INVALID_RATE' });
    }
    this.capacity = Math.max(1, perSecond);
    this.tokens = this.capacity;
    this.last = now();
  }

  /** Takes one token if there is one. */
  tryTake(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

/** Samples at most `maxTracesPerSecond` new traces a second (token bucket). */
export class RateLimitingSampler implements Sampler {
  private readonly bucket: TokenBucket;

  constructor(
    readonly maxTracesPerSecond: number,
    now?: () => number,
  ) {
    this.bucket = new TokenBucket(maxTracesPerSecond, now);
  }

  shouldSample(): boolean {
    return this.bucket.tryTake();
  }
}
