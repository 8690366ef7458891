import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Span } from '@skein/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zipkin from 'zipkin';
import { HttpLogger } from 'zipkin-transport-http';
import { makeConfig } from '../config.js';
import { createServer, type SkeinServer } from '../server.js';

// zipkin-js (npm `zipkin` + `zipkin-transport-http`), the real library, reports a real HTTP
// exchange between two instrumented services to a running Skein, in its default format (JSON v1
// to /api/v1/spans) and in JSON v2; the spans are read back through the v2 query API.
const { BatchRecorder, ExplicitContext, Instrumentation, Tracer, jsonEncoder, option } = zipkin;

let skein: SkeinServer;
let skeinUrl: string;
let backend: Server;
let backendUrl: string;
const transportErrors: string[] = [];

function tracerFor(serviceName: string, path: string, encoder: zipkin.JsonEncoder): Tracer {
  const logger = new HttpLogger({
    endpoint: `${skeinUrl}${path}`,
    jsonEncoder: encoder,
    httpInterval: 20,
    log: { error: (m: unknown) => transportErrors.push(String(m)) },
  });
  return new Tracer({ ctxImpl: new ExplicitContext(), recorder: new BatchRecorder({ logger }), localServiceName: serviceName });
}
type Tracer = zipkin.Tracer;

let backendTracer: Tracer;
let frontendTracer: Tracer;

