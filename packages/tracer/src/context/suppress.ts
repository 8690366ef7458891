import { AsyncLocalStorage } from 'node:async_hooks';

const suppressed = new AsyncLocalStorage<boolean>();

/** Runs fn with tracing instrumentation switched off (for the tracer's own network calls). */
export function suppressTracing<T>(fn: () => T): T {
  return suppressed.run(true, fn);
}

/** True inside suppressTracing(). */
export function isTracingSuppressed(): boolean {
  return suppressed.getStore() === true;
}
