import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracer, instrumentHttp, suppressTracing } from '../index.js';
import { CollectingReporter } from '../test-support/collect.js';

const reporter = new CollectingReporter();
const tracer = createTracer({ serviceName: 'api', reporter });
let uninstrument: () => void;
let front: http.Server;
let back: http.Server;
let frontUrl = '';
let backUrl = '';

function listen(s: http.Server): Promise<string> {
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
}

function getText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  uninstrument = instrumentHttp(tracer);
  back = http.createServer((req, res) => {
    const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('d') ?? 0);
    setTimeout(() => {
      if (req.url?.startsWith('/fail')) res.writeHead(503).end('down');
      else res.end(JSON.stringify({ trace: tracer.activeSpan()?.ctx.traceId }));
    }, delay);
  });
  const work = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const i = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('i') ?? 0);
    const mine = tracer.activeSpan();
    await sleep(i % 7);
    const [viaFetch, viaHttp] = await Promise.all([
      fetch(`${backUrl}/a?d=${i % 5}`).then((r) => r.json() as Promise<{ trace: string }>),
      getText(`${backUrl}/b?d=${(i * 3) % 4}`).then((r) => JSON.parse(r.body) as { trace: string }),
    ]);
    await new Promise((r) => setTimeout(r, i % 3));
    res.end(JSON.stringify({ same: tracer.activeSpan() === mine, trace: mine?.ctx.traceId, down: [viaFetch.trace, viaHttp.trace] }));
  };
  front = http.createServer();
  front.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url?.startsWith('/throw')) {
      res.on('finish', () => {});
      setImmediate(() => res.writeHead(500).end());
      throw new Error('handler blew up');
    }
    void work(req, res);
  });
  backUrl = await listen(back);
  frontUrl = await listen(front);
});

afterAll(async () => {
  uninstrument();
  await Promise.all([front, back].map((s) => new Promise((r) => {
    s.close(r);
    s.closeAllConnections();
  })));
});

const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');

describe('instrumentHttp with many interleaved real requests', () => {
  it('gives every hop the right trace and parent, and never leaks context between requests', async () => {
    reporter.spans.length = 0;
    const n = 120;
    const traceIds = Array.from({ length: n }, (_, i) => 'a'.repeat(16) + hex(i + 1, 16));
    const callerIds = Array.from({ length: n }, (_, i) => hex(0xc000 + i, 16));
    const answers = await suppressTracing(() =>
      Promise.all(
        traceIds.map((t, i) =>
          fetch(`${frontUrl}/work?i=${i}`, { headers: { traceparent: `00-${t}-${callerIds[i]}-01` } }).then((r) => r.json() as Promise<{ same: boolean; trace: string; down: string[] }>),
        ),
      ),
    );
    answers.forEach((a, i) => {
      expect(a.same).toBe(true);
      expect(a.trace).toBe(traceIds[i]);
      expect(a.down).toEqual([traceIds[i], traceIds[i]]);
    });
    await sleep(50);
    expect(reporter.spans).toHaveLength(n * 5);
    traceIds.forEach((t, i) => {
      const spans = reporter.spans.filter((s) => s.traceId === t);
      expect(spans).toHaveLength(5);
      const servers = spans.filter((s) => s.kind === 'SERVER');
      const clients = spans.filter((s) => s.kind === 'CLIENT');
      const frontSpan = servers.find((s) => s.tags?.['http.path'] === '/work');
      expect(frontSpan?.parentId).toBe(callerIds[i]);
      expect(clients).toHaveLength(2);
      for (const c of clients) {
        expect(c.parentId).toBe(frontSpan?.id);
        const child = servers.find((s) => s.parentId === c.id);
        expect(child?.tags?.['http.path']).toBe(c.tags?.['http.path']);
        expect(c.tags?.['http.status_code']).toBe('200');
        // the client span encloses the server span it caused
        expect(c.timestamp ?? 0).toBeLessThanOrEqual(child?.timestamp ?? 0);
      }
      expect(frontSpan?.tags, JSON.stringify(frontSpan)).toMatchObject({ 'http.method': 'GET', 'http.status_code': '200' });
      expect(frontSpan?.remoteEndpoint?.ipv4).toBe('127.0.0.1');
    });
  });

  it('marks 5xx answers, handler exceptions and refused connections as errors', async () => {
    reporter.spans.length = 0;
    const root = tracer.startSpan('errors');
    await tracer.withSpan(root, async () => {
      expect((await fetch(`${backUrl}/fail`)).status).toBe(503);
      expect((await getText(`${backUrl}/fail`)).status).toBe(503);
      await expect(fetch('http://127.0.0.1:1/nothing')).rejects.toThrow();
      await expect(getText('http://127.0.0.1:1/nothing')).rejects.toThrow();
    });
    root.finish();
    // a synchronous throw from a 'request' listener is caught by the instrumentation, recorded, and rethrown
    const emitted = new Promise((r) => process.once('uncaughtException', r));
    await suppressTracing(() => getText(`${frontUrl}/throw`).catch(() => undefined));
    expect(await emitted).toMatchObject({ message: 'handler blew up' });
    await sleep(50);
    const clients = reporter.spans.filter((s) => s.kind === 'CLIENT');
    expect(clients.filter((s) => s.tags?.error === '503')).toHaveLength(2);
    expect(clients.filter((s) => s.tags?.error !== undefined && s.tags.error !== '503').length).toBeGreaterThanOrEqual(1);
    expect(reporter.spans.filter((s) => s.kind === 'SERVER' && s.tags?.error === '503')).toHaveLength(2);
    const thrown = reporter.spans.find((s) => s.kind === 'SERVER' && s.tags?.['http.path'] === '/throw');
    expect(thrown?.tags?.error).toBe('handler blew up');
  });

  it('does not trace calls made with tracing suppressed (as the reporter makes them)', async () => {
    reporter.spans.length = 0;
    await suppressTracing(() => fetch(`${backUrl}/a`).then((r) => r.text()));
    await sleep(20);
    expect(reporter.spans.filter((s) => s.kind === 'CLIENT')).toHaveLength(0);
  });
});
