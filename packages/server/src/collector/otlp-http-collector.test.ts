import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing.js';
import { ControlledStore, otlpProtoBody, otlpProtoSpanWithTraceId, randomBytes, readRpcStatus } from './otlp-http-test-kit.js';

const MAX_BODY = 256 * 1024;
const PROTO = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

let skein: TestServer;
let store: ControlledStore;
let otlpUrl: string;

beforeAll(async () => {
  store = new ControlledStore();
  skein = await startTestServer({ otlpHttpPort: 0, maxBody: MAX_BODY, ingestQueueSpans: 10 }, { storage: store });
  otlpUrl = (skein.server.collectorAddresses.find((a) => a.startsWith('otlp-http ')) ?? '').slice('otlp-http '.length);
});

afterAll(async () => {
  await skein.close();
});

function post(body: Uint8Array | string, headers: Record<string, string>, base = otlpUrl): Promise<Response> {
  return fetch(`${base}/v1/traces`, { method: 'POST', body, headers });
}

async function spanCount(traceId: string): Promise<number> {
  const res = await fetch(`${skein.url}/api/v2/trace/${traceId}`);
  return res.status === 200 ? ((await res.json()) as unknown[]).length : 0;
}

const trace = (n: number): string => n.toString(16).padStart(32, '0');

describe('POST /v1/traces answers as the OTLP specification says', () => {
  it('200 with an empty ExportTraceServiceResponse in the request encoding, on both ports', async () => {
    const proto = await post(otlpProtoBody(trace(0x101), 3), { 'content-type': PROTO });
    expect(proto.status).toBe(200);
    expect(proto.headers.get('content-type')).toBe(PROTO);
    expect((await proto.arrayBuffer()).byteLength).toBe(0);
    const onMain = await post(gzipSync(otlpProtoBody(trace(0x102), 2)), { 'content-type': PROTO, 'content-encoding': 'gzip' }, skein.url);
    expect(onMain.status).toBe(200);
    const json = await post('{"resourceSpans":[]}', { 'content-type': 'application/json; charset=utf-8' });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await json.text()).toBe('{}');
    expect(await spanCount(trace(0x101))).toBe(3);
    expect(await spanCount(trace(0x102))).toBe(2);
  });

  it('an empty body is an empty request', async () => {
    expect((await post(new Uint8Array(0), { 'content-type': PROTO })).status).toBe(200);
  });

  const badProto: [string, Uint8Array][] = [
    ...[1, 2, 3].map((seed): [string, Uint8Array] => [`random bytes ${seed}`, randomBytes(seed, 50 * seed * seed)]),
    ...[1, 7, 40].map((n): [string, Uint8Array] => [`truncated at ${n}`, otlpProtoBody(trace(0x103), 2).subarray(0, n)]),
    ['field with the wrong wire type', Buffer.from([0x08, 0x01])],
  ];
  it.each(badProto)('protobuf %s → 400 with a protobuf Status (INVALID_ARGUMENT)', async (_label, body) => {
    const res = await post(body, { 'content-type': PROTO });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe(PROTO);
    const status = readRpcStatus(new Uint8Array(await res.arrayBuffer()));
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/^BODY_MALFORMED: /);
    expect(res.headers.get('skein-error-code')).toBe('BODY_MALFORMED');
  });

  const badJson: [string, string, string][] = [
    ['random text', 'not json at all', 'JSON_MALFORMED'],
    ['truncated JSON', '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01', 'JSON_MALFORMED'],
    ['resourceSpans not a list', '{"resourceSpans":7}', 'BODY_MALFORMED'],
    ['start time as a boolean', '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","startTimeUnixNano":true}]}]}]}', 'BODY_MALFORMED'],
  ];
  it.each(badJson)('JSON %s → 400 with a JSON Status', async (_label, body, code) => {
    const res = await post(body, { 'content-type': JSON_TYPE });
    expect(res.status).toBe(400);
    const status = (await res.json()) as { code: number; message: string };
    expect(status.code).toBe(3);
    expect(status.message.startsWith(`${code}: `)).toBe(true);
  });

  it('a span with an empty trace id rejects the request with a message naming the span', async () => {
    const res = await post(otlpProtoSpanWithTraceId([]), { 'content-type': PROTO });
    expect(res.status).toBe(400);
    const status = readRpcStatus(new Uint8Array(await res.arrayBuffer()));
    expect(status.message).toContain('SPAN_INVALID_TRACE_ID');
    expect(status.message).toContain('resourceSpans[0].scopeSpans[0].spans[0]');
    const json = await post('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"","spanId":"0102030405060708"}]}]}]}', { 'content-type': JSON_TYPE });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { message: string }).message).toContain('resourceSpans[0].scopeSpans[0].spans[0]');
  });

  it('415 for an unknown content type, naming the accepted ones', async () => {
    const res = await post('{}', { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    const status = (await res.json()) as { code: number; message: string };
    expect(status.message).toContain('application/x-protobuf');
    expect((await post('{}', { 'content-type': JSON_TYPE, 'content-encoding': 'br' })).status).toBe(415);
  });

  it('413 over --max-body, also once inflated; 400 for a body that is not gzip', async () => {
    const huge = Buffer.alloc(MAX_BODY + 1, 0x0a);
    const res = await post(huge, { 'content-type': PROTO });
    expect(res.status).toBe(413);
    expect(readRpcStatus(new Uint8Array(await res.arrayBuffer())).message).toMatch(/^BODY_TOO_LARGE: /);
    const bomb = gzipSync(Buffer.alloc(MAX_BODY * 4));
    expect((await post(bomb, { 'content-type': PROTO, 'content-encoding': 'gzip' })).status).toBe(413);
    expect((await post(randomBytes(9, 100), { 'content-type': PROTO, 'content-encoding': 'gzip' })).status).toBe(400);
  });

  it('503 with Retry-After while the store is down (nothing stored), 429 when the queue is full', async () => {
    store.down = true;
    const down = await post(otlpProtoBody(trace(0x104), 2), { 'content-type': PROTO });
    store.down = false;
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(readRpcStatus(new Uint8Array(await down.arrayBuffer()))).toMatchObject({ code: 14 });
    expect(await spanCount(trace(0x104))).toBe(0);

    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    const first = post(otlpProtoBody(trace(0x105), 8), { 'content-type': PROTO });
    await new Promise((r) => setTimeout(r, 100));
    const full = await post(otlpProtoBody(trace(0x106), 8), { 'content-type': PROTO });
    store.gate = undefined;
    open();
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toBe('1');
    expect(readRpcStatus(new Uint8Array(await full.arrayBuffer()))).toMatchObject({ code: 8 });
    expect((await first).status).toBe(200);
  });

  it('keeps serving after all of it, and counts per transport', async () => {
    expect((await post(otlpProtoBody(trace(0x107), 4), { 'content-type': PROTO })).status).toBe(200);
    expect(await spanCount(trace(0x107))).toBe(4);
    const metrics = await (await fetch(`${skein.url}/metrics`)).text();
    expect(metrics).toMatch(/skein_collector_messages_rejected_total\{transport="otlp-http",reason="invalid"\} \d+/);
    expect(metrics).toMatch(/skein_collector_messages_rejected_total\{transport="otlp-http",reason="too_large"\} 2/);
    expect(metrics).toMatch(/skein_collector_spans_total\{transport="otlp-http"\} \d+/);
  });
});
