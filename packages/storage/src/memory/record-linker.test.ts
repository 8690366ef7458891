import { describe, expect, it } from 'vitest';
import { DependencyLinker } from '@skein/model';
import type { Span, SpanKind } from '@skein/model';
import { seededRandom } from '@skein/model/testing';
import { JsonV2Preparer } from './json-v2-preparer.js';
import { fixtureTraces } from './fixtures.test-util.js';
import { LOCAL, STRIDE } from './link-records.js';
import { MemoryIndex } from './memory-index.js';
import { linkTraceRecords } from './record-linker.js';
import { SpanPacker } from './span-packer.js';

// The record linker must add exactly the links, in the same order, that DependencyLinker.putTrace
// adds for the same trace's spans. Random traces mix what the linker's rules turn on: shared
// servers on the same or another host, clients never reported, missing and unknown parents,
// cycles, messaging, error tags on clients and servers, spans without kind or timestamp, equal
// timestamps among siblings, and pieces of one span: halves to merge, pieces on hosts that
// disagree (kept apart), several servers sharing one client's id, a server reusing its client's
// id without saying it is shared.

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
      if (rnd() < 0.8) s.shared = true; // else a server that did not say so: cleanup marks it shared after a client
      s.localEndpoint = rnd() < 0.5 && client.localEndpoint !== undefined ? { ...client.localEndpoint } : { serviceName: pick(SERVICES) || 'z', ipv4: pick(['10.0.0.9', '10.0.0.8']) };
    } else if (i > 0 && rnd() < 0.2) {
      // Another piece of an earlier span: on its host (often only part of the endpoint), on
      // another, or none; with some of the fields, so that merged pieces fill each other in.
      const of = spans[Math.floor(rnd() * i)] as Span;
      s.id = of.id;
      if (of.shared === true) s.shared = true;
      else delete s.shared;
      if (rnd() < 0.5) delete s.kind;
      if (rnd() < 0.5) delete s.parentId;
      else if (of.parentId !== undefined && rnd() < 0.5) s.parentId = of.parentId;
      const e = of.localEndpoint;
      const r = rnd();
      if (r < 0.4 && e !== undefined) s.localEndpoint = rnd() < 0.5 ? { ...e } : e.serviceName !== undefined ? { serviceName: e.serviceName } : { ipv4: e.ipv4 ?? '10.0.0.1' };
      else if (r < 0.6) delete s.localEndpoint;
      else if (r < 0.8 && e !== undefined) s.localEndpoint = { ...e, port: 9000 };
    }
    spans.push(s);
  }
  return spans;
}

/** Links as DependencyLinker gives them, in its order. */
const show = (linker: DependencyLinker): string[] => linker.link().map((l) => `${l.parent}>${l.child}:${l.callCount}/${l.errorCount ?? 0}`);

