import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ConstSampler, createTracer, instrumentHttp, RemoteSampler } from '../index.js';
import { Recorder } from '../test-support/recorder.js';

const closers: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

describe('the tracer never traces its own requests', () => {
  it('reporter posts and remote-sampler polls make no spans, while app calls do', async () => {
    const rec = await new Recorder().start();
    closers.push(() => rec.close());
    const sampling = http.createServer((_req, res) => res.end(JSON.stringify({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 1 } })));
    await new Promise<void>((r) => sampling.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => sampling.close(r)));
    const sampler = new RemoteSampler({ serviceName: 'self', url: `http://127.0.0.1:${(sampling.address() as AddressInfo).port}/sampling`, initial: new ConstSampler(true) });
    const tracer = createTracer({ serviceName: 'self', sampler, reporter: { endpoint: rec.url, flushIntervalMs: 20 } });
    const undo = instrumentHttp(tracer);
    closers.push(undo);
    await sampler.refresh();
    // an application call (traced) to the sampling server, and several reporter flushes
    await tracer.startActiveSpan('app', () => fetch(`http://127.0.0.1:${(sampling.address() as AddressInfo).port}/app`).then((r) => r.text()));
    await new Promise((r) => setTimeout(r, 150));
    await tracer.close();
    const bodies = rec.bodies.flat() as Array<{ kind?: string; tags?: Record<string, string> }>;
    const paths = bodies.filter((s) => s.kind !== undefined).map((s) => `${s.kind} ${s.tags?.['http.path']}`);
    expect(paths.sort()).toEqual(['CLIENT /app', 'SERVER /app']);
    expect(rec.requests).toBeGreaterThanOrEqual(1);
    expect(sampler.stats.polls).toBeGreaterThanOrEqual(2);
  });
});
