import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ZIPKIN_PROTO3 } from '@skein/codec';
import type { Span } from '@skein/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing.js';

const MAX_BODY = 2 * 1024 * 1024;
const BASE_TRACE = '00000000000000000000000000000e01';

const fixture = JSON.parse(
  readFileSync(new URL('../../../model/testdata/zipkin-lens/yelp.json', import.meta.url), 'utf8'),
) as Span[];
const good = (traceId: string): Span[] => fixture.map((s) => ({ ...s, traceId }));
const goodJson = JSON.stringify(good('0000000000000e02'));

function randomBytes(seed: number, length: number): Uint8Array {
  let a = seed;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    out[i] = a >>> 24;
  }
  return out;
}

/** Bodies every JSON endpoint must refuse with a 4xx: [label, body]. */
const badJson: [string, string | Uint8Array][] = [
  ...[1, 2, 3].map((seed): [string, Uint8Array] => [`random bytes ${seed}`, randomBytes(seed, 64 * seed * seed)]),
  ...[1, 10, goodJson.length / 2, goodJson.length - 1].map((n): [string, string] => [`truncated at ${n}`, goodJson.slice(0, Math.floor(n))]),
  ['deeply nested arrays', `${'['.repeat(200_000)}${']'.repeat(200_000)}`],
  ['huge traceId', JSON.stringify([{ traceId: 'a'.repeat(1_000_000), id: '1' }])],
  ['huge non-hex id', JSON.stringify([{ traceId: '1', id: 'z'.repeat(500_000) }])],
  ['an object, not a list', '{"traceId":"1","id":"1"}'],
  ['null', 'null'],
  ['a string', '"spans"'],
  ['a number', '42'],
  ['list of numbers', '[1,2,3]'],
  ['list of nulls', '[null]'],
  ['traceId as a number', JSON.stringify([{ traceId: 123, id: '1' }])],
  ['id as a boolean', JSON.stringify([{ traceId: '1', id: true }])],
  ['annotations as a string', JSON.stringify([{ traceId: '1', id: '1', annotations: 'x' }])],
  ['annotation without value', JSON.stringify([{ traceId: '1', id: '1', annotations: [{ timestamp: 1 }] }])],
  ['timestamp as text', JSON.stringify([{ traceId: '1', id: '1', timestamp: 'yesterday' }])],
  ['traceId too long', JSON.stringify([{ traceId: '1'.repeat(33), id: '1' }])],
  ['non-hex id', JSON.stringify([{ traceId: '1', id: 'xyz' }])],
  ['upper-case traceId', JSON.stringify([{ traceId: 'ABCDEF0123456789', id: '1' }])],
  ['all-zero id', JSON.stringify([{ traceId: '1', id: '0000000000000000' }])],
  ['missing traceId', JSON.stringify([{ id: '1' }])],
  ['bad span after good ones', JSON.stringify([...good('0000000000000e03'), { traceId: '1', id: 'nope' }])],
];

/** Bodies only JSON v2 must refuse (v1 ignores these fields, as Zipkin does). */
const badV2Only: [string, string][] = [
  ['deeply nested tags', `[{"traceId":"1","id":"1","tags":${'{"a":'.repeat(100_000)}"x"${'}'.repeat(100_000)}}]`],
  ['deeply nested endpoint', `[{"traceId":"1","id":"1","localEndpoint":${'{"serviceName":'.repeat(50_000)}"x"${'}'.repeat(50_000)}}]`],
  ['tags as a list', JSON.stringify([{ traceId: '1', id: '1', tags: [1] }])],
  ['null tag value', JSON.stringify([{ traceId: '1', id: '1', tags: { a: null } }])],
  ['endpoint as a number', JSON.stringify([{ traceId: '1', id: '1', localEndpoint: 5 }])],
  ['unknown kind', JSON.stringify([{ traceId: '1', id: '1', kind: 'SIDEWAYS' }])],
  // v1 reads a 17-32 character span id by its low 64 bits, as Zipkin's v1 reader does.
  ['id too long', JSON.stringify([{ traceId: '1', id: '1'.repeat(17) }])],
];

/** Bodies only JSON v1 must refuse. */
const badV1Only: [string, string][] = [
  ['id far too long', JSON.stringify([{ traceId: '1', id: '1'.repeat(33) }])],
  ['binaryAnnotations as a string', JSON.stringify([{ traceId: '1', id: '1', binaryAnnotations: 'x' }])],
  ['binary annotation without key', JSON.stringify([{ traceId: '1', id: '1', binaryAnnotations: [{ value: 'x' }] }])],
  ['annotation endpoint as a number', JSON.stringify([{ traceId: '1', id: '1', annotations: [{ timestamp: 1, value: 'cs', endpoint: 7 }] }])],
  [
    'deeply nested binary annotation endpoint',
    `[{"traceId":"1","id":"1","binaryAnnotations":[{"key":"k","value":"v","endpoint":${'{"serviceName":'.repeat(50_000)}"x"${'}'.repeat(50_000)}}]}]`,
  ],
];

