import type { Span } from '@skein/model';
import { InMemoryStorage } from '@skein/storage';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerQueryRoutes } from './routes.js';

// Real HTTP against a Fastify server on a free port with the real memory store.
const NOW_MS = Date.now();
const MIN = 60_000;
const us = (ms: number): number => ms * 1000;

const FRONTEND = { serviceName: 'frontend', ipv4: '10.0.0.1', port: 8080 };
const BACKEND = { serviceName: 'backend', ipv4: '10.0.0.2', port: 9000 };
const DB = { serviceName: 'db' };

// A: newest, 128-bit id, frontend -> backend, GET, 200, backend span has annotation "wr".
const A = '4e441824ec2b6a44ffdc9bb9a6453df3';
const TRACE_A: Span[] = [
  { traceId: A, id: '000000000000000a', kind: 'SERVER', name: 'get /', timestamp: us(NOW_MS - 1 * MIN),
    duration: 200_000, localEndpoint: FRONTEND, tags: { 'http.method': 'GET', 'http.status_code': '200' } },
  { traceId: A, parentId: '000000000000000a', id: '000000000000000b', kind: 'CLIENT', name: 'get /api',
    timestamp: us(NOW_MS - 1 * MIN) + 1000, duration: 150_000, localEndpoint: FRONTEND, remoteEndpoint: BACKEND },
  { traceId: A, parentId: '000000000000000b', id: '000000000000000c', kind: 'SERVER', name: 'get /api',
    timestamp: us(NOW_MS - 1 * MIN) + 2000, duration: 140_000, localEndpoint: BACKEND,
    annotations: [{ timestamp: us(NOW_MS - 1 * MIN) + 3000, value: 'wr' }], tags: { 'http.method': 'GET' } },
];
// B: 10 minutes older, 64-bit id, a failed checkout; the backend calls the db.
const B = '7b1a2c3d4e5f6a7b';
const TRACE_B: Span[] = [
  { traceId: B, id: '0000000000000001', kind: 'SERVER', name: 'post /checkout', timestamp: us(NOW_MS - 10 * MIN),
    duration: 50_000, localEndpoint: FRONTEND, tags: { 'http.method': 'POST', 'http.status_code': '500', error: 'boom' } },
  { traceId: B, parentId: '0000000000000001', id: '0000000000000002', kind: 'CLIENT', name: 'insert',
    timestamp: us(NOW_MS - 10 * MIN) + 100, duration: 20_000, localEndpoint: FRONTEND, remoteEndpoint: DB },
];
// C: two hours old, only the backend.
const C = '000000000000000c';
const TRACE_C: Span[] = [
  { traceId: C, id: '00000000000000c1', name: 'cron', timestamp: us(NOW_MS - 120 * MIN), duration: 5_000,
    localEndpoint: BACKEND, tags: { 'http.method': 'GET' } },
];

let app: FastifyInstance;
let base: string;

async function startServer(spans: Span[], autocompleteKeys: string[] = []): Promise<{ app: FastifyInstance; base: string }> {
  const storage = new InMemoryStorage({ strictTraceId: true, autocompleteKeys, maxSpans: 10_000 });
  await storage.accept(spans);
  const server = Fastify({ logger: false });
  registerQueryRoutes(server, { storage, defaultLookback: 86_400_000, defaultLimit: 10, autocompleteKeys });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app: server, base: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  ({ app, base } = await startServer([...TRACE_A, ...TRACE_B, ...TRACE_C], ['http.method', 'error']));
});
afterAll(async () => {
  await app.close();
});

async function get(path: string): Promise<{ status: number; type: string; text: string; headers: Headers }> {
  const res = await fetch(base + path);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), headers: res.headers };
}

async function json<T>(path: string): Promise<T> {
  const res = await get(path);
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  expect(res.type).toBe('application/json; charset=utf-8');
  return JSON.parse(res.text) as T;
}

/** Trace ids of a /traces answer, in order. */
async function traceIds(path: string): Promise<string[]> {
  const traces = await json<Span[][]>(path);
  return traces.map((t) => t[0]?.traceId ?? '');
}

async function bad(path: string, message: string, code?: string): Promise<void> {
  const res = await get(path);
  expect({ status: res.status, text: res.text }, path).toEqual({ status: 400, text: message });
  expect(res.type).toMatch(/^text\/plain/);
  if (code) expect(res.headers.get('skein-error-code')).toBe(code);
}

const byId = (spans: Span[]): Span[] => [...spans].sort((a, b) => a.id.localeCompare(b.id));

