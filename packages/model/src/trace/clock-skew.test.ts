import { describe, expect, it } from 'vitest';
import type { Span } from '../span.js';
import { getClockSkew } from './clock-skew.js';
import { lensTrace } from './fixtures.test-util.js';
import { buildSpanTree } from './span-tree.js';

const byName = (spans: readonly Span[], service: string, name: string): Span =>
  spans.find((s) => s.localEndpoint?.serviceName === service && s.name === name)!;

describe('clock-skew correction', () => {
  it('moves a server that starts before its client into the middle of the client (skew.json)', () => {
    const tree = buildSpanTree(lensTrace('skew'));
    const client = byName(tree.spans, 'servicea', 'post');
    const server = byName(tree.spans, 'serviceb', 'post');
    const local = byName(tree.spans, 'serviceb', 'async');
    // client 1470150004074202 + 94539 µs; server lasted 93577 µs: latency (94539 - 93577) / 2 = 481 µs
    expect(server.timestamp).toBe(1470150004074202 + 481);
    expect(server.timestamp! + server.duration!).toBe(client.timestamp! + client.duration! - 481);
    // the server's local child moved by the same offset (65,922 µs) as it ran on the same host
    expect(local.timestamp).toBe(1470150004008762 + 65922);
    expect(tree.skewAdjusted).toBe(2);
    // the root and client are the reference and are untouched
    expect(byName(tree.spans, 'servicea', 'get').timestamp).toBe(1470150004071068);
    expect(client.timestamp).toBe(1470150004074202);
  });

  it('can be turned off', () => {
    const tree = buildSpanTree(lensTrace('skew'), { correctSkew: false });
    expect(byName(tree.spans, 'serviceb', 'post').timestamp).toBe(1470150004008761);
    expect(tree.skewAdjusted).toBe(0);
  });

  it('leaves traces without skew alone', () => {
    for (const name of ['messaging', 'yelp', 'smartthings-mobile-web-install']) {
      const input = lensTrace(name);
      const corrected = buildSpanTree(input);
      const raw = buildSpanTree(input, { correctSkew: false });
      expect(corrected.skewAdjusted).toBe(0);
      expect(Array.from(corrected.start)).toEqual(Array.from(raw.start));
    }
  });

  it('finds no skew on the same host, when the server starts after the client, or for non-RPC pairs', () => {
    const client: Span = { traceId: 'a', id: '1', kind: 'CLIENT', timestamp: 100, duration: 50, localEndpoint: { serviceName: 'a', ipv4: '10.0.0.1' } };
    const server: Span = { traceId: 'a', id: '1', kind: 'SERVER', shared: true, timestamp: 90, duration: 30, localEndpoint: { serviceName: 'b', ipv4: '10.0.0.1' } };
    expect(getClockSkew(client, server)).toBeUndefined();
    expect(getClockSkew(client, { ...server, localEndpoint: { serviceName: 'b', ipv4: '10.0.0.2' }, timestamp: 110 })).toBeUndefined();
    expect(getClockSkew({ ...client, kind: 'PRODUCER' }, { ...server, localEndpoint: { serviceName: 'b' } })).toBeUndefined();
    // different host without IPs: decided by service name
    expect(getClockSkew({ ...client, localEndpoint: { serviceName: 'a' } }, { ...server, localEndpoint: { serviceName: 'b' } })?.skew).toBe(90 - 10 - 100);
  });

  it('pushes an async server that outlives its client 1 µs after the client start', () => {
    const client: Span = { traceId: 'a', id: '1', kind: 'CLIENT', timestamp: 100, duration: 5, localEndpoint: { serviceName: 'a' } };
    const server: Span = { traceId: 'a', id: '1', kind: 'SERVER', timestamp: 50, duration: 30, localEndpoint: { serviceName: 'b' } };
    expect(getClockSkew(client, server)?.skew).toBe(50 - 100 - 1);
  });
});
