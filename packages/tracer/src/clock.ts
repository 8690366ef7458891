import { performance } from 'node:perf_hooks';

const origin = performance.timeOrigin;

/** Epoch microseconds from the monotonic clock (no Date objects). */
export function nowMicros(): number {
  return Math.round((origin + performance.now()) * 1000);
}

/** Converts epoch milliseconds (the OpenTracing time unit, may be fractional) to microseconds. */
export function millisToMicros(ms: number): number {
  return Math.round(ms * 1000);
}