describe('GET /api/v2/services, /remoteServices, /spans', () => {
  it('lists local service names, sorted', async () => {
    expect(await json('/api/v2/services')).toEqual(['backend', 'frontend']);
  });

  it('sets no Cache-Control with 3 services or fewer, like Zipkin', async () => {
    expect((await get('/api/v2/services')).headers.get('cache-control')).toBeNull();
    expect((await get('/api/v2/spans?serviceName=frontend')).headers.get('cache-control')).toBeNull();
  });

  it('lists remote services of a service, lower-casing the name asked for', async () => {
    expect(await json('/api/v2/remoteServices?serviceName=frontend')).toEqual(['backend', 'db']);
    expect(await json('/api/v2/remoteServices?serviceName=FrontEnd')).toEqual(['backend', 'db']);
    expect(await json('/api/v2/remoteServices?serviceName=backend')).toEqual([]);
  });

  it('lists span names of a service', async () => {
    expect(await json('/api/v2/spans?serviceName=frontend')).toEqual(['get /', 'get /api', 'insert', 'post /checkout']);
    expect(await json('/api/v2/spans?serviceName=BACKEND')).toEqual(['cron', 'get /api']);
  });

  it('answers [] for an empty or unknown service, including non-ASCII names', async () => {
    expect(await json('/api/v2/spans?serviceName=')).toEqual([]);
    expect(await json('/api/v2/remoteServices?serviceName=')).toEqual([]);
    expect(await json(`/api/v2/spans?serviceName=${encodeURIComponent('个人信息服务')}`)).toEqual([]);
    expect(await json(`/api/v2/remoteServices?serviceName=${encodeURIComponent('个人信息服务')}`)).toEqual([]);
  });

  it('needs serviceName', async () => {
    await bad('/api/v2/spans', 'Mandatory parameter/header is missing: serviceName', 'QUERY_PARAM_MISSING');
    await bad('/api/v2/remoteServices', 'Mandatory parameter/header is missing: serviceName', 'QUERY_PARAM_MISSING');
  });
});

