import { ZIPKIN_JSON_V2 } from '@skein/codec';
import type { Span } from '@skein/model';
import { describe, expect, it } from 'vitest';
import { writeLinks, writeNames, writeTrace, writeTraces } from './json.js';

const span = (id: string, extra: Partial<Span> = {}): Span => ({
  traceId: '000000000000000a', id, name: 'get', timestamp: 1_700_000_000_000_000, duration: 5,
  localEndpoint: { serviceName: 'web' }, tags: { 'http.path': '/"quoted"\n' }, ...extra,
});

describe('query JSON', () => {
  it('writes a trace with the JSON v2 codec', () => {
    const trace = [span('0000000000000001'), span('0000000000000002', { parentId: '0000000000000001' })];
    expect(writeTrace(trace).toString()).toBe(Buffer.from(ZIPKIN_JSON_V2.encode(trace)).toString());
    expect(JSON.parse(writeTrace(trace).toString())).toEqual(trace);
  });

  it('writes a list of traces as [ + traces joined by , + ]', () => {
    const a = [span('0000000000000001')];
    const b = [span('0000000000000002'), span('0000000000000003')];
    const enc = (t: Span[]) => Buffer.from(ZIPKIN_JSON_V2.encode(t)).toString();
    expect(writeTraces([a, b]).toString()).toBe(`[${enc(a)},${enc(b)}]`);
    expect(JSON.parse(writeTraces([a, b]).toString())).toEqual([a, b]);
    expect(writeTraces([]).toString()).toBe('[]');
  });

  it('writes dependency links as Zipkin does, errorCount only when not zero', () => {
    expect(writeLinks([
      { parent: 'a', child: 'b', callCount: 3, errorCount: 0 },
      { parent: 'b', child: 'c', callCount: 2, errorCount: 1 },
    ])).toBe('[{"parent":"a","child":"b","callCount":3},{"parent":"b","child":"c","callCount":2,"errorCount":1}]');
  });

  it('writes names sorted by UTF-16 code unit, escaped', () => {
    expect(writeNames(['b', 'B', 'foo\tbar', '个', 'a'])).toBe('["B","a","b","foo\\tbar","个"]');
  });
});