/** Bodies the binary endpoints must refuse. */
const goodProto = ZIPKIN_PROTO3.encode(good('0000000000000e04'));
const badBinary: [string, Uint8Array][] = [
  ...[4, 5, 6].map((seed): [string, Uint8Array] => [`random bytes ${seed}`, randomBytes(seed, 100 * seed)]),
  ['truncated proto3', goodProto.subarray(0, Math.floor(goodProto.length / 2))],
  ['truncated proto3 by one byte', goodProto.subarray(0, goodProto.length - 1)],
  ['JSON sent as binary', new TextEncoder().encode(goodJson)],
];

// Messages are decoded on the event loop (every store but memory, and memory without its ingest
// thread) or on the memory store's ingest thread, which sends back the codec's errors as data to
// be rebuilt: both must answer alike.
describe.each([
  ['decoded on the event loop', { storage: 'memory' as const, ingestThread: false }],
  ['decoded on the ingest thread', { storage: 'memory' as const, ingestThread: true }],
])('bad input to every collector endpoint, %s', (_name, store) => {
  let t: TestServer;
  let baseline: Span[];
  beforeAll(async () => {
    t = await startTestServer({ maxBody: MAX_BODY, ...store });
    const res = await fetch(`${t.url}/api/v2/spans`, { method: 'POST', body: JSON.stringify(good(BASE_TRACE)) });
    expect(res.status).toBe(202);
    baseline = await t.server.storage.getTrace(BASE_TRACE);
    expect(baseline.length).toBe(fixture.length);
  });
  afterAll(() => t.close());

  async function expectRefused(path: string, contentType: string, label: string, body: string | Uint8Array, gzip = false): Promise<void> {
    const headers: Record<string, string> = { 'content-type': contentType };
    let payload = body;
    if (gzip) {
      headers['content-encoding'] = 'gzip';
      payload = gzipSync(typeof body === 'string' ? Buffer.from(body) : body);
    }
    const res = await fetch(`${t.url}${path}`, { method: 'POST', body: payload, headers });
    const text = await res.text();
    expect(res.status, `${path} ${contentType} ${label}: ${text}`).toBeGreaterThanOrEqual(400);
    expect(res.status, `${path} ${contentType} ${label}: ${text}`).toBeLessThan(500);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.headers.get('skein-error-code'), label).toMatch(/^[A-Z_]+$/);
    expect(text.trim().length, label).toBeGreaterThan(5);
    expect(text.length, label).toBeLessThan(2000);
  }

  for (const [path, type, only] of [
    ['/api/v2/spans', 'application/json', badV2Only],
    ['/api/v1/spans', 'application/json', badV1Only],
  ] as const) {
    it(`${path} ${type} refuses each bad body with a clear 4xx`, async () => {
      for (const [label, body] of [...badJson, ...only]) await expectRefused(path, type, label, body);
      for (const [label, body] of badJson.slice(0, 8)) await expectRefused(path, type, `gzip ${label}`, body, true);
    });
  }

  for (const [path, type] of [['/api/v2/spans', 'application/x-protobuf'], ['/api/v1/spans', 'application/x-thrift']] as const) {
    it(`${path} ${type} refuses each bad body with a clear 4xx`, async () => {
      for (const [label, body] of badBinary) await expectRefused(path, type, label, body);
    });
  }

  it('refuses a body over --max-body, and a huge but valid tag under it is stored', async () => {
    const big = JSON.stringify([{ traceId: '0000000000000e05', id: '1', tags: { blob: 'x'.repeat(MAX_BODY) } }]);
    await expectRefused('/api/v2/spans', 'application/json', 'over max body', big);
    const ok = JSON.stringify([{ traceId: '0000000000000e06', id: '1', tags: { blob: 'x'.repeat(MAX_BODY / 2) } }]);
    expect((await fetch(`${t.url}/api/v2/spans`, { method: 'POST', body: ok })).status).toBe(202);
    expect((await t.server.storage.getTrace('0000000000000e06'))[0]?.tags?.blob).toHaveLength(MAX_BODY / 2);
  });

  it('answers query endpoints given junk with a 4xx', async () => {
    for (const path of [
      '/api/v2/trace/not-an-id',
      `/api/v2/trace/${'f'.repeat(5000)}`,
      '/api/v2/traces?limit=abc',
      '/api/v2/traces?endTs=-1',
      '/api/v2/traces?minDuration=%00',
      '/api/v2/traceMany?traceIds=zz,yy',
      '/api/v2/dependencies?endTs=soon',
      '/api/v2/remoteServices',
    ]) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
  });

  it('still serves, with what was stored before unchanged', async () => {
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    expect(await t.server.storage.getTrace(BASE_TRACE)).toEqual(baseline);
    for (const id of ['0000000000000e02', '0000000000000e03', '0000000000000e04', '0000000000000e05', '0000000000000001']) {
      expect(await t.server.storage.getTrace(id), id).toEqual([]);
    }
    const res = await fetch(`${t.url}/api/v2/trace/${BASE_TRACE}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Span[]).length).toBe(fixture.length);
  });
});
