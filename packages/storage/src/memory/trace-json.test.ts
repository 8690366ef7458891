import { ZIPKIN_JSON_V2 } from '@skein/codec';
import type { Span, SpanKind } from '@skein/model';
import { describe, expect, it } from 'vitest';
import { fixtureTraces } from './fixtures.test-util.js';
import { InMemoryStorage } from './in-memory-storage.js';
import { seededRandom as random } from '@skein/model/testing';

// getTraceJson renders stored spans straight to Zipkin JSON v2: it must give exactly the bytes
// of encoding getTrace() with the codec, for real traces and for random, awkward spans.

const rnd = random(11);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const hex = (n: number): string => n.toString(16).padStart(16, '0');
const STRINGS = ['get', 'a "quoted" name', 'tab\there', 'ünïcode ✓', 'emoji 🚀', 'back\\slash', '', '123', '0', 'x'.repeat(300), 'line\nbreak'];
const KINDS: (SpanKind | undefined)[] = ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER', undefined];

function randomSpan(traceId: string, i: number): Span {
  const s: Span = { traceId, id: hex(i + 1) };
  if (i > 0 && rnd() < 0.8) s.parentId = hex(Math.floor(rnd() * i) + 1);
  const kind = pick(KINDS);
  if (kind !== undefined) s.kind = kind;
  if (rnd() < 0.8) s.name = pick(STRINGS);
  if (rnd() < 0.9) s.timestamp = 1_700_000_000_000_000 + Math.floor(rnd() * 1e9);
  if (rnd() < 0.8) s.duration = 1 + Math.floor(rnd() * 1e6);
  if (rnd() < 0.9) s.localEndpoint = { serviceName: pick(STRINGS), ipv4: '10.0.0.1', port: pick([1, 8080, 65535]) };
  if (rnd() < 0.5) s.remoteEndpoint = rnd() < 0.5 ? { ipv6: '2001:db8::1', port: Math.floor(rnd() * 65535) + 1 } : { serviceName: pick(STRINGS) };
  if (rnd() < 0.6) {
    const tags: Record<string, string> = {};
    for (let k = Math.floor(rnd() * 4); k >= 0; k--) tags[pick(STRINGS) || 'k'] = pick(STRINGS);
    s.tags = tags;
  }
  if (rnd() < 0.4) s.annotations = [{ timestamp: (s.timestamp ?? 1_700_000_000_000_000) + 5, value: pick(STRINGS) || 'v' }];
  if (rnd() < 0.1) s.debug = true;
  if (rnd() < 0.1 && s.kind === 'SERVER') s.shared = true;
  return s;
}

async function expectSameBytes(store: InMemoryStorage, traceId: string): Promise<void> {
  const spans = await store.getTrace(traceId);
  const text = await store.getTraceJson(traceId);
  if (spans.length === 0) expect(text).toBeUndefined();
  else expect(text).toBe(Buffer.from(ZIPKIN_JSON_V2.encode(spans)).toString('utf8'));
}

describe('InMemoryStorage.getTraceJson', () => {
  it('gives the bytes of ZIPKIN_JSON_V2.encode(getTrace()) for every real trace', async () => {
    const store = new InMemoryStorage();
    const ids = new Set<string>();
    for (const trace of fixtureTraces()) {
      await store.accept(trace);
      for (const s of trace) ids.add(s.traceId);
    }
    expect(ids.size).toBeGreaterThan(5);
    for (const id of ids) await expectSameBytes(store, id);
  });

  it('gives the same bytes for random spans, mixed 64/128-bit ids, strict or not, and for big traces', async () => {
    for (const strictTraceId of [true, false]) {
      const store = new InMemoryStorage({ strictTraceId });
      const ids: string[] = [];
      for (let n = 0; n < 60; n++) {
        const low = hex(n * 7919 + 1);
        const wide = `${hex(n + 1)}${low}`;
        const count = n % 10 === 0 ? 1500 : 1 + Math.floor(rnd() * 8);
        const spans = Array.from({ length: count }, (_, i) => randomSpan(n % 3 === 0 && i % 2 === 1 ? low : wide, i));
        for (let i = 0; i < spans.length; i += 7) await store.accept(spans.slice(i, i + 7));
        ids.push(low, wide);
      }
      for (const id of ids) await expectSameBytes(store, id);
      expect(await store.getTraceJson('00000000000000ff')).toBeUndefined();
    }
  });
});
