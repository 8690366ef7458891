import type { Span } from '@skein/model';
import zipkin from 'zipkin';
import { describe, expect, it } from 'vitest';
import { ZIPKIN_JSON_V1 } from './index.js';

const { jsonEncoder, model, option, TraceId } = zipkin;

// zipkin-js (npm `zipkin`) reports JSON v1 by default; these bodies come from its own encoder.
function zipkinJsSpan(kind: string | undefined, opts: { shared?: boolean; traceId?: string } = {}): InstanceType<typeof model.Span> {
  const id = new TraceId({
    traceId: opts.traceId ?? 'a1b2c3d4e5f60718',
    parentId: new option.Some('0000000000000001'),
    spanId: '0000000000000002',
    sampled: new option.Some(true),
    shared: opts.shared ?? false,
  });
  const s = new model.Span(id);
  s.setName('GET /Users');
  if (kind !== undefined) s.setKind(kind);
  s.setTimestamp(1_600_000_000_000_000);
  s.setDuration(2500);
  s.setLocalEndpoint(new model.Endpoint({ serviceName: 'Frontend', ipv4: '10.0.0.1', port: 8080 }));
  if (kind !== undefined) s.setRemoteEndpoint(new model.Endpoint({ serviceName: 'backend', ipv4: '10.0.0.2', port: 9000 }));
  s.addAnnotation(1_600_000_000_000_100, 'retry');
  s.putTag('http.path', '/users');
  return s;
}

function body(...spans: Array<InstanceType<typeof model.Span>>): Uint8Array {
  return new TextEncoder().encode(`[${spans.map((s) => jsonEncoder.JSON_V1.encode(s)).join(',')}]`);
}

const common = {
  traceId: 'a1b2c3d4e5f60718', parentId: '0000000000000001', id: '0000000000000002', name: 'get /users',
  localEndpoint: { serviceName: 'frontend', ipv4: '10.0.0.1', port: 8080 },
  annotations: [{ timestamp: 1_600_000_000_000_100, value: 'retry' }], tags: { 'http.path': '/users' },
};

describe('zipkin-js JSON v1 bodies', () => {
  it('decodes a CLIENT span (cs/cr, sa)', () => {
    expect(ZIPKIN_JSON_V1.decode(body(zipkinJsSpan('CLIENT')))).toEqual<Span[]>([{
      ...common, kind: 'CLIENT', timestamp: 1_600_000_000_000_000, duration: 2500,
      remoteEndpoint: { serviceName: 'backend', ipv4: '10.0.0.2', port: 9000 },
    }]);
  });
  it('decodes a shared SERVER span (no v1 timestamp, sr/ss, ca)', () => {
    expect(ZIPKIN_JSON_V1.decode(body(zipkinJsSpan('SERVER', { shared: true })))).toEqual<Span[]>([{
      ...common, kind: 'SERVER', shared: true, timestamp: 1_600_000_000_000_000, duration: 2500,
      remoteEndpoint: { serviceName: 'backend', ipv4: '10.0.0.2', port: 9000 },
    }]);
  });
  it('decodes PRODUCER, CONSUMER and local spans and a 128-bit trace id', () => {
    const spans = ZIPKIN_JSON_V1.decode(body(
      zipkinJsSpan('PRODUCER'), zipkinJsSpan('CONSUMER'), zipkinJsSpan(undefined, { traceId: '463ac35c9f6413ad48485a3953bb6124' }),
    ));
    expect(spans.map((s) => s.kind)).toEqual(['PRODUCER', 'CONSUMER', undefined]);
    expect(spans[0]).toMatchObject({ timestamp: 1_600_000_000_000_000, duration: 2500, remoteEndpoint: { serviceName: 'backend' } });
    expect(spans[1]).toMatchObject({ timestamp: 1_600_000_000_000_000, duration: 2500, remoteEndpoint: { serviceName: 'backend' } });
    expect(spans[2]).toEqual({ ...common, traceId: '463ac35c9f6413ad48485a3953bb6124', timestamp: 1_600_000_000_000_000, duration: 2500 });
  });
  it('zipkin-js JSON v2 bodies of the same spans decode the same through JSON v1', () => {
    const s = zipkinJsSpan('CLIENT');
    const v2 = JSON.parse(jsonEncoder.JSON_V2.encode(s)) as Record<string, unknown>;
    expect(ZIPKIN_JSON_V1.decode(body(s))).toEqual([{ ...v2, name: 'get /users', localEndpoint: common.localEndpoint }]);
  });
});