describe('GET /api/v2/traces', () => {
  it('needs no parameters and answers newest trace first within the default lookback', async () => {
    expect(await traceIds('/api/v2/traces')).toEqual([A, B, C]);
  });

  it('answers whole traces in Zipkin v2 JSON', async () => {
    const traces = await json<Span[][]>('/api/v2/traces?serviceName=backend&spanName=get%20%2Fapi');
    expect(traces).toHaveLength(1);
    expect(byId(traces[0] ?? [])).toEqual(byId(TRACE_A));
  });

  it('filters by service, lower-casing it', async () => {
    expect(await traceIds('/api/v2/traces?serviceName=frontend')).toEqual([A, B]);
    expect(await traceIds('/api/v2/traces?serviceName=FRONTEND')).toEqual([A, B]);
    expect(await traceIds('/api/v2/traces?serviceName=nobody')).toEqual([]);
  });

  it('filters by remote service', async () => {
    expect(await traceIds('/api/v2/traces?serviceName=frontend&remoteServiceName=db')).toEqual([B]);
    expect(await traceIds('/api/v2/traces?remoteServiceName=Backend')).toEqual([A]);
  });

  it('filters by span name; "all" and empty mean any', async () => {
    expect(await traceIds('/api/v2/traces?spanName=POST%20/checkout')).toEqual([B]);
    expect(await traceIds('/api/v2/traces?serviceName=frontend&spanName=all')).toEqual([A, B]);
    expect(await traceIds('/api/v2/traces?spanName=')).toEqual([A, B, C]);
  });

  it('filters by annotationQuery: key=value, bare words, and across spans', async () => {
    expect(await traceIds('/api/v2/traces?annotationQuery=http.status_code%3D500')).toEqual([B]);
    expect(await traceIds('/api/v2/traces?annotationQuery=error')).toEqual([B]);
    expect(await traceIds('/api/v2/traces?annotationQuery=wr')).toEqual([A]);
    expect(await traceIds('/api/v2/traces?annotationQuery=http.method%3DGET')).toEqual([A, C]);
    // "wr" is on the backend span, http.status_code=200 on the frontend span of the same trace
    expect(await traceIds(`/api/v2/traces?annotationQuery=${encodeURIComponent('wr and http.status_code=200')}`)).toEqual([A]);
    expect(await traceIds(`/api/v2/traces?annotationQuery=${encodeURIComponent('wr and error')}`)).toEqual([]);
    // with a service, only that service's spans count
    expect(await traceIds('/api/v2/traces?serviceName=frontend&annotationQuery=wr')).toEqual([]);
  });

  it('filters by minDuration and maxDuration in microseconds', async () => {
    expect(await traceIds('/api/v2/traces?minDuration=100000')).toEqual([A]);
    expect(await traceIds('/api/v2/traces?minDuration=5000&maxDuration=60000')).toEqual([B, C]);
    expect(await traceIds('/api/v2/traces?minDuration=5000&maxDuration=5000')).toEqual([C]);
    expect(await traceIds('/api/v2/traces?serviceName=backend&minDuration=150000')).toEqual([]);
  });

  it('limits the answer to the newest traces', async () => {
    expect(await traceIds('/api/v2/traces?limit=1')).toEqual([A]);
    expect(await traceIds('/api/v2/traces?limit=2')).toEqual([A, B]);
    expect(await traceIds('/api/v2/traces?limit=2147483647')).toEqual([A, B, C]);
  });

  it('searches the window (endTs - lookback, endTs] in milliseconds', async () => {
    expect(await traceIds(`/api/v2/traces?lookback=${60 * MIN}`)).toEqual([A, B]);
    expect(await traceIds(`/api/v2/traces?endTs=${NOW_MS - 5 * MIN}`)).toEqual([B, C]);
    expect(await traceIds(`/api/v2/traces?endTs=${NOW_MS - 5 * MIN}&lookback=${10 * MIN}`)).toEqual([B]);
    expect(await traceIds(`/api/v2/traces?endTs=${NOW_MS - 200 * MIN}`)).toEqual([]);
    expect(await traceIds('/api/v2/traces?endTs=9223372036854775807&lookback=9223372036854775807')).toEqual([A, B, C]);
  });

  it.each([
    ['limit=0', 'limit <= 0'],
    ['limit=-1', 'limit <= 0'],
    ['endTs=0', 'endTs <= 0'],
    ['endTs=-5', 'endTs <= 0'],
    ['lookback=0', 'lookback <= 0'],
    ['minDuration=0', 'minDuration <= 0'],
    ['minDuration=10&maxDuration=5', 'maxDuration < minDuration'],
    ['maxDuration=5', 'maxDuration is only valid with minDuration'],
  ])('answers 400 for %s with Zipkin\'s message', async (query, message) => {
    await bad(`/api/v2/traces?${query}`, message, 'QUERY_PARAM_OUT_OF_RANGE');
  });

  it.each([
    ['limit=abc', 'limit must be a 32-bit integer, was "abc"'],
    ['limit=', 'limit must be a 32-bit integer, was ""'],
    ['limit', 'limit must be a 32-bit integer, was ""'],
    ['limit=2147483648', 'limit must be a 32-bit integer, was "2147483648"'],
    ['limit=1.5', 'limit must be a 32-bit integer, was "1.5"'],
    ['endTs=now', 'endTs must be a 64-bit integer, was "now"'],
    ['endTs=9223372036854775808', 'endTs must be a 64-bit integer, was "9223372036854775808"'],
    ['lookback=1e9', 'lookback must be a 64-bit integer, was "1e9"'],
    ['minDuration=%00', 'minDuration must be a 64-bit integer, was "\\u0000"'],
    ['maxDuration=%E4%B8%AA', 'maxDuration must be a 64-bit integer, was "个"'],
  ])('answers 400 for the non-integer %s', async (query, message) => {
    await bad(`/api/v2/traces?${query}`, message, 'QUERY_PARAM_NOT_INTEGER');
  });
});

describe('GET /api/v2/trace/{traceId}', () => {
  it('answers the trace in Zipkin v2 JSON', async () => {
    const spans = await json<Span[]>(`/api/v2/trace/${A}`);
    expect(byId(spans)).toEqual(byId(TRACE_A));
  });

  it('normalizes the id: padding, the 128-bit form of a 64-bit id, trailing space', async () => {
    expect(await json<Span[]>('/api/v2/trace/c')).toHaveLength(1);
    expect(await json<Span[]>(`/api/v2/trace/0000000000000000${C}`)).toHaveLength(1);
    expect(await json<Span[]>(`/api/v2/trace/${B}%20`)).toHaveLength(2);
  });

  it('does not match a 128-bit trace by its low 64 bits when strict', async () => {
    const res = await get(`/api/v2/trace/${A.slice(16)}`);
    expect(res.status).toBe(404);
  });

  it('answers 404 "<id> not found" with the normalized id', async () => {
    const res = await get('/api/v2/trace/abc');
    expect(res).toMatchObject({ status: 404, text: '0000000000000abc not found' });
    expect(res.type).toMatch(/^text\/plain/);
    expect(res.headers.get('skein-error-code')).toBe('QUERY_TRACE_NOT_FOUND');
  });

  it.each([
    ['0e8b46e1-81b'],
    ['ABCDEF0123456789'],
    ['0000000000000000'],
    ['x'.repeat(33)],
    ['a'.repeat(2000)],
    ['%00'],
    ['%00abc'.repeat(3)],
    ['..%2F..%2Fetc%2Fpasswd'],
    ['a/b'],
    ['%E2%80%8Babc'],
    ['%F0%9F%98%80'],
    ['0x1234'],
    ['-1'],
  ])('answers 400 for the malformed id %s, and keeps serving', async (id) => {
    const res = await get(`/api/v2/trace/${id}`);
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^text\/plain/);
    expect(res.headers.get('skein-error-code')).toBe('QUERY_TRACE_ID_INVALID');
    expect(res.text).toMatch(/traceId/);
    expect((await get(`/api/v2/trace/${A}`)).status).toBe(200);
  });

  it('answers 400 for an empty id', async () => {
    const res = await get('/api/v2/trace/');
    expect(res.status).toBe(400);
    expect(res.text).toBe('traceId is empty');
  });
});

