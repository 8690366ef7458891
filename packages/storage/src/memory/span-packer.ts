import type { Annotation, Endpoint, Span, SpanKind } from '@skein/model';
import { Interner } from './interner.js';

// A stored span is one short JSON array string: no field names, no trace id (kept once per trace),
// times relative to the trace's first timestamp, and repeated strings (service names, endpoints,
// tag keys and common values) replaced by small numbers. V8 keeps such a string in about its
// length in bytes, several times less than the equivalent object graph, and JSON.parse reads it back
// quickly. Layout: [id, parentId|0, kind, name, ts|null, duration, local, remote, annotations,
// tags, flags, traceId?]; trailing zeros are dropped.

type Packed = string | number | null | Packed[];

const KINDS: readonly (SpanKind | undefined)[] = [undefined, 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];
const KIND_CODE: Readonly<Record<SpanKind, number>> = { CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 };
const DEBUG = 1;
const SHARED = 2;

function endpointKey(e: Endpoint): string {
  return `${e.serviceName ?? ''}\u0000${e.ipv4 ?? ''}\u0000${e.ipv6 ?? ''}\u0000${e.port ?? 0}`;
}

function inlineEndpoint(e: Endpoint): Packed[] {
  return [e.serviceName ?? 0, e.ipv4 ?? 0, e.ipv6 ?? 0, e.port ?? 0];
}

function endpointFromKey(key: string): Endpoint {
  const [serviceName, ipv4, ipv6, port] = key.split('\u0000') as [string, string, string, string];
  const e: Endpoint = {};
  if (serviceName !== '') e.serviceName = serviceName;
  if (ipv4 !== '') e.ipv4 = ipv4;
  if (ipv6 !== '') e.ipv6 = ipv6;
  if (port !== '0') e.port = Number(port);
  return e;
}

function endpointFromInline(a: Packed[]): Endpoint {
  const e: Endpoint = {};
  if (typeof a[0] === 'string') e.serviceName = a[0];
  if (typeof a[1] === 'string') e.ipv4 = a[1];
  if (typeof a[2] === 'string') e.ipv6 = a[2];
  if (typeof a[3] === 'number' && a[3] !== 0) e.port = a[3];
  return e;
}

/** Packs spans into compact strings and unpacks them; one instance per store (it owns the intern tables). */
export class SpanPacker {
  private readonly names = new Interner(100_000);
  private readonly endpoints = new Interner(100_000);
  private readonly endpointCache: (Endpoint | undefined)[] = [];
  private readonly tagKeys = new Interner(20_000);
  private readonly tagValues = new Interner(200_000, 100);
  private readonly annotationValues = new Interner(50_000, 100);

  private packEndpoint(e: Endpoint | undefined, intern: boolean): Packed {
    if (e === undefined) return 0;
    if (!intern) return inlineEndpoint(e);
    const id = this.endpoints.intern(endpointKey(e));
    return typeof id === 'number' ? id : inlineEndpoint(e);
  }

  private unpackEndpoint(p: Packed): Endpoint | undefined {
    if (p === 0 || p === null) return undefined;
    if (Array.isArray(p)) return endpointFromInline(p);
    if (typeof p !== 'number') return undefined;
    let e = this.endpointCache[p];
    if (e === undefined) this.endpointCache[p] = e = endpointFromKey(this.endpoints.resolve(p));
    return { ...e };
  }

  /** Packs a span of a trace whose stored id is traceId and whose times are relative to base (µs). */
  pack(span: Span, traceId: string, base: number): string {
    const tags = span.tags;
    let packedTags: Packed = 0;
    if (tags !== undefined) {
      const keys = Object.keys(tags);
      if (keys.length > 0) {
        if (keys.length > 1) keys.sort();
        const flat: Packed[] = [];
        for (const k of keys) flat.push(this.tagKeys.intern(k), this.tagValues.intern(tags[k] as string));
        packedTags = flat;
      }
    }
    let packedAnnotations: Packed = 0;
    const annotations = span.annotations;
    if (annotations !== undefined && annotations.length > 0) {
      const flat: Packed[] = [];
      for (const a of annotations) flat.push(a.timestamp - base, this.annotationValues.intern(a.value));
      packedAnnotations = flat;
    }
    // A server's remote endpoint is usually the caller's ephemeral port: not worth interning.
    const internRemote = span.kind !== 'SERVER' && span.kind !== 'CONSUMER';
    const packed: Packed[] = [
      span.id,
      span.parentId ?? 0,
      span.kind === undefined ? 0 : KIND_CODE[span.kind],
      span.name === undefined ? 0 : this.names.intern(span.name),
      span.timestamp === undefined ? null : span.timestamp - base,
      span.duration ?? 0,
      this.packEndpoint(span.localEndpoint, true),
      this.packEndpoint(span.remoteEndpoint, internRemote),
      packedAnnotations,
      packedTags,
      (span.debug === true ? DEBUG : 0) | (span.shared === true ? SHARED : 0),
    ];
    if (span.traceId !== traceId) packed.push(span.traceId);
    else while (packed.length > 6 && packed[packed.length - 1] === 0) packed.pop();
    return JSON.stringify(packed);
  }

  /** A string equal for equal spans whatever the intern tables held when they were packed. */
  canonical(span: Span): string {
    const tags = span.tags === undefined ? [] : Object.keys(span.tags).sort().map((k) => [k, span.tags?.[k]]);
    return JSON.stringify([
      span.traceId, span.id, span.parentId, span.kind, span.name, span.timestamp, span.duration,
      span.localEndpoint === undefined ? 0 : inlineEndpoint(span.localEndpoint),
      span.remoteEndpoint === undefined ? 0 : inlineEndpoint(span.remoteEndpoint),
      span.annotations ?? [], tags, span.debug === true, span.shared === true,
    ]);
  }

  /** Unpacks a span stored by pack() with the same traceId and base. */
  unpack(packed: string, traceId: string, base: number): Span {
    const a = JSON.parse(packed) as Packed[];
    const span: Span = { traceId: typeof a[11] === 'string' ? a[11] : traceId, id: a[0] as string };
    if (typeof a[1] === 'string') span.parentId = a[1];
    const kind = KINDS[(a[2] as number) ?? 0];
    if (kind !== undefined) span.kind = kind;
    const name = a[3];
    if (name !== 0 && name !== undefined) span.name = this.names.resolve(name as number | string);
    if (typeof a[4] === 'number') span.timestamp = a[4] + base;
    if (typeof a[5] === 'number' && a[5] !== 0) span.duration = a[5];
    const local = this.unpackEndpoint(a[6] ?? 0);
    if (local !== undefined) span.localEndpoint = local;
    const remote = this.unpackEndpoint(a[7] ?? 0);
    if (remote !== undefined) span.remoteEndpoint = remote;
    const ann = a[8];
    if (Array.isArray(ann)) {
      const list: Annotation[] = [];
      for (let i = 0; i < ann.length; i += 2) {
        list.push({ timestamp: (ann[i] as number) + base, value: this.annotationValues.resolve(ann[i + 1] as number | string) });
      }
      span.annotations = list;
    }
    const tags = a[9];
    if (Array.isArray(tags)) {
      const out: Record<string, string> = {};
      for (let i = 0; i < tags.length; i += 2) {
        out[this.tagKeys.resolve(tags[i] as number | string)] = this.tagValues.resolve(tags[i + 1] as number | string);
      }
      span.tags = out;
    }
    const flags = typeof a[10] === 'number' ? a[10] : 0;
    if ((flags & DEBUG) !== 0) span.debug = true;
    if ((flags & SHARED) !== 0) span.shared = true;
    return span;
  }
}
