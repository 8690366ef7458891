import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OTLP_JSON, OTLP_PROTO } from '@skein/codec';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchReporter, createTracer, type BatchReporterOptions, type ReporterCounters } from '../index.js';
import { Recorder, type Behavior } from '../test-support/recorder.js';

const recorders: Recorder[] = [];
afterEach(async () => {
  await Promise.all(recorders.splice(0).map((r) => r.close()));
});

async function setup(script: Behavior[], opts: BatchReporterOptions = {}) {
  const rec = await new Recorder().start();
  recorders.push(rec);
  rec.script = script;
  const warnings: string[] = [];
  const tracer = createTracer({
    serviceName: 'reporter-test',
    reporter: { endpoint: rec.url, flushIntervalMs: 50, backoffMs: 20, maxBackoffMs: 200, timeoutMs: 1000, logger: { warn: (m) => warnings.push(m) }, ...opts },
  });
  const ids: string[] = [];
  const finish = (n: number) => {
    for (let i = 0; i < n; i++) {
      const s = tracer.startSpan(`op-${i}`);
      ids.push(s.ctx.spanId);
      s.finish();
    }
  };
  return { rec, tracer, ids, finish, warnings };
}

function expectAccounted(c: ReporterCounters, total: number): void {
  expect(c.reported + c.dropped + c.failed).toBe(total);
  expect(c.queued).toBe(0);
}

function expectOnce(accepted: string[], ids: string[]): void {
  expect(new Set(accepted).size).toBe(accepted.length);
  expect([...accepted].sort()).toEqual([...ids].sort());
}

