import { describe, expect, it } from 'vitest';
import { DependencyLinker } from '@skein/model';
import type { Span, SpanKind } from '@skein/model';
import { seededRandom } from '@skein/model/testing';
import { JsonV2Preparer } from './json-v2-preparer.js';
import { MemoryIndex } from './memory-index.js';
import { linkTraceRecords } from './record-linker.js';
import { SpanPacker } from './span-packer.js';

// The record linker must add exactly the links, in the same order, that DependencyLinker.putTrace
// adds for the same trace's spans, or decline. Random traces mix what the linker's rules turn
// on: shared servers on the same or another host, clients never reported, missing and unknown
// parents, cycles, messaging, error tags on clients and servers, spans without kind or
// timestamp, equal timestamps among siblings.

const hex = (n: number): string => n.toString(16).padStart(16, '0');
const SERVICES = ['a', 'b', 'c', 'd', ''];
const KINDS: (SpanKind | undefined)[] = ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER', undefined];

function randomTrace(rnd: () => number, n: number): Span[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const traceId = hex(n + 1);
  const spans: Span[] = [];
  const count = 1 + Math.floor(rnd() * 9);
  for (let i = 0; i < count; i++) {
    // Ids drawn so that some come out of order, some parents are missing and a few point at later spans.
    const s: Span = { traceId, id: hex(n * 100 + 1 + ((i * 37) % 97)) };
    if (i > 0 || rnd() < 0.2) {
      const p = Math.floor(rnd() * (i + 2));
      s.parentId = hex(n * 100 + 1 + ((p * 37) % 97) + (rnd() < 0.1 ? 50 : 0));
      if (s.parentId === s.id) delete s.parentId;
    }
    const kind = pick(KINDS);
    if (kind !== undefined) s.kind = kind;
    if (rnd() < 0.85) s.timestamp = 1_700_000_000_000_000 + Math.floor(rnd() * 4) * 1000;
    const service = pick(SERVICES);
    if (service !== '' || rnd() < 0.5) s.localEndpoint = { serviceName: service || 'x', ipv4: pick(['10.0.0.1', '10.0.0.2']) };
    if (service === '' && s.localEndpoint !== undefined && rnd() < 0.5) delete s.localEndpoint.serviceName;
    if (rnd() < 0.6) s.remoteEndpoint = { serviceName: pick(SERVICES) || 'y', port: 80 };
    if (rnd() < 0.3) s.tags = { error: rnd() < 0.5 ? '' : 'boom' };
    else if (rnd() < 0.3) s.tags = { 'http.method': 'GET' };
    if (i > 0 && rnd() < 0.25) {
      // A server sharing the id of an earlier span (its client), on the same host as it or not.
      const client = spans[Math.floor(rnd() * i)] as Span;
      s.id = client.id;
      if (client.parentId === undefined || rnd() < 0.3) delete s.parentId;
      else s.parentId = client.parentId;
      s.kind = 'SERVER';
      s.shared = true;
      s.localEndpoint = rnd() < 0.5 && client.localEndpoint !== undefined ? { ...client.localEndpoint } : { serviceName: pick(SERVICES) || 'z', ipv4: '10.0.0.9' };
    }
    spans.push(s);
  }
  return spans;
}

/** Links as DependencyLinker gives them, in its order. */
const show = (linker: DependencyLinker): string[] => linker.link().map((l) => `${l.parent}>${l.child}:${l.callCount}/${l.errorCount ?? 0}`);

describe('linkTraceRecords', () => {
  it('adds exactly the links DependencyLinker.putTrace adds, in its order, or declines', () => {
    const rnd = seededRandom(11);
    const index = new MemoryIndex(10_000_000, []);
    const traces: Span[][] = [];
    for (let n = 0; n < 3000; n++) {
      const spans = randomTrace(rnd, n);
      traces.push(spans);
      index.accept(spans);
    }
    let linked = 0, declined = 0, withLinks = 0;
    for (let ord = index.firstLive; ord < index.nextOrd; ord++) {
      const e = index.entry(ord);
      if (e === undefined) continue;
      const block = index.blocks.get(index.blockOf(ord));
      if (block === undefined) throw new Error('a stored trace has no block');
      const start = index.blockStart(index.blockOf(ord));
      const { starts, order } = block.records.grouped(index.blockStart(index.blockOf(ord) + 1) - start);
      const fromRecords = new DependencyLinker();
      const ok = linkTraceRecords(block.records, order, starts[ord - start] as number, starts[ord - start + 1] as number, index.linkNames, fromRecords);
      if (!ok) {
        declined++;
        expect(fromRecords.link()).toEqual([]);
        continue;
      }
      linked++;
      const fromSpans = new DependencyLinker().putTrace(index.decode(e));
      expect(show(fromRecords), `trace ${e.traceId}`).toEqual(show(fromSpans));
      if (fromSpans.link().length > 0) withLinks++;
    }
    // It declines where a span comes in pieces (the generator makes some: a shared id picked twice).
    expect(linked).toBeGreaterThan(2000);
    expect(withLinks).toBeGreaterThan(1200);
    expect(declined).toBeLessThan(1000);
  });

  it('declines a trace with two pieces of one span, or a local endpoint not interned', () => {
    const index = new MemoryIndex(1000, []);
    const t = 1_700_000_000_000_000;
    index.accept([
      { traceId: hex(1), id: hex(1), kind: 'SERVER', timestamp: t, localEndpoint: { serviceName: 'a' } },
      { traceId: hex(1), id: hex(1), duration: 5, localEndpoint: { serviceName: 'a' } },
    ]);
    const block = index.blocks.get(0);
    if (block === undefined) throw new Error('the trace has no block');
    const { starts, order } = block.records.grouped(1024);
    expect(starts[1]).toBe(2);
    expect(linkTraceRecords(block.records, order, 0, 2, index.linkNames, new DependencyLinker())).toBe(false);

    // An endpoint the packer no longer interns (its service has 64 already) is only told apart by its text.
    const packer = new SpanPacker();
    for (let p = 1; p <= 64; p++) packer.packEndpoint({ serviceName: 'busy', port: p }, true);
    expect(packer.packEndpoint({ serviceName: 'busy', port: 65 }, true)).toBeTypeOf('string');
    const preparer = new JsonV2Preparer(packer, { autocompleteKeys: [] });
    const body = Buffer.from(JSON.stringify([{ traceId: hex(2), id: hex(2), kind: 'SERVER', timestamp: t, localEndpoint: { serviceName: 'busy', port: 65 } }]));
    expect(preparer.prepare(body)?.locals[0]).toBe(-1);
  });
});