describe('linkTraceRecords', () => {
  it('adds exactly the links DependencyLinker.putTrace adds, in its order', () => {
    const rnd = seededRandom(11);
    const index = new MemoryIndex(10_000_000, []);
    const traces: Span[][] = [];
    for (let n = 0; n < 3000; n++) {
      const spans = randomTrace(rnd, n);
      traces.push(spans);
      index.accept(spans);
    }
    let linked = 0, withLinks = 0, withPieces = 0;
    for (let ord = index.firstLive; ord < index.nextOrd; ord++) {
      const e = index.entry(ord);
      if (e === undefined) continue;
      const block = index.blocks.get(index.blockOf(ord));
      if (block === undefined) throw new Error('a stored trace has no block');
      const start = index.blockStart(index.blockOf(ord));
      const { starts, order } = block.records.grouped(index.blockStart(index.blockOf(ord) + 1) - start);
      const fromRecords = new DependencyLinker();
      linkTraceRecords(block.records, order, starts[ord - start] as number, starts[ord - start + 1] as number, index.linkNames, index.packer.endpointTable, fromRecords);
      const spans = index.decode(e);
      const fromSpans = new DependencyLinker().putTrace(spans);
      expect(show(fromRecords), `trace ${e.traceId}`).toEqual(show(fromSpans));
      linked++;
      if (fromSpans.link().length > 0) withLinks++;
      if (new Set(spans.map((x) => x.id)).size < spans.length - 1) withPieces++;
    }
    expect(linked).toBe(3000);
    expect(withLinks).toBeGreaterThan(1200);
    expect(withPieces).toBeGreaterThan(300);
  });

  it('links every real trace as DependencyLinker.putTrace does, pieces of one span included', () => {
    const index = new MemoryIndex(10_000_000, []);
    const traces = fixtureTraces();
    for (const spans of traces) index.accept(spans);
    let links = 0;
    for (let ord = index.firstLive; ord < index.nextOrd; ord++) {
      const e = index.entry(ord);
      if (e === undefined) continue;
      const id = index.blockOf(ord), start = index.blockStart(id);
      const block = index.blocks.get(id);
      if (block === undefined) throw new Error('a stored trace has no block');
      const { starts, order } = block.records.grouped(index.blockStart(id + 1) - start);
      const fromRecords = new DependencyLinker();
      linkTraceRecords(block.records, order, starts[ord - start] as number, starts[ord - start + 1] as number, index.linkNames, index.packer.endpointTable, fromRecords);
      const fromSpans = new DependencyLinker().putTrace(index.decode(e));
      expect(show(fromRecords), `trace ${e.traceId}`).toEqual(show(fromSpans));
      links += fromSpans.link().length;
    }
    expect(index.spanCount).toBe(traces.reduce((n, t) => n + t.length, 0));
    expect(links).toBeGreaterThan(50);
  });

  it('merges two pieces of one span, and tells apart local endpoints the packer did not intern', () => {
    const index = new MemoryIndex(1000, []);
    const t = 1_700_000_000_000_000;
    const trace: Span[] = [
      { traceId: hex(1), id: hex(1), kind: 'SERVER', timestamp: t, localEndpoint: { serviceName: 'a' }, remoteEndpoint: { serviceName: 'caller' } },
      { traceId: hex(1), id: hex(1), duration: 5, localEndpoint: { serviceName: 'a', ipv4: '10.0.0.1' }, tags: { error: 'boom' } },
    ];
    index.accept(trace);
    const block = index.blocks.get(0);
    if (block === undefined) throw new Error('the trace has no block');
    const { starts, order } = block.records.grouped(1024);
    expect(starts[1]).toBe(2);
    const linker = new DependencyLinker();
    linkTraceRecords(block.records, order, 0, 2, index.linkNames, index.packer.endpointTable, linker);
    // One server span, from the caller, with the error its second half carried.
    expect(show(linker)).toEqual(['caller>a:1/1']);
    expect(show(new DependencyLinker().putTrace(trace))).toEqual(['caller>a:1/1']);

    // Spans whose endpoints the store's packer no longer interns (their service has 64 already):
    // the block numbers them itself, one number per endpoint.
    const busy = new MemoryIndex(1000, []);
    for (let p = 1; p <= 64; p++) busy.packer.packEndpoint({ serviceName: 'busy', port: p }, true);
    // A local span on the shared server's host goes under that server, one on another under the client.
    const busyTrace: Span[] = [
      { traceId: hex(3), id: hex(3), kind: 'CLIENT', timestamp: t, localEndpoint: { serviceName: 'a', port: 1 }, remoteEndpoint: { serviceName: 'busy' } },
      { traceId: hex(3), id: hex(3), kind: 'SERVER', shared: true, timestamp: t + 1, localEndpoint: { serviceName: 'busy', port: 65 } },
      { traceId: hex(3), id: hex(4), parentId: hex(3), kind: 'CLIENT', timestamp: t + 2, localEndpoint: { serviceName: 'busy', port: 65 }, remoteEndpoint: { serviceName: 'c' } },
      { traceId: hex(3), id: hex(5), parentId: hex(3), kind: 'CLIENT', timestamp: t + 3, localEndpoint: { serviceName: 'busy', port: 66 }, remoteEndpoint: { serviceName: 'd' } },
    ];
    busy.accept(busyTrace);
    const busyBlock = busy.blocks.get(0);
    if (busyBlock === undefined) throw new Error('the trace has no block');
    const a = busy.packer.packEndpoint({ serviceName: 'a', port: 1 }, true);
    expect(a).toBeTypeOf('number');
    expect([...busyBlock.records.ints.subarray(0, 4 * STRIDE)].filter((_, k) => k % STRIDE === LOCAL)).toEqual([a, -1, -1, -2]);
    expect(busyBlock.records.inline).toEqual([{ serviceName: 'busy', port: 65 }, { serviceName: 'busy', port: 66 }]);
    const grouped = busyBlock.records.grouped(1024);
    const fromRecords = new DependencyLinker();
    linkTraceRecords(busyBlock.records, grouped.order, 0, 4, busy.linkNames, busy.packer.endpointTable, fromRecords);
    expect(show(fromRecords)).toEqual(show(new DependencyLinker().putTrace(busyTrace)));
    // Port 66 taken for 65 would put d's caller under the server: [a>busy:1, busy>c:1, busy>d:1].
    expect(show(fromRecords)).toEqual(['a>busy:2/0', 'busy>d:1/0', 'busy>c:1/0']);

    // An endpoint the packer no longer interns (its service has 64 already) is only told apart by its text.
    const packer = new SpanPacker();
    for (let p = 1; p <= 64; p++) packer.packEndpoint({ serviceName: 'busy', port: p }, true);
    expect(packer.packEndpoint({ serviceName: 'busy', port: 65 }, true)).toBeTypeOf('string');
    const preparer = new JsonV2Preparer(packer, { autocompleteKeys: [] });
    const body = Buffer.from(JSON.stringify([{ traceId: hex(2), id: hex(2), kind: 'SERVER', timestamp: t, localEndpoint: { serviceName: 'busy', port: 65 } }]));
    expect(preparer.prepare(body)?.locals[0]).toBe(-1);
  });
});
