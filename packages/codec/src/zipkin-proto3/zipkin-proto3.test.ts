import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normalizeSpans, SpanValidationError, type Span } from '@skein/model';
import protobuf from 'protobufjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ZIPKIN_PROTO3 } from './index.js';

/**
 * zipkin-js has no proto3 encoder on npm, so the independent peer is protobufjs loading the real
 * zipkin.proto (testdata/zipkin, from openzipkin/zipkin-api): it writes the bytes we decode and
 * reads the bytes we encode.
 */
let ListOfSpans: protobuf.Type;
const dir = fileURLToPath(new URL('../../../model/testdata/zipkin-lens/', import.meta.url));
const traces = readdirSync(dir).filter((f) => f.endsWith('.json'));

beforeAll(async () => {
  const root = await protobuf.load(fileURLToPath(new URL('../../testdata/zipkin/zipkin.proto', import.meta.url)));
  ListOfSpans = root.lookupType('zipkin.proto3.ListOfSpans');
});

const KIND = { CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 } as const;
const ipBytes = (ip: string): Buffer => Buffer.from(ip.includes(':') ? expandV6(ip) : ip.split('.').map(Number));

function expandV6(ip: string): number[] {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const words = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t].map((w) => parseInt(w, 16));
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

/** A Zipkin v2 JSON span as the protobufjs object of zipkin.proto3.Span. */
function toProto(s: Span): Record<string, unknown> {
  const ep = (e: NonNullable<Span['localEndpoint']>): Record<string, unknown> => ({
    serviceName: e.serviceName,
    ipv4: e.ipv4 !== undefined ? ipBytes(e.ipv4) : undefined,
    ipv6: e.ipv6 !== undefined ? ipBytes(e.ipv6) : undefined,
    port: e.port,
  });
  return {
    traceId: Buffer.from(s.traceId, 'hex'),
    parentId: s.parentId !== undefined ? Buffer.from(s.parentId, 'hex') : undefined,
    id: Buffer.from(s.id, 'hex'),
    kind: s.kind !== undefined ? KIND[s.kind] : undefined,
    name: s.name,
    timestamp: s.timestamp,
    duration: s.duration,
    localEndpoint: s.localEndpoint !== undefined ? ep(s.localEndpoint) : undefined,
    remoteEndpoint: s.remoteEndpoint !== undefined ? ep(s.remoteEndpoint) : undefined,
    annotations: s.annotations,
    tags: s.tags,
    debug: s.debug,
    shared: s.shared,
  };
}

/** Binary formats carry IPv4 as 4 bytes: write "52.0.0.04" (in one trace) canonically. */
function load(file: string): Span[] {
  const json = readFileSync(dir + file, 'utf8').replace(/"ipv4":\s*"([\d.]+)"/g, (_m, ip: string) => `"ipv4":"${ip.split('.').map(Number).join('.')}"`);
  return normalizeSpans(JSON.parse(json));
}

describe('ZIPKIN_PROTO3 with the real zipkin.proto (protobufjs)', () => {
  it.each(traces)('decodes %s as protobufjs wrote it, to the same spans as its JSON', (file) => {
    const spans = load(file);
    const body = ListOfSpans.encode(ListOfSpans.fromObject({ spans: spans.map(toProto) })).finish();
    expect(ZIPKIN_PROTO3.decode(body)).toEqual(spans);
  });

  it.each(traces)('encodes %s to bytes protobufjs reads back field for field', (file) => {
    const spans = load(file);
    const read = ListOfSpans.toObject(ListOfSpans.decode(ZIPKIN_PROTO3.encode(spans)), { longs: Number, bytes: Array });
    const expected = ListOfSpans.toObject(ListOfSpans.fromObject({ spans: spans.map(toProto) }), { longs: Number, bytes: Array });
    expect(read).toEqual(expected);
    expect(ZIPKIN_PROTO3.decode(ZIPKIN_PROTO3.encode(spans))).toEqual(spans);
  });
});

describe('ZIPKIN_PROTO3.decode leniencies and rules (as Zipkin Proto3ZipkinFields)', () => {
  const encode = (spans: Record<string, unknown>[]): Uint8Array => ListOfSpans.encode(ListOfSpans.fromObject({ spans })).finish();
  const ids = { traceId: Buffer.from('48485a3953bb6124', 'hex'), id: Buffer.from('a2fb4a1d1a96d312', 'hex') };

  it('drops annotations without timestamp or value and tags without key; empty strings are absent; unknown kinds ignored', () => {
    const [s] = ZIPKIN_PROTO3.decode(
      encode([
        {
          ...ids,
          kind: 7,
          name: '',
          localEndpoint: { serviceName: '', ipv6: Buffer.from('00000000000000000000ffff01020304', 'hex'), port: 0 },
          annotations: [{ timestamp: 0, value: 'x' }, { timestamp: 5, value: '' }, { timestamp: 6, value: 'ok' }],
          tags: { '': 'v', k: '' },
        },
      ]),
    );
    expect(s).toEqual({
      traceId: '48485a3953bb6124',
      id: 'a2fb4a1d1a96d312',
      localEndpoint: { ipv4: '1.2.3.4' }, // IPv4-mapped IPv6 reads as IPv4, as in Zipkin
      annotations: [{ timestamp: 6, value: 'ok' }],
      tags: { k: '' },
    });
  });

  it('skips unknown fields (forward compatibility)', () => {
    const body = encode([{ ...ids, name: 'x' }]);
    // append an unknown field 99 (varint) inside the span: rebuild the outer length
    const span = Buffer.concat([Buffer.from(body.subarray(2)), Buffer.from([0x98, 0x06, 0x01])]);
    const withUnknown = Buffer.concat([Buffer.from([0x0a, span.length]), span, Buffer.from([0x10, 0x05])]);
    expect(ZIPKIN_PROTO3.decode(withUnknown)).toEqual([{ traceId: '48485a3953bb6124', id: 'a2fb4a1d1a96d312', name: 'x' }]);
  });

  it('names the span and the rule for bad ids and ports', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...ids, traceId: Buffer.from('0102030405', 'hex') }, 'SPAN_INVALID_TRACE_ID', /traceId must be 8 or 16 bytes, got 5/],
      [{ traceId: ids.traceId }, 'SPAN_MISSING_ID', /id is missing/],
      [{ ...ids, id: Buffer.alloc(8) }, 'SPAN_INVALID_ID', /all zeros/],
      [{ ...ids, id: Buffer.alloc(9, 1) }, 'SPAN_INVALID_ID', /id must be 8 bytes, got 9/],
      [{ ...ids, localEndpoint: { port: 70000 } }, 'SPAN_INVALID_PORT', /over 65535/],
    ];
    for (const [bad, code, rule] of cases) {
      let err: unknown;
      try {
        ZIPKIN_PROTO3.decode(encode([{ ...ids }, bad]));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SpanValidationError);
      expect((err as SpanValidationError).code).toBe(code);
      expect((err as SpanValidationError).index).toBe(1);
      expect((err as Error).message).toMatch(rule);
    }
  });

  it('decodes an empty body to no spans', () => {
    expect(ZIPKIN_PROTO3.decode(new Uint8Array())).toEqual([]);
  });
});
