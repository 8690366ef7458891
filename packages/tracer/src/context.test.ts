import { EventEmitter, once } from 'node:events';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createTracer } from './index.js';
import { CollectingReporter } from './test-support/collect.js';

const reporter = new CollectingReporter();
const tracer = createTracer({ serviceName: 'ctx', reporter });

describe('in-process context (AsyncLocalStorage)', () => {
  it('has no active span outside withSpan, and new spans default to the active one', () => {
    expect(tracer.activeSpan()).toBeUndefined();
    const parent = tracer.startSpan('parent');
    tracer.withSpan(parent, () => {
      expect(tracer.activeSpan()).toBe(parent);
      expect(tracer.startSpan('child').ctx.parentId).toBe(parent.ctx.spanId);
      expect(tracer.startSpan('root', { root: true }).ctx.parentId).toBeUndefined();
      expect(tracer.startSpan('root2', { childOf: null }).ctx.traceId).not.toBe(parent.ctx.traceId);
    });
    expect(tracer.activeSpan()).toBeUndefined();
  });

  it('survives await, promise chains, timers and setImmediate', async () => {
    const span = tracer.startSpan('async');
    const seen = await tracer.withSpan(span, async () => {
      const out: unknown[] = [];
      await sleep(5);
      out.push(tracer.activeSpan());
      out.push(await Promise.resolve().then(() => sleep(1)).then(() => tracer.activeSpan()));
      out.push(await new Promise((r) => setTimeout(() => r(tracer.activeSpan()), 2)));
      out.push(await new Promise((r) => setImmediate(() => r(tracer.activeSpan()))));
      out.push(await new Promise((r) => process.nextTick(() => r(tracer.activeSpan()))));
      out.push(await new Promise((r) => queueMicrotask(() => r(tracer.activeSpan()))));
      return out;
    });
    expect(seen).toEqual(Array(6).fill(span));
  });

  it('survives EventEmitters and streams', async () => {
    const span = tracer.startSpan('events');
    await tracer.withSpan(span, async () => {
      const ee = new EventEmitter();
      let inListener: unknown;
      ee.on('tick', () => (inListener = tracer.activeSpan()));
      setTimeout(() => ee.emit('tick'), 1);
      await once(ee, 'tick');
      expect(inListener).toBe(span);

      const seenInTransform: unknown[] = [];
      const upper = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          seenInTransform.push(tracer.activeSpan());
          setTimeout(() => cb(null, chunk.toString().toUpperCase()), 1);
        },
      });
      const sink = new PassThrough();
      const chunks: string[] = [];
      sink.on('data', (c: Buffer) => chunks.push(c.toString()));
      await pipeline(Readable.from(['a', 'b', 'c']), upper, sink);
      expect(chunks.join('')).toBe('ABC');
      expect(seenInTransform).toEqual([span, span, span]);
      for await (const _ of Readable.from([1, 2])) expect(tracer.activeSpan()).toBe(span);
    });
  });

  it('keeps concurrent tasks apart', async () => {
    const spans = Array.from({ length: 200 }, (_, i) => tracer.startSpan(`task-${i}`));
    const results = await Promise.all(
      spans.map((s, i) =>
        tracer.withSpan(s, async () => {
          await sleep((i * 7) % 13);
          const a = tracer.activeSpan();
          await new Promise((r) => setTimeout(r, (i * 3) % 5));
          return a === s && tracer.activeSpan() === s;
        }),
      ),
    );
    expect(results.every(Boolean)).toBe(true);
  });

  it('startActiveSpan finishes the span when fn returns or settles, and records failures', async () => {
    const v = tracer.startActiveSpan('sync', (s) => {
      expect(tracer.activeSpan()).toBe(s);
      return 42;
    });
    expect(v).toBe(42);
    expect(reporter.one('sync').duration).toBeGreaterThan(0);
    const r = await tracer.startActiveSpan('async-op', { tags: { k: 'v' } }, async (s) => {
      await sleep(2);
      tracer.startSpan('inner').finish();
      return s.ctx.spanId;
    });
    expect(reporter.one('inner').parentId).toBe(r);
    expect(reporter.one('async-op').tags).toEqual({ k: 'v' });
    await expect(tracer.startActiveSpan('boom', async () => {
      await sleep(1);
      throw new Error('kaput');
    })).rejects.toThrow('kaput');
    expect(reporter.one('boom').tags?.error).toBe('kaput');
    expect(() => tracer.startActiveSpan('sync-boom', () => { throw new Error('nope'); })).toThrow('nope');
    expect(reporter.one('sync-boom').tags?.error).toBe('nope');
  });
});