describe('GET /api/v2/traceMany', () => {
  it('answers the traces that exist', async () => {
    const traces = await json<Span[][]>(`/api/v2/traceMany?traceIds=${C},${A},abcd`);
    expect(traces.map((t) => t[0]?.traceId).sort()).toEqual([C, A].sort());
    const a = traces.find((t) => t[0]?.traceId === A) ?? [];
    expect(byId(a)).toEqual(byId(TRACE_A));
  });

  it('answers [] when none exist', async () => {
    expect(await json('/api/v2/traceMany?traceIds=abcd,abce')).toEqual([]);
  });

  it('needs at least two distinct, valid ids (Zipkin\'s messages)', async () => {
    await bad('/api/v2/traceMany', 'Mandatory parameter/header is missing: traceIds', 'QUERY_PARAM_MISSING');
    await bad('/api/v2/traceMany?traceIds=', 'traceIds parameter is empty', 'QUERY_TRACE_IDS_INVALID');
    await bad(`/api/v2/traceMany?traceIds=${A}`, 'Use /api/v2/trace/{traceId} endpoint to retrieve a single trace');
    await bad(`/api/v2/traceMany?traceIds=${C},c`, 'redundant traceId: c', 'QUERY_TRACE_IDS_INVALID');
    const res = await get('/api/v2/traceMany?traceIds=abcd,0e8b46e1-81b');
    expect(res.status).toBe(400);
    expect(res.text).toContain('0e8b46e1-81b');
    expect(res.headers.get('skein-error-code')).toBe('QUERY_TRACE_ID_INVALID');
    expect((await get('/api/v2/traceMany?traceIds=abcd,,abce')).text).toBe('traceId is empty');
    expect((await get('/api/v2/traceMany?traceIds=abcd,abce,')).text).toBe('traceId is empty');
  });

  it('answers 400 for a huge list and keeps serving', async () => {
    const ids = Array.from({ length: 1500 }, (_, i) => (i + 1).toString(16)).join(',');
    expect((await get(`/api/v2/traceMany?traceIds=${ids}`)).status).toBe(400);
    expect((await get(`/api/v2/trace/${A}`)).status).toBe(200);
  });
});

describe('GET /api/v2/dependencies', () => {
  it('answers the links in the window', async () => {
    const links = await json<{ parent: string; child: string; callCount: number }[]>(
      `/api/v2/dependencies?endTs=${NOW_MS}&lookback=${60 * MIN}`,
    );
    expect([...links].sort((a, b) => a.child.localeCompare(b.child))).toEqual([
      { parent: 'frontend', child: 'backend', callCount: 1 },
      { parent: 'frontend', child: 'db', callCount: 1 },
    ]);
  });

  it('answers [] before any span', async () => {
    expect(await json(`/api/v2/dependencies?endTs=${NOW_MS - 500 * MIN}&lookback=${MIN}`)).toEqual([]);
  });

  it('needs endTs and positive numbers', async () => {
    await bad('/api/v2/dependencies', 'Mandatory parameter/header is missing: endTs', 'QUERY_PARAM_MISSING');
    await bad('/api/v2/dependencies?endTs=', 'endTs must be a 64-bit integer, was ""', 'QUERY_PARAM_NOT_INTEGER');
    await bad('/api/v2/dependencies?endTs=0', 'endTs <= 0', 'QUERY_PARAM_OUT_OF_RANGE');
    await bad(`/api/v2/dependencies?endTs=${NOW_MS}&lookback=-1`, 'lookback <= 0', 'QUERY_PARAM_OUT_OF_RANGE');
    await bad(`/api/v2/dependencies?endTs=${NOW_MS}&lookback=x`, 'lookback must be a 64-bit integer, was "x"');
  });
});

