import { OTLP_PROTO } from '@skein/codec';
import type { Span } from '@skein/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../src/testing.js';
import { RawGrpcConnection } from './grpc-raw-client.js';

const EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const hex = (n: number): string => n.toString(16).padStart(16, '0');
const spans = (trace: number, n: number): Span[] =>
  Array.from({ length: n }, (_, i) => ({
    traceId: hex(trace), id: hex(i + 1), name: `op ${i}`, timestamp: Date.now() * 1000 + i, duration: 10,
    localEndpoint: { serviceName: 'bench' }, tags: { 'http.url': `http://example.com/${'x'.repeat(200)}/${i}` },
  }));

// The benchmark's gRPC load generator must count only the calls the server acknowledged.
describe('the benchmark raw gRPC client', () => {
  let skein: TestServer;
  let address = '';
  beforeAll(async () => {
    skein = await startTestServer({ grpcPort: 0, storage: 'memory' });
    address = (skein.server.collectorAddresses.find((a) => a.startsWith('grpc ')) ?? '').slice('grpc '.length);
  });
  afterAll(async () => skein.close());

  it('succeeds for what the server stores, fails for what it refuses, and streams bodies bigger than the flow-control windows', async () => {
    const c = new RawGrpcConnection(address, EXPORT);
    try {
      const big = Buffer.from(OTLP_PROTO.encode(spans(2, 2000))); // several times HTTP/2's 64 KiB windows
      expect(big.length).toBeGreaterThan(4 * 65_535);
      expect(await c.unary(Buffer.from(OTLP_PROTO.encode(spans(1, 10))))).toBe(true);
      expect(await c.unary(Buffer.from('not protobuf \u00ff\u00ff', 'latin1'))).toBe(false);
      expect(await c.unary(big)).toBe(true);
      let ok = 0;
      for (let i = 0; i < 50; i++) if (await c.unary(Buffer.from(OTLP_PROTO.encode(spans(100 + i, 3))))) ok++;
      expect(ok).toBe(50);
      expect(await skein.server.storage.getTrace(hex(1))).toHaveLength(10);
      expect(await skein.server.storage.getTrace(hex(2))).toHaveLength(2000);
      expect(await skein.server.storage.getTrace(hex(149))).toHaveLength(3);
    } finally {
      c.close();
    }
  });
});
