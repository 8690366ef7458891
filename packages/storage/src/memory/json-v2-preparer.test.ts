import { isDeepStrictEqual } from 'node:util';
import { ZIPKIN_JSON_V2 } from '@skein/codec';
import { CodecError, SpanValidationError } from '@skein/model';
import type { Span } from '@skein/model';
import { describe, expect, it } from 'vitest';
import { fixtureBodies } from './fixtures.test-util.js';
import { JsonV2Preparer } from './json-v2-preparer.js';
import { prepareBatch, spanTexts } from './prepared-batch.js';
import { seededRandom as random } from '@skein/model/testing';
import type { PrepareSettings, PreparedBatch } from './prepared-batch.js';
import { SpanPacker } from './span-packer.js';

// JsonV2Preparer is a fast path with a strict contract: for any bytes it either gives up
// (undefined) or gives exactly the batch, and interns exactly the strings, of decoding the body
// and calling prepareBatch with the same packer. These tests run both paths side by side.

const NO_KEYS: PrepareSettings = { autocompleteKeys: [] };
const encoder = new TextEncoder();
const utf8 = (s: string): Uint8Array => encoder.encode(s);

/** The general path: decode, normalize, prepare. */
const general = (packer: SpanPacker, body: Uint8Array, settings: PrepareSettings): PreparedBatch =>
  prepareBatch(packer, ZIPKIN_JSON_V2.decode(body), settings);

/** A new packer holding what another has interned, with the same ids. */
function replicaOf(packer: SpanPacker): SpanPacker {
  const replica = new SpanPacker();
  replica.applyDelta(packer.snapshot());
  return replica;
}

/** The error code of what fn throws ('' when it throws none). */
function errorCode(fn: () => unknown): string {
  try {
    fn();
    return '';
  } catch (err) {
    expect(err instanceof SpanValidationError || err instanceof CodecError).toBe(true);
    return (err as { code: string }).code;
  }
}

/** A short, printable view of a body for failure messages. */
const preview = (body: Uint8Array): string => JSON.stringify(Buffer.from(body).toString('latin1').slice(0, 300));

/**
 * expect(actual).toEqual(expected) (NaN equals NaN in typed arrays), after a quick exact check
 * that passes nothing toEqual would fail: toEqual alone takes seconds on batches of 5,000 spans.
 */
function expectEqual(actual: unknown, expected: unknown, body: Uint8Array): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual, preview(body)).toEqual(expected);
}

/**
 * Two packers fed the same bodies: `general` by the general path only, `packer` by the fast path,
 * falling back to the general path on the same packer when it gives up. Every batch and every
 * delta must be equal.
 */
class Pair {
  readonly general = new SpanPacker();
  readonly packer = new SpanPacker();
  readonly preparer: JsonV2Preparer;
  /** Bodies the fast path took, and all bodies run. */
  taken = 0;
  runs = 0;

  constructor(readonly settings: PrepareSettings = NO_KEYS) {
    this.preparer = new JsonV2Preparer(this.packer, settings);
  }

  /** Runs a body the general path accepts through both; returns whether the fast path took it. */
  run(body: Uint8Array): boolean {
    const expected = general(this.general, body, this.settings);
    const fast = this.preparer.prepare(body);
    const got = fast ?? general(this.packer, body, this.settings);
    expectEqual(got, expected, body);
    expectEqual(this.packer.takeDelta(), this.general.takeDelta(), body);
    this.runs++;
    if (fast !== undefined) this.taken++;
    return fast !== undefined;
  }
}

/** Unpacking a batch with the packer that prepared it gives back the decoded spans. */
function expectRoundTrip(packer: SpanPacker, batch: PreparedBatch, spans: readonly Span[]): void {
  expect(batch.count).toBe(spans.length);
  const texts = spanTexts(batch);
  expect(texts).toHaveLength(batch.count);
  for (let i = 0; i < batch.count; i++) {
    const base = batch.times[i * 4 + 3] as number;
    const { packed, traceId } = texts[i] as { packed: string; traceId: string };
    const unpacked = packer.unpack(packed, traceId, Number.isNaN(base) ? 0 : base);
    expect(unpacked).toEqual(spans[i]);
  }
}

/**
 * Prepares any bytes with the fast path, which must not throw. When it takes them, the batch and
 * what it interned must be the general path's on a replica of the packer as it was; when it gives
 * up, the general path on the same packer (which may hold extra strings now) must round-trip.
 */
function checkAnyBytes(packer: SpanPacker, preparer: JsonV2Preparer, body: Uint8Array, settings: PrepareSettings = NO_KEYS): boolean {
  const replica = replicaOf(packer);
  const fast = preparer.prepare(body);
  if (fast === undefined) {
    let spans: Span[];
    try {
      spans = ZIPKIN_JSON_V2.decode(body);
    } catch {
      return false;
    }
    expectRoundTrip(packer, prepareBatch(packer, spans, settings), spans);
    return false;
  }
  let expected: PreparedBatch;
  try {
    expected = general(replica, body, settings);
  } catch (err) {
    throw new Error(`the fast path took a body the general path rejects (${String(err)}): ${preview(body)}`);
  }
  expectEqual(fast, expected, body);
  expectEqual(packer.snapshot(), replica.snapshot(), body);
  return true;
}

// Fixtures.

const fixture = (name: string): Uint8Array => {
  const found = fixtureBodies().find((f) => f.name === name);
  if (found === undefined) throw new Error(`no fixture ${name}`);
  return found.body;
};

// Spans made up for the cases below.

type Json = Record<string, unknown>;
const T0 = 1_700_000_000_000_000;
const WINDOW = 2 ** 31;
const hex = (n: number, width = 16): string => n.toString(16).padStart(width, '0');
let made = 0;

