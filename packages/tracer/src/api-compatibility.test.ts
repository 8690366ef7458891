import { createRequire } from 'node:module';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SkeinTracer } from './index.js';

// opentracing ships its API compatibility suite written for mocha + chai: it calls the globals
// describe/it/beforeEach. Vitest provides the same functions, so they are exposed as globals for
// this one file and the shipped suite (CommonJS) runs unmodified.
const g = globalThis as Record<string, unknown>;
g.describe = describe;
g.it = it;
g.beforeEach = beforeEach;

const require = createRequire(import.meta.url);
const apiCompatibilityChecks = (require('opentracing/lib/test/api_compatibility.js') as { default: (make: () => unknown, opts?: object) => void }).default;

const tracers: SkeinTracer[] = [];
const spans: unknown[] = [];

apiCompatibilityChecks(() => {
  const t = new SkeinTracer({ serviceName: 'compat', reporter: { report: (s) => spans.push(s) } });
  tracers.push(t);
  return t;
}, { skipBaggageChecks: false, skipInjectExtractChecks: false });

describe('compatibility suite ran', () => {
  it('created a tracer per test and recorded spans', () => {
    expect(tracers.length).toBeGreaterThanOrEqual(8);
    expect(spans.length).toBeGreaterThan(0);
  });
});

afterAll(async () => {
  await Promise.all(tracers.map((t) => t.close()));
});