async function poll<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`spans never arrived; transport errors: ${transportErrors.join('; ')}`);
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(skeinUrl + path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

beforeAll(async () => {
  backend = createHttpServer((req, res) => {
    const server = new Instrumentation.HttpServer({ tracer: backendTracer, port: (backend.address() as AddressInfo).port });
    const readHeader = <T>(name: string): zipkin.option.IOption<T> => {
      const value = req.headers[name.toLowerCase()];
      return typeof value === 'string' ? new option.Some(value as T) : option.None;
    };
    backendTracer.scoped(() => {
      const id = server.recordRequest(req.method ?? 'GET', `http://localhost${req.url ?? '/'}`, readHeader);
      backendTracer.recordBinary('stock.level', 'low');
      setTimeout(() => {
        res.writeHead(201, { 'content-type': 'text/plain' }).end('ok');
        backendTracer.letId(id, () => server.recordResponse(id, '201'));
      }, 15);
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => backend.close(resolve));
});

/** The frontend calls the backend inside a local root span, all recorded by zipkin-js. */
async function exchange(): Promise<string> {
  const client = new Instrumentation.HttpClient({ tracer: frontendTracer, remoteServiceName: 'inventory' });
  return frontendTracer.local('checkout', () => {
    const traceId = frontendTracer.id.traceId;
    return new Promise<string>((resolve, reject) => {
      frontendTracer.scoped(() => {
        const request = client.recordRequest({ method: 'GET', headers: {} as Record<string, string> }, `${backendUrl}/api/items/42`, 'GET');
        const childId = frontendTracer.id;
        fetch(`${backendUrl}/api/items/42`, request)
          .then(async (res) => {
            await res.text();
            frontendTracer.letId(childId, () => client.recordResponse(childId, String(res.status)));
            resolve(traceId);
          })
          .catch(reject);
      });
    });
  });
}

describe.each([
  ['JSON v1 (the default)', '/api/v1/spans', jsonEncoder.JSON_V1],
  ['JSON v2', '/api/v2/spans', jsonEncoder.JSON_V2],
])('zipkin-js reporting %s over HTTP to %s', (format, path, encoder) => {
  let traceId: string;
  let trace: Span[];
  const started = Date.now() * 1000;
  let ended: number;

  beforeAll(async () => {
    skein = await createServer(makeConfig({ port: 0, host: '127.0.0.1' }), { uiDir: null });
    skeinUrl = await skein.listen();
    backendTracer = tracerFor('inventory', path, encoder);
    frontendTracer = tracerFor('Storefront', path, encoder); // Skein lower-cases service names, as Zipkin does
    traceId = await exchange();
    ended = Date.now() * 1000;
    trace = await poll(async () => {
      const res = await fetch(`${skeinUrl}/api/v2/trace/${traceId}`);
      if (res.status !== 200) return undefined;
      const spans = (await res.json()) as Span[];
      return spans.length >= 3 ? spans : undefined;
    });
  });

  afterAll(async () => {
    await skein.close();
  });

  it('stores the local root, the client and the server span of the exchange', () => {
    expect(transportErrors).toEqual([]);
    const local = trace.find((s) => s.name === 'checkout');
    const client = trace.find((s) => s.kind === 'CLIENT');
    const server = trace.find((s) => s.kind === 'SERVER');
    expect(trace).toHaveLength(3);
    expect(local).toMatchObject({ traceId });
    if (format === 'JSON v2') {
      expect(local?.localEndpoint).toEqual({ serviceName: 'storefront' });
    } else {
      // zipkin-js writes a local span in v1 without any endpoint (no "lc"), so, as in Zipkin, it has none
      expect(local?.localEndpoint).toBeUndefined();
    }
    expect(local?.kind).toBeUndefined();
    expect(local?.parentId).toBeUndefined();
    expect(client).toMatchObject({
      traceId,
      parentId: local?.id,
      name: 'get',
      localEndpoint: { serviceName: 'storefront' },
      remoteEndpoint: { serviceName: 'inventory' },
      tags: { 'http.path': '/api/items/42', 'http.status_code': '201' },
    });
    // B3 shares the span id between client and server: the server side is the "shared" half
    expect(server).toMatchObject({
      traceId,
      id: client?.id,
      parentId: local?.id,
      name: 'get',
      shared: true,
      localEndpoint: { serviceName: 'inventory', port: (backend.address() as AddressInfo).port },
      tags: { 'http.path': '/api/items/42', 'http.status_code': '201', 'stock.level': 'low' },
    });
  });

  it('keeps the timing: server inside client inside local root, all within the test', () => {
    const byKind = (kind?: string) => trace.find((s) => s.kind === kind) as Required<Pick<Span, 'timestamp' | 'duration'>>;
    const local = byKind(undefined);
    const client = byKind('CLIENT');
    const server = byKind('SERVER');
    for (const s of [local, client, server]) {
      expect(s.timestamp).toBeGreaterThanOrEqual(started - 1000);
      expect(s.timestamp + s.duration).toBeLessThanOrEqual(ended + 1000);
      expect(s.duration).toBeGreaterThan(0);
    }
    // the backend waits 15 ms before answering
    expect(server.duration).toBeGreaterThanOrEqual(14_000);
    // client and server come from two zipkin-js tracers, each with its own clock: Date.now() (whole ms) at
    // construction plus hrtime since, so the two sides may disagree by up to 1 ms, like two hosts' clocks
    const skew = 1000;
    expect(client.timestamp).toBeLessThanOrEqual(server.timestamp + skew);
    expect(server.timestamp + server.duration).toBeLessThanOrEqual(client.timestamp + client.duration + skew);
    // the server's 15 ms fit inside the client's span whatever the skew
    expect(client.duration).toBeGreaterThanOrEqual(server.duration);
    expect(local.timestamp).toBeLessThanOrEqual(client.timestamp);
  });

  it('finds the trace by search and lists its names', async () => {
    const found = await getJson<Span[][]>(`/api/v2/traces?serviceName=inventory&annotationQuery=${encodeURIComponent('stock.level=low')}`);
    expect(found.map((t) => t[0]?.traceId)).toContain(traceId);
    const byRemote = await getJson<Span[][]>('/api/v2/traces?serviceName=storefront&remoteServiceName=inventory&spanName=get');
    expect(byRemote.map((t) => t[0]?.traceId)).toContain(traceId);
    expect(await getJson<string[]>('/api/v2/services')).toEqual(expect.arrayContaining(['inventory', 'storefront']));
    expect(await getJson<string[]>('/api/v2/spans?serviceName=storefront')).toEqual(
      format === 'JSON v2' ? ['checkout', 'get'] : ['get'],
    );
    expect(await getJson<string[]>('/api/v2/remoteServices?serviceName=storefront')).toContain('inventory');
  });

  it('links the services', async () => {
    const links = await getJson<{ parent: string; child: string; callCount: number }[]>(
      `/api/v2/dependencies?endTs=${Date.now()}&lookback=600000`,
    );
    expect(links).toContainEqual({ parent: 'storefront', child: 'inventory', callCount: 1 });
  });
});
