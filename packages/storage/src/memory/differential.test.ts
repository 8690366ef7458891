import { describe, expect, it } from 'vitest';
import type { DependencyLink, Span, SpanKind } from '@skein/model';
import { canonical } from '../conformance/assertions.js';
import type { QueryRequest } from '../storage.js';
import { InMemoryStorage } from './in-memory-storage.js';
import { ReferenceStorage } from './reference-storage.js';
import { seededRandom as random } from '@skein/model/testing';

// InMemoryStorage (indexes, packed spans, block bounds, cached links) must answer exactly like
// ReferenceStorage (scans everything) on random data and random queries.

const rnd = random(7);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const hex = (n: number): string => n.toString(16).padStart(16, '0');

const SERVICES = ['a', 'b', 'c', 'd', 'e'];
const NAMES = ['get', 'post', 'query', 'send'];
const KINDS: (SpanKind | undefined)[] = ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER', undefined];
const TAGS: [string, string][] = [['http.method', 'GET'], ['http.method', 'POST'], ['error', ''], ['error', 'boom'], ['db', 'x']];
const WORDS = ['ws', 'wr', 'retry'];
const T0 = (Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000) * 1000;

let clock = 0;
function randomTrace(n: number): Span[] {
  const low = hex(n * 7919 + 1);
  const wide = `${hex(n + 1)}${low}`;
  const mode = rnd();
  const spans: Span[] = [];
  const count = 1 + Math.floor(rnd() * 6);
  for (let i = 0; i < count; i++) {
    // Mostly 128-bit; some traces 64-bit; some mix both forms of the id.
    const traceId = mode < 0.6 ? wide : mode < 0.85 ? low : i % 2 === 0 ? wide : low;
    clock += 1 + Math.floor(rnd() * 50_000_000);
    const s: Span = { traceId, id: hex(n * 100 + i + 1), timestamp: T0 + clock };
    if (i > 0) s.parentId = hex(n * 100 + Math.floor(rnd() * i) + 1);
    const kind = pick(KINDS);
    if (kind !== undefined) s.kind = kind;
    if (rnd() < 0.9) s.name = pick(NAMES);
    if (rnd() < 0.9) s.duration = 1 + Math.floor(rnd() * 1000);
    if (rnd() < 0.9) s.localEndpoint = { serviceName: pick(SERVICES) };
    if (rnd() < 0.6) s.remoteEndpoint = { serviceName: pick(SERVICES), ipv4: '10.0.0.1' };
    if (rnd() < 0.6) {
      const [k, v] = pick(TAGS);
      s.tags = { [k]: v };
    }
    if (rnd() < 0.3) s.annotations = [{ timestamp: T0 + clock + 1, value: pick(WORDS) }];
    if (i > 0 && rnd() < 0.1) delete s.timestamp;
    if (i > 0 && rnd() < 0.2) {
      // A server sharing the id of the client that called it (B3 single-span RPC), on one of two
      // hosts of its service; sometimes its client was never reported (the linker then relies on shared).
      const client = spans[Math.floor(rnd() * i)] as Span;
      s.id = client.id;
      if (client.parentId === undefined) delete s.parentId;
      else s.parentId = client.parentId;
      s.kind = 'SERVER';
      s.shared = true;
      s.localEndpoint = { serviceName: pick(SERVICES), ipv4: pick(['10.0.0.2', '10.0.0.3']) };
      if (client.shared !== true && rnd() < 0.3) client.kind = 'CLIENT';
    }
    spans.push(s);
  }
  return spans;
}

function randomQuery(): QueryRequest {
  const q: QueryRequest = {
    endTs: Math.floor((T0 + Math.floor(rnd() * clock * 1.1)) / 1000),
    lookback: 1 + Math.floor(rnd() * (clock / 1000)),
    limit: 1 + Math.floor(rnd() * 15),
  };
  if (rnd() < 0.6) q.serviceName = pick(SERVICES);
  if (rnd() < 0.25) q.spanName = pick(NAMES);
  if (q.serviceName !== undefined && rnd() < 0.25) q.remoteServiceName = pick(SERVICES);
  if (rnd() < 0.4) {
    const terms: Record<string, string> = {};
    const [k, v] = pick(TAGS);
    terms[k] = rnd() < 0.5 ? v : '';
    if (rnd() < 0.3) terms[pick(WORDS)] = '';
    q.annotationQuery = terms;
  }
  if (rnd() < 0.3) {
    q.minDuration = 1 + Math.floor(rnd() * 900);
    if (rnd() < 0.5) q.maxDuration = q.minDuration + Math.floor(rnd() * 300);
  }
  return q;
}

const links = (l: DependencyLink[]) =>
  l.map((x) => `${x.parent}>${x.child}:${x.callCount}/${x.errorCount ?? 0}`).sort();

describe.each([true, false])('InMemoryStorage agrees with a full scan (strictTraceId=%s)', (strictTraceId) => {
  it('on 600 random traces arriving in pieces, with duplicates, and 400 random queries', async () => {
    const options = { strictTraceId, autocompleteKeys: ['http.method'] };
    const memory = new InMemoryStorage({ ...options, blockBits: 4 }); // small blocks: exercise block skipping
    const reference = new ReferenceStorage(options);
    const pieces: Span[] = [];
    for (let n = 0; n < 600; n++) for (const s of randomTrace(n)) pieces.push(s);
    // Accept in random batches, out of order, some spans twice.
    while (pieces.length > 0) {
      const batch = pieces.splice(0, 1 + Math.floor(rnd() * 40));
      if (rnd() < 0.2) batch.push(...batch.slice(0, 3));
      const shuffled = batch.sort(() => rnd() - 0.5);
      await memory.accept(shuffled);
      await reference.accept(shuffled);
    }
    expect(await memory.getServiceNames()).toEqual(await reference.getServiceNames());
    for (const s of SERVICES) {
      expect(await memory.getSpanNames(s)).toEqual(await reference.getSpanNames(s));
      expect(await memory.getRemoteServiceNames(s)).toEqual(await reference.getRemoteServiceNames(s));
    }
    expect(await memory.getValues('http.method')).toEqual(await reference.getValues('http.method'));
    let nonEmpty = 0;
    for (let i = 0; i < 400; i++) {
      const q = randomQuery();
      const [a, b] = [await memory.getTraces(q), await reference.getTraces(q)];
      expect(a.map(canonical), JSON.stringify(q)).toEqual(b.map(canonical));
      if (b.length > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(100); // the queries are not trivially empty
    for (let i = 0; i < 60; i++) {
      const q = randomQuery();
      expect(links(await memory.getDependencies(q.endTs, q.lookback))).toEqual(links(await reference.getDependencies(q.endTs, q.lookback)));
      const id = pick([hex(i * 7919 + 1), `${hex(i + 1)}${hex(i * 7919 + 1)}`]);
      expect(canonical(await memory.getTrace(id))).toEqual(canonical(await reference.getTrace(id)));
    }
    const day = await memory.getDependencies(Math.floor((T0 + clock) / 1000) + 1, 86_400_000);
    expect(links(day)).toEqual(links(await reference.getDependencies(Math.floor((T0 + clock) / 1000) + 1, 86_400_000)));
    expect(day.length).toBeGreaterThan(5);
  });
});
