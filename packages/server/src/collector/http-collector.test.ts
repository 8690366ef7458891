import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ZIPKIN_PROTO3, ZIPKIN_THRIFT } from '@skein/codec';
import type { Span } from '@skein/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing.js';

const fixture = (name: string): Span[] =>
  JSON.parse(readFileSync(new URL(`../../../model/testdata/zipkin-lens/${name}`, import.meta.url), 'utf8')) as Span[];

/** A copy of a fixture trace under a new trace id, so tests never collide. */
function trace(name: string, traceId: string): Span[] {
  return fixture(name).map((s) => ({ ...s, traceId }));
}

const json = (body: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(body));

async function post(url: string, body: Uint8Array | string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/v2/spans`, { method: 'POST', body, headers });
}

describe('HTTP collector', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ maxBody: 256 * 1024 });
  });
  afterAll(() => t.close());

  const stored = (traceId: string) => t.server.storage.getTrace(traceId);

  it('stores JSON v2 and answers 202 with an empty body only once stored', async () => {
    const spans = trace('messaging.json', '00000000000000000000000000000a01');
    const res = await post(t.url, json(spans), { 'content-type': 'application/json' });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    expect(await stored('0000000000000a01')).toHaveLength(spans.length);
  });

  it('treats a missing Content-Type, text/plain and a charset parameter as JSON', async () => {
    expect((await post(t.url, JSON.stringify(trace('skew.json', '0000000000000a08')))).status).toBe(202);
    expect(await stored('0000000000000a08')).toHaveLength(4);
    expect((await post(t.url, json(trace('skew.json', '0000000000000a02')))).status).toBe(202);
    const res = await post(t.url, json(trace('skew.json', '0000000000000a03')), { 'content-type': 'Application/JSON; charset=utf-8' });
    expect(res.status).toBe(202);
    expect(await stored('0000000000000a02')).toHaveLength(4);
    expect(await stored('0000000000000a03')).toHaveLength(4);
  });

  it('stores proto3 ListOfSpans sent as application/x-protobuf', async () => {
    const spans = trace('yelp.json', '0000000000000a04');
    const res = await post(t.url, ZIPKIN_PROTO3.encode(spans), { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(202);
    expect(await stored('0000000000000a04')).toHaveLength(spans.length);
  });

  it('inflates gzip bodies', async () => {
    const res = await post(t.url, gzipSync(json(trace('skew.json', '0000000000000a05'))), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(202);
    expect(await stored('0000000000000a05')).toHaveLength(4);
  });

  it('answers 202 to [] and to an empty body', async () => {
    expect((await post(t.url, '[]', { 'content-type': 'application/json' })).status).toBe(202);
    expect((await post(t.url, new Uint8Array(0), { 'content-type': 'application/json' })).status).toBe(202);
    expect((await post(t.url, new Uint8Array(0))).status).toBe(202);
    expect((await post(t.url, new Uint8Array(0), { 'content-type': 'application/x-protobuf' })).status).toBe(202);
  });

  it('rejects a request with one bad span whole, naming the span and the rule', async () => {
    const spans = trace('skew.json', '0000000000000a06');
    (spans[2] as { id: string }).id = 'not-hex';
    const res = await post(t.url, json(spans), { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.headers.get('skein-error-code')).toBe('SPAN_INVALID_ID');
    const text = await res.text();
    expect(text).toContain('span 2');
    expect(text).toContain('"not-hex"');
    expect(await stored('0000000000000a06')).toEqual([]);
  });

  it('answers 400 to malformed JSON and malformed gzip', async () => {
    const bad = await post(t.url, '[{"traceId":', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('skein-error-code')).toBe('JSON_MALFORMED');
    const gz = await post(t.url, Buffer.from('definitely not gzip'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(gz.status).toBe(400);
    expect(gz.headers.get('skein-error-code')).toBe('BODY_GZIP_MALFORMED');
    const cut = gzipSync(json(trace('skew.json', '0000000000000a07')));
    const truncated = await post(t.url, cut.subarray(0, cut.length - 12), { 'content-encoding': 'gzip' });
    expect(truncated.status).toBe(400);
    expect(await stored('0000000000000a07')).toEqual([]);
  });

  it('answers 415 to an unknown content type or encoding, naming what is accepted', async () => {
    const res = await post(t.url, json([]), { 'content-type': 'application/xml' });
    expect(res.status).toBe(415);
    expect(res.headers.get('skein-error-code')).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await res.text()).toContain('application/json');
    const thriftOnV2 = await post(t.url, json([]), { 'content-type': 'application/x-thrift' });
    expect(thriftOnV2.status).toBe(415);
    const br = await post(t.url, json([]), { 'content-type': 'application/json', 'content-encoding': 'br' });
    expect(br.status).toBe(415);
    expect(br.headers.get('skein-error-code')).toBe('UNSUPPORTED_ENCODING');
  });

  it('answers 413 over --max-body, on the wire and after inflation (gzip bomb)', async () => {
    const big = Buffer.alloc(300 * 1024, 0x20);
    const res = await post(t.url, big, { 'content-type': 'application/json' });
    expect(res.status).toBe(413);
    expect(res.headers.get('skein-error-code')).toBe('BODY_TOO_LARGE');
    expect(await res.text()).toContain('--max-body');
    // 64 MiB of spaces compresses to about 64 KiB: inflation must stop at the limit.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
    expect(bomb.length).toBeLessThan(256 * 1024);
    const res2 = await post(t.url, bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(res2.status).toBe(413);
    expect(await res2.text()).toContain('once inflated');
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
  });

  it('answers CORS preflights and adds CORS headers to answers, errors included', async () => {
    const pre = await fetch(`${t.url}/api/v2/spans`, {
      method: 'OPTIONS',
      headers: { origin: 'http://ui.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const res = await post(t.url, json([]), { origin: 'http://ui.example', 'content-type': 'text/csv' });
    expect(res.status).toBe(415);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const q = await fetch(`${t.url}/api/v2/services`, { headers: { origin: 'http://ui.example' } });
    expect(q.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('counts messages, spans, bytes and rejections per transport on /metrics', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const value = (line: string): number => Number(text.split('\n').find((l) => l.startsWith(line))?.split(' ').pop());
    expect(value('skein_collector_messages_total{transport="http"}')).toBeGreaterThan(10);
    expect(value('skein_collector_spans_total{transport="http"}')).toBeGreaterThan(20);
    expect(value('skein_collector_bytes_total{transport="http"}')).toBeGreaterThan(1000);
    expect(value('skein_collector_messages_rejected_total{transport="http",reason="invalid"}')).toBeGreaterThanOrEqual(4);
    expect(value('skein_collector_messages_rejected_total{transport="http",reason="too_large"}')).toBe(2);
    expect(value('skein_collector_messages_rejected_total{transport="http",reason="unsupported_media_type"}')).toBe(4);
    expect(value('skein_storage_spans_stored_total')).toBeGreaterThan(20);
    expect(text).toMatch(/skein_http_request_duration_seconds_count\{method="POST",route="\/api\/v2\/spans",status_code="202"\} \d+/);
  });
});

describe('HTTP collector, v1 endpoint', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('stores JSON v1 spans converted to v2', async () => {
    const v1 = [
      {
        traceId: '0000000000000b01',
        id: '0000000000000b01',
        name: 'GET',
        timestamp: 1_700_000_000_000_000,
        duration: 1500,
        annotations: [
          { timestamp: 1_700_000_000_000_000, value: 'sr', endpoint: { serviceName: 'api', ipv4: '10.0.0.1' } },
          { timestamp: 1_700_000_000_001_500, value: 'ss', endpoint: { serviceName: 'api', ipv4: '10.0.0.1' } },
        ],
        binaryAnnotations: [{ key: 'http.path', value: '/x', endpoint: { serviceName: 'api' } }],
      },
    ];
    const res = await fetch(`${t.url}/api/v1/spans`, { method: 'POST', body: JSON.stringify(v1), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(202);
    const [span] = await t.server.storage.getTrace('0000000000000b01');
    expect(span).toMatchObject({ kind: 'SERVER', name: 'get', localEndpoint: { serviceName: 'api' }, tags: { 'http.path': '/x' } });
  });

  it('stores gzip-encoded Thrift sent as application/x-thrift', async () => {
    const spans = trace('skew.json', '0000000000000b02');
    const res = await fetch(`${t.url}/api/v1/spans`, {
      method: 'POST',
      body: gzipSync(ZIPKIN_THRIFT.encode(spans)),
      headers: { 'content-type': 'application/x-thrift', 'content-encoding': 'gzip' },
    });
    expect(res.status).toBe(202);
    const stored = await t.server.storage.getTrace('0000000000000b02');
    expect(stored.map((s) => s.id).sort()).toEqual(spans.map((s) => s.id).sort());
  });

  it('answers 415 to proto3 on the v1 endpoint', async () => {
    const res = await fetch(`${t.url}/api/v1/spans`, { method: 'POST', body: '[]', headers: { 'content-type': 'application/x-protobuf' } });
    expect(res.status).toBe(415);
    expect(await res.text()).toContain('application/x-thrift');
  });
});

describe('CORS with a list of origins', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ corsOrigins: ['http://ui.example', 'http://other.example'] });
  });
  afterAll(() => t.close());

  it('allows only the listed origins', async () => {
    const allowed = await fetch(`${t.url}/api/v2/services`, { headers: { origin: 'http://other.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://other.example');
    const denied = await fetch(`${t.url}/api/v2/services`, { headers: { origin: 'http://evil.example' } });
    expect(denied.status).toBe(200);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });
});
