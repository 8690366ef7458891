import { createServer, makeConfig, type SkeinServer } from '@skein/server';
import type { Span } from '@skein/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracer } from '../index.js';

let server: SkeinServer;
let url = '';

beforeAll(async () => {
  server = await createServer(makeConfig({ port: 0, host: '127.0.0.1' }), { uiDir: null });
  url = await server.listen();
});
afterAll(() => server.close());

describe('reporting to a real skein server', () => {
  it('spans come back through the query API as they were recorded', async () => {
    const tracer = createTracer({ serviceName: 'Checkout', reporter: { endpoint: `${url}/api/v2/spans` }, tags: { env: 'test' } });
    const root = tracer.startSpan('place-order', { tags: { 'span.kind': 'server', 'http.path': '/order' } });
    const call = tracer.startSpan('charge', { childOf: root, tags: { 'span.kind': 'client', 'peer.service': 'payments', 'peer.port': 443 } });
    call.log({ event: 'retry' });
    call.log({ event: 'error', message: 'card declined' });
    call.finish();
    root.finish();
    await tracer.close();
    expect(tracer.counters).toEqual({ reported: 2, dropped: 0, failed: 0, queued: 0 });

    const res = await fetch(`${url}/api/v2/trace/${root.ctx.traceId}`);
    expect(res.status).toBe(200);
    const spans = (await res.json()) as Span[];
    expect(spans).toHaveLength(2);
    const r = spans.find((s) => s.id === root.ctx.spanId);
    const c = spans.find((s) => s.id === call.ctx.spanId);
    expect(r).toMatchObject({ name: 'place-order', kind: 'SERVER', localEndpoint: { serviceName: 'checkout' }, tags: { env: 'test', 'http.path': '/order' } });
    expect(r?.parentId).toBeUndefined();
    expect(c).toMatchObject({
      parentId: root.ctx.spanId,
      kind: 'CLIENT',
      remoteEndpoint: { serviceName: 'payments', port: 443 },
      tags: { env: 'test', error: 'card declined' },
    });
    expect(c?.annotations?.map((a) => a.value)).toEqual(['retry', 'error']);
    expect(c?.timestamp).toBeGreaterThanOrEqual(r?.timestamp ?? Infinity);
    const services = (await (await fetch(`${url}/api/v2/services`)).json()) as string[];
    expect(services).toContain('checkout');
  });

  it('OTLP/HTTP JSON and protobuf reach the server too (/v1/traces)', async () => {
    for (const encoding of ['otlp-json', 'otlp-proto'] as const) {
      const tracer = createTracer({ serviceName: `otlp-${encoding}`, reporter: { endpoint: `${url}/v1/traces`, encoding } });
      const root = tracer.startSpan('root', { tags: { 'span.kind': 'server' } });
      tracer.startSpan('child', { childOf: root, tags: { 'span.kind': 'client', 'peer.service': 'db' } }).finish();
      root.finish();
      await tracer.close();
      expect(tracer.counters).toEqual({ reported: 2, dropped: 0, failed: 0, queued: 0 });
      const spans = (await (await fetch(`${url}/api/v2/trace/${root.ctx.traceId}`)).json()) as Span[];
      expect(spans.map((s) => [s.name, s.kind, s.parentId ?? null, s.localEndpoint?.serviceName]).sort()).toEqual([
        ['child', 'CLIENT', root.ctx.spanId, `otlp-${encoding}`],
        ['root', 'SERVER', null, `otlp-${encoding}`],
      ]);
    }
  });
});
