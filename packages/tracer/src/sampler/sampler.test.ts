import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CollectorSampler } from '@skein/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomTraceId } from '../ids.js';
import { ProbabilisticSampler } from './probabilistic.js';
import { RateLimitingSampler } from './rate-limiting.js';
import { RemoteSampler, samplerFromStrategy } from './remote.js';
import { ConstSampler, ParentBasedSampler } from './sampler.js';

describe('samplers', () => {
  it('const and parent-based', () => {
    expect(new ConstSampler(true).shouldSample()).toBe(true);
    const pb = new ParentBasedSampler(new ConstSampler(false));
    expect(pb.shouldSample('a', 'op', true)).toBe(true);
    expect(pb.shouldSample('a', 'op', undefined)).toBe(false);
    expect(new ParentBasedSampler(new ConstSampler(true)).shouldSample('a', 'op', false)).toBe(false);
  });

  it('probabilistic: rate within tolerance over many ids, same id gives the same decision', () => {
    for (const rate of [0.01, 0.1, 0.5]) {
      const s = new ProbabilisticSampler(rate);
      const n = 100_000;
      let hits = 0;
      for (let i = 0; i < n; i++) {
        const id = randomTraceId(i % 2 === 0);
        const d = s.shouldSample(id);
        if (d) hits++;
        if (i % 1000 === 0) expect(new ProbabilisticSampler(rate).shouldSample(id)).toBe(d);
      }
      // binomial: 5 standard deviations
      const sd = Math.sqrt(n * rate * (1 - rate));
      expect(Math.abs(hits - n * rate)).toBeLessThan(5 * sd);
    }
    // the collector's rule: |low 64 bits as a signed long| <= rate x 2^63
    const half = new ProbabilisticSampler(0.5);
    expect(half.shouldSample('00000000000000003fffffffff000000')).toBe(true);
    expect(half.shouldSample('ffffffffffffffff4000000001000000')).toBe(false);
    expect(half.shouldSample('c000000001000000')).toBe(true);
    expect(half.shouldSample('b000000000000000')).toBe(false);
    expect(() => new ProbabilisticSampler(1.5)).toThrow(expect.objectContaining({ code: 'TRACER_INVALID_SAMPLING_RATE' }));
  });

  it("probabilistic decisions agree with the Skein collector's sample rate", () => {
    for (const rate of [0.05, 0.3, 0.9]) {
      const mine = new ProbabilisticSampler(rate);
      const collector = new CollectorSampler(rate);
      for (let i = 0; i < 5000; i++) {
        const id = randomTraceId(i % 2 === 0);
        expect(mine.shouldSample(id)).toBe(collector.isSampled(id));
      }
    }
  });

  it('rate-limiting: a token bucket refilled by the clock', () => {
    let now = 0;
    const s = new RateLimitingSampler(2, () => now);
    expect([s.shouldSample(), s.shouldSample(), s.shouldSample()]).toEqual([true, true, false]);
    now += 250;
    expect(s.shouldSample()).toBe(false);
    now += 250;
    expect(s.shouldSample()).toBe(true);
    now += 10_000;
    expect([s.shouldSample(), s.shouldSample(), s.shouldSample()]).toEqual([true, true, false]);
  });

  it('builds samplers from Jaeger strategies and rejects nonsense', () => {
    expect(samplerFromStrategy({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.25 } })).toBeInstanceOf(ProbabilisticSampler);
    expect(samplerFromStrategy({ strategyType: 1, rateLimitingSampling: { maxTracesPerSecond: 5 } })).toBeInstanceOf(RateLimitingSampler);
    const ops = samplerFromStrategy({
      strategyType: 'PROBABILISTIC',
      probabilisticSampling: { samplingRate: 0 },
      operationSampling: { defaultSamplingProbability: 0, defaultLowerBoundTracesPerSecond: 0, perOperationStrategies: [{ operation: 'GET /hot', probabilisticSampling: { samplingRate: 1 } }] },
    });
    expect(ops.shouldSample(randomTraceId(true), 'GET /hot', undefined)).toBe(true);
    expect(ops.shouldSample(randomTraceId(true), 'GET /cold', undefined)).toBe(false);
    expect(() => samplerFromStrategy({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 7 } })).toThrow();
    expect(() => samplerFromStrategy('x')).toThrow();
  });
});

describe('remote sampler against a real HTTP endpoint', () => {
  let answer: { status: number; body: string } = { status: 200, body: '' };
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sampling`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('polls GET /sampling?service=, applies the strategy, and keeps the last good one on failures', async () => {
    answer = { status: 200, body: JSON.stringify({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 1 } }) };
    const s = new RemoteSampler({ serviceName: 'front end', url, pollIntervalMs: 60_000, initial: new ConstSampler(false) });
    try {
      // the constructor's first poll may still be in flight; refresh() makes a second one we can await
      expect(await s.refresh()).toBe(true);
      expect(seen.at(-1)).toBe('/sampling?service=front+end');
      expect(s.shouldSample(randomTraceId(true), 'op', undefined)).toBe(true);
      const good = s.strategy;

      answer = { status: 500, body: 'oops' };
      expect(await s.refresh()).toBe(false);
      answer = { status: 200, body: '{not json' };
      expect(await s.refresh()).toBe(false);
      answer = { status: 200, body: JSON.stringify({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: -1 } }) };
      expect(await s.refresh()).toBe(false);
      expect(s.strategy).toBe(good);
      expect(s.stats.lastError).toMatch(/samplingRate/);

      answer = { status: 200, body: JSON.stringify({ strategyType: 'RATE_LIMITING', rateLimitingSampling: { maxTracesPerSecond: 1 } }) };
      expect(await s.refresh()).toBe(true);
      expect(s.strategy).toBeInstanceOf(RateLimitingSampler);
    } finally {
      s.close();
    }
  });

  it('keeps the initial strategy while the endpoint is down', async () => {
    const s = new RemoteSampler({ serviceName: 'x', url: 'http://127.0.0.1:1/sampling', initial: new ConstSampler(true), timeoutMs: 500 });
    try {
      expect(await s.refresh()).toBe(false);
      expect(s.shouldSample('a', 'b', undefined)).toBe(true);
    } finally {
      s.close();
    }
  });
});
