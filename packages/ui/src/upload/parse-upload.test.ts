import { describe, expect, it } from 'vitest';
import { parseUpload, UploadError } from './parse-upload.js';

const codeOf = (text: string): string => {
  try { parseUpload(text); return 'none'; } catch (e) { return e instanceof UploadError ? e.code : 'other'; }
};

describe('parseUpload', () => {
  it('reads a Zipkin v2 list and leaves out malformed spans, saying why', () => {
    const r = parseUpload(JSON.stringify([
      { traceId: 'abc', id: '1', name: 'a', timestamp: 10, duration: 5 },
      { traceId: 'abc', name: 'no id' },
      'nonsense',
    ]));
    expect(r.format).toBe('zipkin-v2');
    expect(r.traces).toHaveLength(1);
    expect(r.traces[0]!.spans).toHaveLength(1);
    expect(r.problems[0]).toMatch(/2 spans were left out: span 1: id is missing/);
  });

  it('splits a search answer (list of traces) by trace id', () => {
    const r = parseUpload(JSON.stringify([[{ traceId: 'a', id: '1' }], [{ traceId: 'b', id: '2' }]]));
    expect(r.traces.map((t) => t.traceId).sort()).toEqual(['a', 'b']);
  });

  it('converts OTLP/JSON like the OpenTelemetry Zipkin exporter', () => {
    const otlp = {
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeSpans: [{ spans: [{
          traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', parentSpanId: '',
          name: 'GET /cart', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000250000000',
          attributes: [{ key: 'http.status_code', value: { intValue: '500' } }],
          events: [{ timeUnixNano: '1700000000100000000', name: 'cache miss' }],
          status: { code: 2, message: 'boom' },
        }, { spanId: 'nope' }] }],
      }],
    };
    const r = parseUpload(JSON.stringify(otlp));
    expect(r.format).toBe('otlp-json');
    expect(r.traces[0]!.spans[0]).toEqual({
      traceId: '5b8efff798038103d269b633813fc60c', id: 'eee19b7ec3c1b174', name: 'GET /cart', kind: 'SERVER',
      timestamp: 1700000000000000, duration: 250000, localEndpoint: { serviceName: 'checkout' },
      tags: { 'http.status_code': '500', 'otel.status_code': 'ERROR', error: 'boom' },
      annotations: [{ timestamp: 1700000000100000, value: 'cache miss' }],
    });
    expect(r.problems[0]).toMatch(/1 OTLP spans/);
  });

  it('rejects empty, malformed and unknown input with stable codes', () => {
    expect(codeOf('  ')).toBe('UPLOAD_EMPTY');
    expect(codeOf('[{"traceId": "a", "id": ')).toBe('UPLOAD_BAD_JSON');
    expect(codeOf('{"hello": 1}')).toBe('UPLOAD_UNKNOWN_FORMAT');
    expect(codeOf('[1, 2]')).toBe('UPLOAD_NO_SPANS');
  });
});