describe('BatchReporter over HTTP to a real backend', () => {
  it('sends Zipkin JSON v2 in batches of batchSize and close() delivers the rest', async () => {
    const { rec, tracer, ids, finish } = await setup([], { batchSize: 100 });
    finish(250);
    await tracer.close();
    expectOnce(rec.accepted, ids);
    expect(rec.requests).toBe(3);
    expect(rec.contentTypes[0]).toBe('application/json');
    expect((rec.bodies[0] as Array<{ localEndpoint: { serviceName: string } }>)[0]?.localEndpoint.serviceName).toBe('reporter-test');
    expect(tracer.counters).toEqual({ reported: 250, dropped: 0, failed: 0, queued: 0 });
  });

  it('sends a partial batch after flushIntervalMs', async () => {
    const { rec, tracer, ids, finish } = await setup([], { flushIntervalMs: 30 });
    finish(3);
    await new Promise((r) => setTimeout(r, 300));
    expectOnce(rec.accepted, ids);
    await tracer.close();
  });

  it('retries 500 and 503 and connection resets, delivering each span exactly once', async () => {
    const { rec, tracer, ids, finish } = await setup(['500', 'reset', '503', 'reset'], { batchSize: 10 });
    finish(30);
    await tracer.close();
    expectOnce(rec.accepted, ids);
    expect(rec.requests).toBe(3 + 4);
    expect(tracer.counters).toMatchObject({ reported: 30, failed: 0, dropped: 0 });
  });

  it('waits for Retry-After on 429', async () => {
    const { rec, tracer, ids, finish } = await setup([{ status: 429, retryAfter: '1' }]);
    finish(5);
    await tracer.close();
    expectOnce(rec.accepted, ids);
    expect(rec.requests).toBe(2);
    expect((rec.arrivals[1] ?? 0) - (rec.arrivals[0] ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('does not retry other 4xx: the spans are counted as failed and logged', async () => {
    const { rec, tracer, finish, warnings } = await setup(['400']);
    finish(7);
    await tracer.close();
    expect(rec.requests).toBe(1);
    expect(rec.accepted).toHaveLength(0);
    expect(tracer.counters).toEqual({ reported: 0, dropped: 0, failed: 7, queued: 0 });
    expect(warnings.join('\n')).toMatch(/7 failed to send .*answered 400/);
  });

  it('a slow backend within the timeout gets everything once', async () => {
    const { rec, tracer, ids, finish } = await setup([{ slowMs: 300 }, { slowMs: 300 }], { batchSize: 5 });
    finish(12);
    await tracer.close();
    expectOnce(rec.accepted, ids);
    expectAccounted(tracer.counters, 12);
  });

  it('a backend slower than the timeout: nothing is lost uncounted', async () => {
    const { rec, tracer, ids, finish } = await setup([{ slowMs: 1500 }, { slowMs: 1500 }], { timeoutMs: 200, maxRetries: 1 });
    finish(4);
    await tracer.close();
    expectAccounted(tracer.counters, 4);
    expect(tracer.counters.failed).toBe(4);
    expect(rec.accepted.every((id) => ids.includes(id))).toBe(true);
  });

  it('a backend that is down: retries, then counts the spans as failed; close() still resolves', async () => {
    const { tracer, finish, warnings } = await setup([], { endpoint: 'http://127.0.0.1:1/api/v2/spans', maxRetries: 2 });
    finish(9);
    await tracer.close();
    expect(tracer.counters).toEqual({ reported: 0, dropped: 0, failed: 9, queued: 0 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/ECONNREFUSED|failed/);
  });

  it('a full queue drops the newest spans, counts them, and logs at most once a minute', async () => {
    const { rec, tracer, ids, finish, warnings } = await setup([{ slowMs: 200 }], { maxQueueSize: 10, batchSize: 10 });
    finish(10);
    await new Promise((r) => setTimeout(r, 50)); // the first batch is in flight and still counts against the bound
    finish(25);
    expect(tracer.counters).toMatchObject({ dropped: 25, queued: 10 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/1 dropped/);
    await tracer.close();
    expectOnce(rec.accepted, ids.slice(0, 10));
    expectAccounted(tracer.counters, 35);
    expect(warnings).toHaveLength(2); // close() reports what was not yet logged
    finish(1);
    expect(tracer.counters.dropped).toBe(26);
  });

  it('validates its options with a stable code', () => {
    expect(() => new BatchReporter({ batchSize: -1 })).toThrow(expect.objectContaining({ code: 'TRACER_INVALID_OPTION' }));
    expect(() => new BatchReporter({ endpoint: 'not a url' })).toThrow(/not a URL/);
  });

  it('sends OTLP JSON and protobuf that decode back to the same spans', async () => {
    for (const encoding of ['otlp-json', 'otlp-proto'] as const) {
      const { rec, tracer, finish, ids } = await setup([], { encoding });
      finish(2);
      await tracer.close();
      expect(rec.requests).toBe(1);
      expect(rec.contentTypes[0]).toBe(encoding === 'otlp-json' ? 'application/json' : 'application/x-protobuf');
      const raw = encoding === 'otlp-json' ? Buffer.from(JSON.stringify(rec.bodies[0])) : (rec.bodies[0] as Buffer);
      const spans = (encoding === 'otlp-json' ? OTLP_JSON : OTLP_PROTO).decode(new Uint8Array(raw));
      expect(spans.map((s) => s.id).sort()).toEqual([...ids].sort());
      expect(spans.every((s) => s.localEndpoint?.serviceName === 'reporter-test' && s.name?.startsWith('op-'))).toBe(true);
    }
  });

  it('a process that calls close() before exiting delivers what it queued', async () => {
    const rec = await new Recorder().start();
    recorders.push(rec);
    rec.script = [{ slowMs: 200 }, '503'];
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../test-support/exit-app.ts', import.meta.url)), rec.url], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
    const { ids, counters } = JSON.parse(out) as { ids: string[]; counters: ReporterCounters };
    expect(ids).toHaveLength(500);
    expectOnce(rec.accepted, ids);
    expect(counters).toEqual({ reported: 500, dropped: 0, failed: 0, queued: 0 });
  });
});
