import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { exportTraceResponse, rpcStatus } from './response.js';

describe('OTLP responses', () => {
  it('ExportTraceServiceResponse decodes with the real schema, with and without partial success', async () => {
    const base = fileURLToPath(new URL('../../testdata/otlp-proto/', import.meta.url));
    const root = new protobuf.Root();
    root.resolvePath = (_o, t) => base + t;
    await root.load('opentelemetry/proto/collector/trace/v1/trace_service.proto');
    const Response = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
    expect(exportTraceResponse('proto')).toHaveLength(0);
    const decoded = Response.toObject(Response.decode(exportTraceResponse('proto', 3, 'span 2: bad id')), { longs: Number });
    expect(decoded).toEqual({ partialSuccess: { rejectedSpans: 3, errorMessage: 'span 2: bad id' } });
    expect(JSON.parse(new TextDecoder().decode(exportTraceResponse('json', 3, 'x')))).toEqual({ partialSuccess: { rejectedSpans: '3', errorMessage: 'x' } });
    expect(new TextDecoder().decode(exportTraceResponse('json'))).toBe('{}');
  });

  it('google.rpc.Status as protobuf (field 1 code, field 2 message) and JSON', () => {
    const status = protobuf.Root.fromJSON({
      nested: { Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } } } },
    }).lookupType('Status');
    expect(status.toObject(status.decode(rpcStatus('proto', 3, 'span 0: traceId is empty')))).toEqual({ code: 3, message: 'span 0: traceId is empty' });
    expect(JSON.parse(new TextDecoder().decode(rpcStatus('json', 3, 'bad')))).toEqual({ code: 3, message: 'bad' });
  });
});