describe('GET /api/v2/autocompleteKeys and /autocompleteValues', () => {
  it('lists the configured keys, cacheable', async () => {
    const res = await get('/api/v2/autocompleteKeys');
    expect(JSON.parse(res.text)).toEqual(['error', 'http.method']);
    expect(res.headers.get('cache-control')).toBe('max-age=300, must-revalidate');
  });

  it('lists values of a key, sorted', async () => {
    expect(await json('/api/v2/autocompleteValues?key=http.method')).toEqual(['GET', 'POST']);
    expect(await json('/api/v2/autocompleteValues?key=error')).toEqual(['boom']);
    expect(await json('/api/v2/autocompleteValues?key=unknown')).toEqual([]);
  });

  it('needs a key', async () => {
    await bad('/api/v2/autocompleteValues', 'Mandatory parameter/header is missing: key', 'QUERY_PARAM_MISSING');
    await bad('/api/v2/autocompleteValues?key=', 'key was empty', 'QUERY_PARAM_MISSING');
  });
});

describe('hostile parameters', () => {
  it('uses the first of repeated parameters', async () => {
    expect(await traceIds('/api/v2/traces?limit=1&limit=0')).toEqual([A]);
    expect(await traceIds('/api/v2/traces?serviceName=backend&serviceName=frontend')).toEqual([A, C]);
  });

  it('treats unicode, NUL and very long names as names that match nothing', async () => {
    for (const name of ['%00', '%E2%80%AE', encodeURIComponent('服务'.repeat(100)), 'x'.repeat(3000)]) {
      expect(await traceIds(`/api/v2/traces?serviceName=${name}&spanName=${name}&remoteServiceName=${name}`)).toEqual([]);
      expect(await traceIds(`/api/v2/traces?annotationQuery=${name}%3D${name}`)).toEqual([]);
      expect(await json(`/api/v2/spans?serviceName=${name}`)).toEqual([]);
    }
  });

  it('takes the largest durations and limits without overflow', async () => {
    expect(await traceIds('/api/v2/traces?minDuration=9223372036854775807')).toEqual([]);
    expect(await traceIds('/api/v2/traces?minDuration=1&maxDuration=9223372036854775807&limit=2147483647')).toEqual([A, B, C]);
  });

  it('refuses a query string over the header limit (431) and keeps serving', async () => {
    const res = await get(`/api/v2/traces?serviceName=${'x'.repeat(100_000)}`);
    expect(res.status).toBe(431);
    expect(await traceIds('/api/v2/traces?limit=1')).toEqual([A]);
  });

  it('answers 400 for malformed percent-encoding in the path and keeps serving', async () => {
    expect((await get('/api/v2/trace/%zz')).status).toBe(400);
    expect((await get('/api/v2/services')).status).toBe(200);
  });

  it('ignores unknown parameters and odd query strings', async () => {
    expect(await traceIds('/api/v2/traces?foo=bar&&=&%00=1')).toEqual([A, B, C]);
  });

  it('keeps __proto__ and constructor as ordinary annotation words', async () => {
    expect(await traceIds(`/api/v2/traces?annotationQuery=${encodeURIComponent('__proto__=x and constructor')}`)).toEqual([]);
    expect(await json('/api/v2/autocompleteValues?key=__proto__')).toEqual([]);
  });
});

describe('Cache-Control on names once there are more than 3 services', () => {
  let busy: { app: FastifyInstance; base: string };
  beforeAll(async () => {
    const spans: Span[] = ['foo', 'bar', 'baz', 'quz'].map((serviceName, i) => ({
      traceId: '000000000000000a', id: (i + 1).toString(16).padStart(16, '0'), name: 'whopper',
      timestamp: us(NOW_MS - MIN), localEndpoint: { serviceName }, remoteEndpoint: { serviceName: `${serviceName}1` },
    }));
    busy = await startServer(spans);
  });
  afterAll(async () => {
    await busy.app.close();
  });

  it('sets max-age=300, must-revalidate like Zipkin, and sorts names', async () => {
    const services = await fetch(`${busy.base}/api/v2/services`);
    expect(await services.text()).toBe('["bar","baz","foo","quz"]');
    expect(services.headers.get('cache-control')).toBe('max-age=300, must-revalidate');
    for (const path of ['/api/v2/spans?serviceName=foo', '/api/v2/remoteServices?serviceName=foo']) {
      const res = await fetch(busy.base + path);
      expect(res.headers.get('cache-control')).toBe('max-age=300, must-revalidate');
    }
  });
});
