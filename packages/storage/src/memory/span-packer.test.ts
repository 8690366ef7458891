import { describe, expect, it } from 'vitest';
import type { Span } from '@skein/model';
import { SpanPacker } from './span-packer.js';

const TRACE = '463ac35c9f6413ad48485a3953bb6124';

describe('SpanPacker', () => {
  it('round-trips every field, relative to the trace base time', () => {
    const packer = new SpanPacker();
    const span: Span = {
      traceId: TRACE, id: '48485a3953bb6124', parentId: '0000000000000001', kind: 'PRODUCER', name: 'send',
      timestamp: 1_700_000_000_000_123, duration: 1,
      localEndpoint: { serviceName: 'a', ipv4: '10.0.0.1', port: 80 },
      remoteEndpoint: { serviceName: 'kafka', ipv6: '::1' },
      annotations: [{ timestamp: 1_700_000_000_000_100, value: 'ws' }],
      tags: { z: '1', a: '"quoted"\n' }, debug: true, shared: true,
    };
    const packed = packer.pack(span, TRACE, 1_700_000_000_000_000);
    expect(packed).not.toContain('\n');
    expect(packed).not.toContain(TRACE);
    expect(packer.unpack(packed, TRACE, 1_700_000_000_000_000)).toEqual(span);
  });

  it('keeps a tag named __proto__ as a tag when unpacking', () => {
    const packer = new SpanPacker();
    const span = JSON.parse('{"traceId":"0000000000000001","id":"0000000000000001","tags":{"__proto__":"x","a":"y"}}') as Span;
    const tags = packer.unpack(packer.pack(span, span.traceId, 0), span.traceId, 0).tags ?? {};
    expect(Object.keys(tags)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(tags, '__proto__')?.value).toBe('x');
  });

  it('keeps a span trace id that differs from the stored one, and drops trailing defaults', () => {
    const packer = new SpanPacker();
    const low: Span = { traceId: TRACE.slice(16), id: '0000000000000002' };
    expect(packer.unpack(packer.pack(low, TRACE, 0), TRACE, 0)).toEqual(low);
    const minimal: Span = { traceId: TRACE, id: '0000000000000003' };
    const packed = packer.pack(minimal, TRACE, 0);
    expect(packed).toBe('["0000000000000003",0,0,0,null,0,0,0]');
    expect(packer.unpack(packed, TRACE, 0)).toEqual(minimal);
  });

  it('packs equal spans to equal strings (interning is decided at first sight)', () => {
    const packer = new SpanPacker();
    const span: Span = { traceId: TRACE, id: '0000000000000004', name: 'n', tags: { k: 'v' }, localEndpoint: { serviceName: 's' } };
    const first = packer.pack(span, TRACE, 0);
    for (let i = 0; i < 3000; i++) packer.pack({ ...span, tags: { k: `v${i}` }, name: `n${i}` }, TRACE, 0);
    expect(packer.pack(span, TRACE, 0)).toBe(first);
    // Past the per-key cap new values stay inline and still round-trip.
    const late: Span = { ...span, tags: { k: 'brand new' } };
    expect(packer.pack(late, TRACE, 0)).toContain('"brand new"');
    expect(packer.unpack(packer.pack(late, TRACE, 0), TRACE, 0)).toEqual(late);
  });
});