/** A valid span with fresh ids and common fields, overridden by `fields` (undefined leaves one out). */
function span(fields: Json = {}): Json {
  made++;
  return {
    traceId: hex(0xabc000 + made), id: hex(0x100 + made), kind: 'CLIENT', name: 'get', timestamp: T0 + made, duration: 25,
    localEndpoint: { serviceName: 'front', ipv4: '10.0.0.1', port: 8080 }, tags: { 'http.method': 'GET' }, ...fields,
  };
}

const body = (...spans: Json[]): Uint8Array => utf8(JSON.stringify(spans));

/** A span's JSON text with raw members (JSON text as is, e.g. escapes) added at its end. */
const withRaw = (s: Json, members: string): string => `${JSON.stringify(s).slice(0, -1)},${members}}`;
const rawBody = (...spans: string[]): Uint8Array => utf8(`[${spans.join(',')}]`);

describe('JsonV2Preparer', () => {
  // The comparisons below rest on telling typed arrays apart while NaN equals NaN.
  it('compares batches in a way that can fail', () => {
    expect(new Float64Array([Number.NaN, 1])).toEqual(new Float64Array([Number.NaN, 1]));
    expect(new Float64Array([Number.NaN, 1])).not.toEqual(new Float64Array([0, 1]));
    expect(new Int32Array([1, 2])).not.toEqual(new Int32Array([1, 2, 0]));
    const pair = new Pair();
    const b = body(span(), span({ name: 'post' }));
    const batch = pair.preparer.prepare(b);
    const expected = general(pair.general, b, NO_KEYS);
    expectEqual(batch, expected, b);
    const labels = Int32Array.from((batch as PreparedBatch).labels);
    labels[0] = 7;
    expect(() => expectEqual({ ...(batch as PreparedBatch), labels }, expected, b)).toThrow();
    const times = Float64Array.from((batch as PreparedBatch).times);
    times[1] = Number.NaN;
    expect(() => expectEqual({ ...(batch as PreparedBatch), times }, expected, b)).toThrow();
    expect(() => expectEqual({ ...(batch as PreparedBatch), packed: [] }, expected, b)).toThrow();
  });

  describe('real traces', () => {
    const expectedTaken = fixtureBodies().map((f) => f.name);

    // Each fixture as one body, on fresh packers (everything new) and on one pair (much seen before).
    it('prepares every fixture file as the general path does, and takes them all', () => {
      const shared = new Pair();
      const taken: string[] = [];
      for (const { name, body: b } of fixtureBodies()) {
        const cold = new Pair().run(b);
        const warm = shared.run(b);
        if (cold && warm) taken.push(name);
      }
      expect(taken).toEqual(expectedTaken);
      expect(taken).toContain('zipkin-lens/simple-db-p6.json');
      expect(taken).toContain('zipkin-bench/zipkin2-client.json');
      expect(taken).toHaveLength(12);
    });

    // All fixture spans in compact bodies of 100, in order and again in another order, on one pair.
    it('prepares all fixture spans in bodies of 100 as the general path does', () => {
      const spans = fixtureBodies().flatMap(({ body: b }) => JSON.parse(Buffer.from(b).toString('utf8')) as Json[]);
      expect(spans.length).toBe(1_295);
      const shuffled = [...spans];
      const next = random(7);
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j] as Json, shuffled[i] as Json];
      }
      const pair = new Pair({ autocompleteKeys: ['http.method', 'error'] });
      for (const list of [spans, shuffled]) {
        for (let i = 0; i < list.length; i += 100) pair.run(utf8(JSON.stringify(list.slice(i, i + 100))));
      }
      expect(pair.runs).toBe(2 * Math.ceil(spans.length / 100));
      expect(pair.taken).toBe(pair.runs);
    });
  });

  describe('shapes it takes', () => {
    const R = { serviceName: 'Backend', ipv4: '192.168.99.101', port: 9000 };
    const R2 = { serviceName: 'kafka', ipv6: '2001:db8::1' };
    const wide = (i: number): Json => ({ serviceName: 'wide', ipv4: `10.0.1.${i}` });
    const distinct = (from: number, to: number): Uint8Array =>
      body(...Array.from({ length: to - from }, (_, i) => span({ tags: { 'request.id': `r${from + i}`, env: 'prod' } })));
    const W = Math.ceil(T0 / WINDOW) * WINDOW;
    // Each case: bodies run in order on one pair, every one of which the fast path must take.
    const cases: { name: string; bodies: () => Uint8Array[]; settings?: PrepareSettings }[] = [
      { name: '128-bit trace ids', bodies: () => [body(
        span({ traceId: '4d1e00c0db9010db86154a4ba6e91385' }),
        span({ traceId: '4d1e00c0db9010db86154a4ba6e91385', parentId: hex(0x100 + made) }),
        span({ traceId: '0000000000000001ffffffffffffffff' }),
      )] },
      { name: 'a 32-char trace id whose high half is zeros (64-bit form)', bodies: () => [body(
        span({ traceId: '000000000000000086154a4ba6e91385' }),
        span({ traceId: '86154a4ba6e91385' }),
        span({ traceId: '0000000000000000000000000000000a' }),
      )] },
      { name: 'parentId equal to id, all zeros, or another span', bodies: () => [body(
        span({ id: hex(0xfeed), parentId: hex(0xfeed) }),
        span({ parentId: '0000000000000000' }),
        span({ parentId: hex(0xfeed) }),
      )] },
      { name: 'names in upper case, empty, over 200 chars (not interned), and exactly 200', bodies: () => [body(
        span({ name: 'GET /Users/{id}' }), span({ name: 'get /users/{id}' }), span({ name: '' }),
        span({ name: `Long${'x'.repeat(197)}` }), span({ name: `long${'x'.repeat(197)}` }), span({ name: 'Y'.repeat(200) }),
        span({ name: 'İSTANBUL Straße' }),
      ), body(span({ name: `LONG${'x'.repeat(197)}` }), span({ name: 'Y'.repeat(200) }))] },
      { name: 'JSON escapes in names, tag values and annotation values', bodies: () => {
        const escaped = String.raw`"name":"Caf\u00e9 \"q\"","annotations":[{"timestamp":${T0},"value":"a\/b\n"},{"timestamp":${T0 + 1},"value":"\u00e9"}],`
          + String.raw`"tags":{"a":"line\nbreak","b":"say \"hi\"","c":"caf\u00e9","d":"a\/b","e":"tab\there\\","f":"\ud83d\ude00 \ud800","g":"\u0000\b\f\r"}`;
        const plain = '"name":"café \\"q\\"","tags":{"c":"café","d":"a/b","f":"😀"}';
        const s = (): Json => span({ name: undefined, tags: undefined });
        return [rawBody(withRaw(s(), escaped), withRaw(s(), plain)), rawBody(withRaw(s(), escaped), withRaw(s(), plain))];
      } },
      { name: 'non-ASCII UTF-8 in names, values, annotations and service names', bodies: () => [body(
        span({
          name: '查询 订单', localEndpoint: { serviceName: '前端服务', ipv4: '10.0.0.2' }, remoteEndpoint: { serviceName: 'Ünïcode' },
          tags: { 'http.path': '/用户/ä', error: 'échec', sep: 'a\u2028b\u2029c\u007f' }, annotations: [{ timestamp: T0, value: '开始' }],
        }),
        span({ name: '查询 订单', localEndpoint: { serviceName: '前端服务', ipv4: '10.0.0.2' }, tags: { 'http.path': '/用户/ä' } }),
      ), fixture('zipkin-bench/zipkin2-chinese.json')] },
      { name: 'empty tag values', bodies: () => [body(span({ tags: { error: '', 'http.path': '/', z: '' } }), span({ tags: { error: '' } }))] },
      { name: 'tag keys unsorted in the input, numeric-looking keys, many tags', bodies: () => [body(
        span({ tags: { zeta: '1', alpha: '2', Beta: '3', 10: 'x', 9: 'y', _: 'z', 'a.b': 'w', A: 'v' } }),
        span({ tags: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${(i * 17) % 40}`, `v${i}`])) }),
      )] },
      { name: 'a tag key __proto__', bodies: () => [rawBody(withRaw(span({ tags: undefined }), '"tags":{"z":"1","__proto__":"p","a":"2"}'))] },
      { name: 'annotations with equal timestamps and increasing values, and many annotations', bodies: () => [body(
        span({ annotations: [{ timestamp: T0, value: 'a' }, { timestamp: T0, value: 'b' }, { timestamp: T0, value: 'ba' }, { timestamp: T0 + 1, value: 'a' }] }),
        span({ annotations: Array.from({ length: 40 }, (_, i) => ({ timestamp: T0 + i, value: `ann${i % 7}` })) }),
      )] },
      { name: 'annotations before the timestamp, annotations without a timestamp, across time windows', bodies: () => [body(
        span({ timestamp: T0 + 100, annotations: [{ timestamp: T0, value: 'early' }, { timestamp: T0 + 200, value: 'late' }] }),
        span({ timestamp: undefined, annotations: [{ timestamp: T0 + 5, value: 'cs' }, { timestamp: T0 + 9, value: 'cr' }] }),
        span({ timestamp: W - 1, annotations: [{ timestamp: W - 3, value: 'ws' }, { timestamp: W + 2, value: 'wr' }] }),
        span({ timestamp: undefined, duration: undefined, annotations: [{ timestamp: W - 1, value: 'x' }, { timestamp: W, value: 'y' }] }),
        span({ timestamp: undefined, annotations: [{ timestamp: -5, value: 'negative' }, { timestamp: 0, value: 'zero' }] }),
      )] },
      { name: 'negative, zero and largest timestamps and durations', bodies: () => [body(
        span({ timestamp: 0, duration: 0 }), span({ timestamp: -1, duration: -5 }), span({ timestamp: undefined, duration: undefined }),
        span({ timestamp: 9_007_199_254_740_991, duration: 9_007_199_254_740_991 }), span({ timestamp: 1, duration: 1 }),
        span({ timestamp: undefined, annotations: [{ timestamp: -9_007_199_254_740_991, value: 'min' }, { timestamp: 9_007_199_254_740_991, value: 'max' }] }),
        span({ timestamp: 9_007_199_254_740_991, annotations: [{ timestamp: -9_007_199_254_740_991, value: 'min' }] }),
      )] },
      { name: 'null for every optional field', bodies: () => [body(
        span({
          parentId: null, kind: null, name: null, timestamp: null, duration: null, localEndpoint: null, remoteEndpoint: null,
          annotations: null, tags: null, debug: null, shared: null,
        }),
        span({ localEndpoint: { serviceName: null, ipv4: null, ipv6: null, port: null }, tags: {}, annotations: [] }),
      )] },
      { name: 'shared on a client (dropped), a server and a span of no kind (kept); debug', bodies: () => [body(
        span({ kind: 'CLIENT', shared: true }), span({ kind: 'SERVER', shared: true }), span({ kind: undefined, shared: true }),
        span({ shared: false, debug: false }), span({ debug: true }), span({ kind: 'SERVER', debug: true, shared: true }),
        span({ kind: 'CLIENT', debug: true, shared: true, tags: undefined }),
      )] },
      { name: 'remote endpoints of servers and consumers (inline), later of clients and producers (interned)', bodies: () => [
        body(span({ kind: 'SERVER', remoteEndpoint: R }), span({ kind: 'CONSUMER', remoteEndpoint: R2 })),
        body(span({ kind: 'CLIENT', remoteEndpoint: R }), span({ kind: 'PRODUCER', remoteEndpoint: R2 })),
        body(span({ kind: 'SERVER', remoteEndpoint: R }), span({ kind: 'CONSUMER', localEndpoint: R2, remoteEndpoint: R }), span({ localEndpoint: R })),
        rawBody(withRaw(span({ kind: 'SERVER' }), '"remoteEndpoint": { "port":9000, "ipv4":"192.168.99.101", "serviceName":"backend" }'),
          withRaw(span({ kind: undefined }), '"remoteEndpoint":{"serviceName":"BACKEND","ipv4":"192.168.99.101","port":9000}')),
      ] },
      { name: 'endpoints to normalize: upper-case and mapped ipv6, port 0, empty service, bad ip', bodies: () => [body(
        span({ localEndpoint: { serviceName: 'v6', ipv6: '::FFFF:1.2.3.4' } }),
        span({ localEndpoint: { serviceName: 'v6', ipv6: '2001:DB8:0:0:0:0:0:1', port: 0 } }),
        span({ localEndpoint: { serviceName: 'v6', ipv4: '::1' } }),
        span({ localEndpoint: { serviceName: '', ipv4: '10.1.1.1' }, remoteEndpoint: { serviceName: '' } }),
        span({ localEndpoint: { serviceName: 'UPPER', ipv4: 'not-an-ip', port: 443 } }),
        span({ localEndpoint: {}, remoteEndpoint: { port: 0 } }),
        span({ localEndpoint: { port: 5 }, remoteEndpoint: { ipv6: '::1', port: -1 } }),
      )] },
      { name: 'more than 64 endpoints for one service (beyond the 64th inline)', bodies: () => [
        body(...Array.from({ length: 70 }, (_, i) => span({ localEndpoint: wide(i), remoteEndpoint: wide(69 - i) }))),
        body(...Array.from({ length: 70 }, (_, i) => span({ kind: i % 2 === 0 ? 'SERVER' : 'CLIENT', localEndpoint: wide(69 - i), remoteEndpoint: wide(i) }))),
      ] },
      { name: 'autocomplete keys', settings: { autocompleteKeys: ['region', 'http.method'] }, bodies: () => [
        body(span({ tags: { region: 'eu', 'http.method': 'GET', other: 'x' } }), span({ tags: { region: '' } }), span({ tags: { region: 'Ü\n' } })),
        body(span({ tags: { region: 'eu' } }), span({ tags: { 'http.method': 'POST', region: 'us' } })),
      ] },
      { name: 'whitespace between tokens, pretty-printed JSON', bodies: () => {
        const spans = [span({ annotations: [{ timestamp: T0, value: 'ws' }], remoteEndpoint: R }), span({ kind: 'SERVER', tags: { a: '', b: 'c' } })];
        return [
          utf8(JSON.stringify(spans, null, 2)),
          utf8(`\r\n\t [ ${JSON.stringify(spans, null, '\t').slice(1, -1).replace(/\n/g, '\r\n ').replace(/":/g, '" :\t')} ] \n`),
        ];
      } },
      { name: '1,500 values of one tag key, past the 1,000 it interns', settings: { autocompleteKeys: ['request.id'] }, bodies: () => [
        distinct(0, 400), distinct(400, 800), distinct(800, 1200), distinct(1200, 1500), distinct(990, 1010), distinct(0, 20),
      ] },
      { name: 'long tag and annotation values (not interned)', bodies: () => [body(
        span({ tags: { sql: `select ${'x, '.repeat(60)}` }, annotations: [{ timestamp: T0, value: 'a'.repeat(101) }] }),
        span({ tags: { sql: `select ${'x, '.repeat(60)}` }, annotations: [{ timestamp: T0, value: 'a'.repeat(101) }] }),
      )] },
      { name: 'names, tag keys, annotation values and endpoints past what the packer interns', bodies: () => {
        const many = (from: number, to: number): Uint8Array => body(...Array.from({ length: to - from }, (_, j) => {
          const i = from + j;
          return {
            traceId: hex(i + 1), id: hex(i + 1), name: `n${i}`, timestamp: T0 + i, localEndpoint: { serviceName: `s${i}` },
            tags: { [`k${i}`]: 'v' }, annotations: [{ timestamp: T0 + i, value: `a${i}` }],
          };
        }));
        return [...Array.from({ length: 11 }, (_, k) => many(k * 5_000, (k + 1) * 5_000)), many(0, 100), many(54_900, 55_000)];
      } },
      { name: 'many small spans (the batch grows)', bodies: () => [
        body(...Array.from({ length: 3_000 }, (_, i) => ({ traceId: hex(i + 1), id: hex(i + 1), name: `n${i % 30}` }))),
      ] },
    ];

    for (const c of cases) {
      // Equal batches and deltas for this shape, and the fast path takes it.
      it(c.name, () => {
        const pair = new Pair(c.settings);
        const took = c.bodies().map((b) => pair.run(b));
        expect(took).toEqual(took.map(() => true));
      });
    }

    // The preparer reads a Uint8Array with an offset into its buffer, and a Buffer, alike.
    it('reads bodies that are views into larger buffers', () => {
      const pair = new Pair();
      const text = JSON.stringify([span({ name: 'Ünïcode', tags: { k: 'é' } })]);
      const big = utf8(`xxxx${text}yyyy`);
      expect(pair.run(big.subarray(4, big.length - 4))).toBe(true);
      expect(pair.run(Buffer.from(`[${JSON.stringify(span({ name: 'buf' }))}]`))).toBe(true);
    });
  });

  describe('shapes it gives up on', () => {
    const s = (fields: Json = {}): string => JSON.stringify(span(fields));
    // Each case: a body; error: the code the general path throws, or none when it accepts the body.
    const cases: { name: string; body: Uint8Array; error?: string }[] = [
      { name: 'an unknown span field', body: rawBody(withRaw(span(), '"foo":1')) },
      { name: 'a number tag value', body: rawBody(withRaw(span({ tags: undefined }), '"tags":{"n":5,"m":"x"}')) },
      { name: 'unsorted annotations', body: body(span({ annotations: [{ timestamp: T0 + 1, value: 'a' }, { timestamp: T0, value: 'b' }] })) },
      { name: 'annotations of one timestamp unsorted by value', body: body(span({ annotations: [{ timestamp: T0, value: 'b' }, { timestamp: T0, value: 'a' }] })) },
      { name: 'a duplicate annotation', body: body(span({ annotations: [{ timestamp: T0, value: 'a' }, { timestamp: T0, value: 'a' }] })) },
      { name: 'a duplicate key in a span', body: rawBody(withRaw(span(), '"name":"again"')) },
      { name: 'a duplicate key in tags', body: rawBody(withRaw(span({ tags: undefined }), '"tags":{"a":"1","b":"2","a":"3"}')) },
      { name: 'a tag key with an escape', body: rawBody(withRaw(span({ tags: undefined }), String.raw`"tags":{"a\u0062":"1"}`)) },
      { name: 'a non-ASCII tag key', body: body(span({ tags: { 'clé': 'v' } })) },
      { name: 'ids shorter than 16 chars', body: body(span({ traceId: 'abc', id: '1', parentId: '2' })) },
      { name: 'an upper-case hex trace id', body: body(span({ traceId: 'ABCDEF0123456789' })), error: 'SPAN_INVALID_TRACE_ID' },
      { name: 'an upper-case hex span id', body: body(span({ id: 'ABCDEF0123456789' })), error: 'SPAN_INVALID_ID' },
      { name: 'an all-zero span id', body: body(span({ id: '0000000000000000' })), error: 'SPAN_INVALID_ID' },
      { name: 'a missing traceId', body: body(span({ traceId: undefined })), error: 'SPAN_MISSING_TRACE_ID' },
      { name: 'a truncated body', body: utf8(`[${s()}]`.slice(0, 60)), error: 'JSON_MALFORMED' },
      { name: 'an empty body', body: new Uint8Array(0) },
      { name: 'a body of whitespace', body: utf8(' \n ') },
      { name: 'an empty list', body: utf8('[]') },
      { name: 'a span not in a list', body: utf8(s()), error: 'SPANS_NOT_ARRAY' },
      { name: 'a list holding a number', body: utf8('[1]'), error: 'SPAN_NOT_OBJECT' },
      { name: 'a trailing comma', body: utf8(`[${s()},]`), error: 'JSON_MALFORMED' },
      { name: 'trailing garbage after the list', body: utf8(`[${s()}]x`), error: 'JSON_MALFORMED' },
      { name: 'a byte-order mark', body: utf8(`\ufeff[${s()}]`) },
      { name: 'a float timestamp written with an exponent', body: rawBody(withRaw(span({ timestamp: undefined }), '"timestamp":1.5e15')) },
      { name: 'a fractional timestamp', body: rawBody(withRaw(span({ timestamp: undefined }), '"timestamp":1.5')), error: 'SPAN_INVALID_NUMBER' },
      { name: 'a 17-digit duration', body: rawBody(withRaw(span({ duration: undefined }), '"duration":12345678901234567')), error: 'SPAN_INVALID_NUMBER' },
      { name: 'a 16-digit number past 2^53', body: rawBody(withRaw(span({ timestamp: undefined }), '"timestamp":9007199254740993')), error: 'SPAN_INVALID_NUMBER' },
      { name: 'a number with a leading zero', body: rawBody(withRaw(span({ duration: undefined }), '"duration":0123')), error: 'JSON_MALFORMED' },
      { name: 'an invalid escape', body: rawBody(withRaw(span({ name: undefined }), String.raw`"name":"a\x"`)), error: 'JSON_MALFORMED' },
      { name: 'a raw control char in a string', body: rawBody(withRaw(span({ tags: undefined }), '"tags":{"a":"x\ty"}')), error: 'JSON_MALFORMED' },
      { name: 'a lower-case kind', body: body(span({ kind: 'client' })), error: 'SPAN_INVALID_KIND' },
      { name: 'a port over 65535 (after tags were interned)', body: body(span({ tags: { fresh: 'value' }, remoteEndpoint: { port: 70_000 } })), error: 'SPAN_INVALID_PORT' },
      { name: 'a string port', body: body(span({ localEndpoint: { serviceName: 'a', port: '80' } })), error: 'SPAN_INVALID_TYPE' },
      { name: 'a null tag value', body: rawBody(withRaw(span({ tags: undefined }), '"tags":{"a":null}')), error: 'SPAN_INVALID_TAG' },
      { name: 'an unknown endpoint field', body: body(span({ localEndpoint: { serviceName: 'a', zone: 'b' } })) },
      { name: 'an annotation with an extra field', body: body(span({ annotations: [{ timestamp: T0, value: 'a', x: 1 }] })) },
      { name: 'a give-up at the second span, after the first was interned', body: rawBody(
        JSON.stringify(span({ name: 'First', tags: { k1: 'v1' }, annotations: [{ timestamp: T0, value: 'a1' }], remoteEndpoint: { serviceName: 'r1' } })),
        withRaw(span({ name: 'Second', tags: { k2: 'v2' } }), '"foo":1'),
      ) },
      { name: 'a short parentId that pads to the span\'s own id (dropped)', body: body(span({ id: hex(0x77), parentId: '77' })) },
    ];

    for (const c of cases) {
      // The fast path gives up; the general path (on either packer) gives the right batch or error.
      it(c.name, () => {
        const pair = new Pair();
        if (c.error === undefined) expect(pair.run(c.body)).toBe(false);
        else {
          expect(pair.preparer.prepare(c.body)).toBeUndefined();
          expect(errorCode(() => general(pair.general, c.body, NO_KEYS))).toBe(c.error);
          expect(errorCode(() => general(pair.packer, c.body, NO_KEYS))).toBe(c.error);
        }
      });
    }

    // Either answer is allowed for invalid UTF-8, but a batch must hold the general path's U+FFFD.
    it('invalid UTF-8 bytes in strings: replaced as the general path does, or given up on', () => {
      const pair = new Pair();
      const text = rawBody(withRaw(span({ tags: undefined, name: undefined }), '"name":"n@","tags":{"a":"x@y","b":"@"}'));
      const bad = [[0xff], [0xc3], [0xe4, 0xb8], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x80, 0x80]];
      for (const bytes of bad) {
        const parts = Buffer.from(text).toString('latin1').split('@');
        const b = Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [Buffer.from(p, 'latin1')] : [Buffer.from(bytes), Buffer.from(p, 'latin1')])));
        expect(ZIPKIN_JSON_V2.decode(b)[0]?.tags?.b).toContain('\ufffd');
        pair.run(new Uint8Array(b));
      }
      expect(pair.runs).toBe(bad.length);
    });

    // A give-up part-way may leave strings interned; later batches must still match and round-trip.
    it('keeps working on a packer a give-up part-way left extra strings in', () => {
      const packer = new SpanPacker();
      const preparer = new JsonV2Preparer(packer, NO_KEYS);
      const broken = body(span({ name: 'first', tags: { k1: 'v1' } }), span({ name: 'second', tags: { k2: 'v2' }, annotations: [{ timestamp: T0, value: 'a' }], remoteEndpoint: { port: 70_000 } }));
      expect(preparer.prepare(broken)).toBeUndefined();
      expect(packer.takeDelta()?.tagKeys).toEqual(['k1', 'k2']); // interned before the bad port was read
      const later = [body(span({ name: 'second', tags: { k2: 'v2', k3: 'v3' } })), body(span({ name: 'third', tags: { k1: 'v9' } }))];
      for (const b of later) expect(checkAnyBytes(packer, preparer, b)).toBe(true);
      const spans = ZIPKIN_JSON_V2.decode(later[0] as Uint8Array);
      expectRoundTrip(packer, prepareBatch(packer, spans, NO_KEYS), spans);
    });
  });

  // A collector's sampling: only kept spans are prepared, exactly as the general path prepares
  // the spans its sampler keeps; dropped spans are still read and checked.
  describe('sampling', () => {
    /** Keeps traces whose id ends in a digit below 8 (about half), counting the questions. */
    const halfKept = (): { keep: (traceId: string) => boolean; asked: string[] } => {
      const asked: string[] = [];
      return { asked, keep: (id) => (asked.push(id), Number.parseInt(id.slice(-1), 16) < 8) };
    };
    /** The general path with a sampler: decode, keep what keep keeps or is debug, prepare. */
    const sampled = (packer: SpanPacker, b: Uint8Array, keep: (traceId: string) => boolean, settings: PrepareSettings = NO_KEYS): PreparedBatch =>
      prepareBatch(packer, ZIPKIN_JSON_V2.decode(b).filter((s) => keep(s.traceId) || s.debug === true), settings);

    it('prepares the kept spans of the fixture bodies as the general path does, and interns nothing for the rest', () => {
      const spans = fixtureBodies().flatMap(({ body: b }) => JSON.parse(Buffer.from(b).toString('utf8')) as Json[]);
      const settings: PrepareSettings = { autocompleteKeys: ['http.method', 'error'] };
      const general = new SpanPacker(), packer = new SpanPacker();
      const preparer = new JsonV2Preparer(packer, settings);
      let kept = 0, received = 0;
      for (let i = 0; i < spans.length; i += 100) {
        const b = utf8(JSON.stringify(spans.slice(i, i + 100)));
        const expected = sampled(general, b, halfKept().keep, settings);
        const got = preparer.prepare(b, halfKept().keep);
        expect(got, preview(b)).toBeDefined();
        expectEqual(got, expected, b);
        expectEqual(packer.takeDelta(), general.takeDelta(), b);
        kept += (got as PreparedBatch).count;
        received += preparer.received;
      }
      expect(received).toBe(spans.length);
      const keptByRule = spans.filter((x) => halfKept().keep((x.traceId as string).toLowerCase()) || x.debug === true).length;
      expect(kept).toBe(keptByRule);
      expect(keptByRule).toBeGreaterThan(0);
      expect(keptByRule).toBeLessThan(spans.length);
      // Every string interned came from a kept span: an all-new packer given only the kept spans interns the same.
      const fresh = new SpanPacker();
      for (let i = 0; i < spans.length; i += 100) sampled(fresh, utf8(JSON.stringify(spans.slice(i, i + 100))), halfKept().keep, settings);
      expect(packer.snapshot()).toEqual(fresh.snapshot());
    });

    it('asks once per run of spans of one trace, and keeps a debug span of a dropped trace', () => {
      const packer = new SpanPacker();
      const preparer = new JsonV2Preparer(packer, NO_KEYS);
      const a = hex(0xa1), b = hex(0xb9); // a kept, b dropped
      const list = [span({ traceId: a }), span({ traceId: a }), span({ traceId: b }), span({ traceId: b, debug: true, name: 'debugged' }), span({ traceId: a })];
      const { keep, asked } = halfKept();
      const got = preparer.prepare(body(...list), keep) as PreparedBatch;
      expect(asked).toEqual([a, b, a]);
      expect(preparer.received).toBe(5);
      expect(spanTexts(got).map((x) => x.traceId)).toEqual([a, a, b, a]);
      expect(got.traceIds).toEqual([a, b, a]); // runs of one trace, the dropped spans of b between the first two a's left out
      expect([...got.runs]).toEqual([2, 1, 1]);
      const names = [0, 1, 2, 3].map((i) => packer.nameOf(got.labels[i * 3] as number));
      expect(names).toEqual(['get', 'get', 'debugged', 'get']);
      expectEqual(got, sampled(replicaOf(new SpanPacker()), body(...list), halfKept().keep), body(...list));
    });

    it('drops every span when nothing is kept: an empty batch, nothing interned', () => {
      const packer = new SpanPacker();
      const preparer = new JsonV2Preparer(packer, NO_KEYS);
      const got = preparer.prepare(body(span({ name: 'never', tags: { only: 'here' } }), span()), () => false) as PreparedBatch;
      expect(got.count).toBe(0);
      expect(got.traceIds).toEqual([]);
      expect(got.terms).toHaveLength(0);
      expect(preparer.received).toBe(2);
      expect(packer.takeDelta()).toBeUndefined();
    });

    it('still reads and checks dropped spans: a bad one sends the body to the general path, which refuses it', () => {
      const preparer = new JsonV2Preparer(new SpanPacker(), NO_KEYS);
      const bad = body(span({ traceId: hex(0xa1) }), span({ traceId: hex(0xb9), kind: 'SIDEWAYS' }));
      expect(preparer.prepare(bad, halfKept().keep)).toBeUndefined();
      expect(errorCode(() => ZIPKIN_JSON_V2.decode(bad))).not.toBe('');
      const truncated = body(span({ traceId: hex(0xb9) })).slice(0, -3);
      expect(preparer.prepare(truncated, () => false)).toBeUndefined();
    });
  });

  describe('hostile input', () => {
    const rich = (): Uint8Array => rawBody(
      withRaw(span({ kind: 'SERVER', remoteEndpoint: { serviceName: 'caller', ipv4: '10.9.9.9', port: 40_000 }, tags: undefined, name: undefined }),
        String.raw`"name":"Caf\u00e9","tags":{"z":"1","a":"x\ny","cn":"中文"},"annotations":[{"timestamp":${T0},"value":"sr"},{"timestamp":${T0},"value":"ss"}]`),
      JSON.stringify(span({ parentId: hex(0x42), debug: true, shared: true, remoteEndpoint: { serviceName: 'db', ipv6: '::1' }, annotations: [{ timestamp: T0 - 5, value: 'é' }] })),
      JSON.stringify(span({ traceId: '4d1e00c0db9010db86154a4ba6e91385', kind: 'PRODUCER', tags: { '': '', e: '' }, timestamp: undefined, annotations: [{ timestamp: T0, value: 'ms' }] })),
    );

    // Every prefix of a body: never a throw, and a batch only for bytes the general path accepts.
    it('every truncation of a body', () => {
      for (const b of [rich(), fixture('zipkin-bench/zipkin2-chinese.json'), fixture('zipkin-lens/simple-db-p6.json')]) {
        const packer = new SpanPacker();
        const preparer = new JsonV2Preparer(packer, NO_KEYS);
        let taken = 0;
        for (let n = 0; n <= b.length; n++) if (checkAnyBytes(packer, preparer, b.subarray(0, n))) taken++;
        // Only the whole body (and it less its trailing whitespace) is valid.
        expect(taken).toBeGreaterThanOrEqual(1);
        expect(taken).toBe(b.length - Buffer.from(b).toString('latin1').trimEnd().length + 1);
      }
    });

    // 200 cut points of a big fixture, on a packer that saw it whole first.
    it('cuts of a large body', () => {
      const b = fixture('zipkin-lens/smartthings-oauth-authorization.json');
      const packer = new SpanPacker();
      const preparer = new JsonV2Preparer(packer, NO_KEYS);
      expect(checkAnyBytes(packer, preparer, b)).toBe(true);
      const next = random(11);
      for (let i = 0; i < 200; i++) expect(checkAnyBytes(packer, preparer, b.subarray(0, Math.floor(next() * b.length)))).toBe(false);
    });

    // Random byte edits: never a throw, and any batch equal to the general path's for those bytes.
    it('random mutations of valid bodies', () => {
      const interesting = [...'"\\{}[],:0-e.1 nulltrue'].map((c) => c.charCodeAt(0)).concat([0x00, 0x0a, 0x7f, 0x80, 0xc3, 0xff, 0x41]);
      const next = random(1234);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
      let taken = 0, gaveUp = 0;
      for (const seed of [rich(), fixture('zipkin-lens/simple-db-p6.json'), fixture('zipkin-bench/zipkin2-chinese.json')]) {
        const packer = new SpanPacker();
        const preparer = new JsonV2Preparer(packer, { autocompleteKeys: ['z'] });
        expect(checkAnyBytes(packer, preparer, seed, { autocompleteKeys: ['z'] })).toBe(true);
        for (let m = 0; m < 100; m++) {
          const bytes = Array.from(seed);
          for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) {
            const at = Math.floor(next() * bytes.length);
            const kind = next();
            if (kind < 0.4) bytes[at] = pick(interesting);
            else if (kind < 0.6) bytes[at] = Math.floor(next() * 256);
            else if (kind < 0.75) bytes.splice(at, 1);
            else if (kind < 0.9) bytes.splice(at, 0, pick(interesting));
            else bytes.splice(at, 0, ...bytes.slice(at, at + 1 + Math.floor(next() * 40)));
          }
          if (checkAnyBytes(packer, preparer, new Uint8Array(bytes), { autocompleteKeys: ['z'] })) taken++;
          else gaveUp++;
        }
      }
      // Both outcomes happen, so both branches of the check were exercised.
      expect(taken).toBeGreaterThan(20);
      expect(gaveUp).toBeGreaterThan(20);
    });

    // No recursion to overflow: deep nesting anywhere is given up on at once.
    it('deeply nested values', () => {
      const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
      const deepObject = (n: number): string => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
      const pair = new Pair();
      for (const members of [`"tags":${deep(10_000)}`, `"foo":${deepObject(10_000)}`, `"annotations":${deep(10_000)}`, `"remoteEndpoint":{"port":${deep(10_000)}}`]) {
        const b = rawBody(withRaw(span({ tags: undefined, annotations: undefined, remoteEndpoint: undefined }), members));
        expect(pair.preparer.prepare(b)).toBeUndefined();
      }
      expect(pair.preparer.prepare(utf8(deep(100_000)))).toBeUndefined();
      expect(pair.preparer.prepare(utf8(`[${'{"a":'.repeat(100_000)}`))).toBeUndefined();
    });

    // Five megabytes in one string: taken and equal when valid, given up on when not.
    it('a 5 MB string', { timeout: 60_000 }, () => {
      const big = 'x'.repeat(5_000_000);
      const pair = new Pair();
      expect(pair.run(body(span({ tags: { big } })))).toBe(true);
      expect(pair.run(body(span({ name: `É${big}`, annotations: [{ timestamp: T0, value: big }] })))).toBe(true);
      expect(pair.run(rawBody(withRaw(span({ tags: undefined }), `"tags":{"e":"${'\\n'.repeat(2_500_000)}"}`)))).toBe(true);
      expect(pair.preparer.prepare(utf8(`[{"traceId":"${big}`))).toBeUndefined();
      expect(pair.preparer.prepare(utf8(`[${JSON.stringify(span()).slice(0, -1)},"name":"${big}`))).toBeUndefined();
    });

    // Random spans of awkward values, now and then an invalid one, on packers that have seen
    // much: the fast path takes most bodies, and each one it takes gives the general path's batch.
    it('random spans of awkward values', () => {
      const next = random(99);
      const chance = (p: number): boolean => next() < p;
      const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
      /** Mostly `valid`, rarely `invalid`. */
      const mostly = <T>(valid: () => T, invalid: readonly unknown[]): T | unknown => (chance(0.995) ? valid() : pick(invalid));
      const names = ['get', 'GET', 'Post /Users', '', '查询', 'café', 'İSTANBUL', 'x'.repeat(201), 'y'.repeat(200), 'a"b', 'a\\b', '\u2028', '\ud800', 'é'.repeat(120)];
      const values = ['', 'v', 'V', '5', 'é', '中文', 'line\nbreak', 'q"q', '\\', 'a/b', '\u0000', '\u007f', 'z'.repeat(101), 'w'.repeat(100), '\ud83d\ude00', '\udc00'];
      const keys = ['a', 'b', 'A', 'error', 'http.path', '', '10', '9', 'a.b', 'region', 'z', 'x y'];
      const ips = ['10.0.0.1', '::1', '::FFFF:1.2.3.4', '2001:DB8::1', 'bad', null];
      const id = (): string => pick([hex(Math.floor(next() * 40) + 1), hex(Math.floor(next() * 2 ** 40))]);
      const endpoint = (): unknown => (chance(0.1) ? pick([null, {}, { port: 0 }]) : {
        serviceName: pick(['front', 'Front', 'back', '', 'Ünï', null, undefined]), ipv4: pick([...ips, undefined]),
        ipv6: chance(0.3) ? pick(ips) : undefined, port: mostly(() => pick([80, 0, -1, 65535, null, undefined]), [65536, '80']),
      });
      const randomSpan = (): Json => {
        const base = T0 + Math.floor(next() * 1e10);
        const annotations = Array.from({ length: Math.floor(next() * 4) }, () => ({ timestamp: base + Math.floor(next() * 3), value: pick(values) }))
          .sort((x, y) => x.timestamp - y.timestamp || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
        const s: Json = {
          traceId: mostly(() => pick([id(), id() + id(), `0000000000000000${id()}`]), ['abc', 'ABCDEF0123456789', null]),
          id: mostly(id, ['1', '0000000000000000']),
          parentId: chance(0.5) ? mostly(() => pick([id(), '0000000000000000', null]), ['1', 'X']) : undefined,
          kind: pick(['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER', null, undefined]),
          name: mostly(() => pick([...names, undefined]), [5]),
          timestamp: mostly(() => pick([base, 0, -1, null, undefined, 9_007_199_254_740_991, Math.ceil(T0 / WINDOW) * WINDOW - 1]), [1.5]),
          duration: pick([Math.floor(next() * 1e6), 0, -3, null, undefined]),
          localEndpoint: chance(0.7) ? endpoint() : undefined,
          remoteEndpoint: chance(0.5) ? endpoint() : undefined,
          annotations: chance(0.4) ? mostly(() => pick([annotations, null, []]), [[...annotations, ...annotations]]) : undefined,
          tags: chance(0.7) ? Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, () => [pick(keys), mostly(() => pick(values), [5, null])])) : undefined,
          debug: pick([true, false, null, undefined]),
          shared: pick([true, false, null, undefined]),
        };
        return chance(0.2) ? Object.fromEntries(Object.entries(s).reverse()) : s;
      };
      const settings: PrepareSettings = { autocompleteKeys: ['region', 'a'] };
      let taken = 0;
      for (let round = 0; round < 3; round++) {
        const packer = new SpanPacker();
        const preparer = new JsonV2Preparer(packer, settings);
        for (let i = 0; i < 200; i++) {
          const spans = Array.from({ length: 1 + Math.floor(next() * 6) }, randomSpan);
          let text = chance(0.3) ? JSON.stringify(spans, null, 2) : JSON.stringify(spans);
          if (chance(0.2)) text = text.replace(/é/g, '\\u00e9').replace(/\//g, '\\/');
          if (checkAnyBytes(packer, preparer, utf8(text), settings)) taken++;
        }
      }
      expect(taken).toBeGreaterThan(400);
      expect(taken).toBeLessThan(600);
    });
  });
});
