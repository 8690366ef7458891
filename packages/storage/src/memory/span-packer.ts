import { setTag } from '@skein/model';
import type { Annotation, Endpoint, Span, SpanKind } from '@skein/model';
import { Interner } from './interner.js';

// A stored span is one short JSON array string: no field names, no trace id (kept once per trace),
// times relative to the trace's first timestamp, and repeated strings (service names, endpoints,
// tag keys and common values) replaced by small numbers. V8 keeps such a string in about its
// length in bytes, several times less than the equivalent object graph, and JSON.parse reads it back
// quickly. Layout: [id, parentId|0, kind, name, ts|null, duration, local, remote, annotations,
// tags, flags, traceId?]; trailing zeros after the remote endpoint are dropped.

/** A parsed packed span, or one of its fields. */
export type Packed = string | number | null | Packed[];

const KINDS: readonly (SpanKind | undefined)[] = [undefined, 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];
/** Kind codes as packed spans (and link flags) hold them; 0 is no kind. */
export const KIND_CODE: Readonly<Record<SpanKind, number>> = { CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 };
const DEBUG = 1;
const SHARED = 2;

/** JSON text of an interned id or a string (ids and plain names need no escaping). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\u007f-\uffff]/;

function json(v: number | string): string {
  if (typeof v === 'number') return String(v);
  return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
}

/**
 * Sorts tag keys in place as Array.prototype.sort() would (by UTF-16 code units): an insertion
 * sort, several times faster for the handful of keys a span has.
 */
function sortKeys(keys: string[]): void {
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > k) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = k;
  }
}

function endpointFromInline(a: Packed[]): Endpoint {
  const e: Endpoint = {};
  if (typeof a[0] === 'string') e.serviceName = a[0];
  if (typeof a[1] === 'string') e.ipv4 = a[1];
  if (typeof a[2] === 'string') e.ipv6 = a[2];
  if (typeof a[3] === 'number' && a[3] !== 0) e.port = a[3];
  return e;
}

/**
 * What a packer interned since its last delta, in order: a replica that applies every delta of
 * the packer in turn unpacks whatever it packed (the packer may live on another thread).
 */
export interface PackerDelta {
  names: string[];
  tagKeys: string[];
  /** Per tag key id, its new values. */
  tagValues: [number, string[]][];
  annotationValues: string[];
  endpoints: Endpoint[];
}

/** Table sizes at the last delta. */
interface Marks {
  names: number;
  tagKeys: number;
  tagValues: number[];
  annotationValues: number;
  endpoints: number;
}

/** The tags of the span pack() packed last, in packed (sorted) order, with their interned forms. */
export interface PackedTags {
  count: number;
  keys: string[];
  values: string[];
  /** Per tag, the key's interned id, or the key itself when not interned. */
  keyIds: (number | string)[];
  /** Per tag, the value's interned id (among its key's values), or the value itself. */
  valueIds: (number | string)[];
}

/** Packs spans into compact strings and unpacks them; one instance per store (it owns the intern tables). */
export class SpanPacker {
  /** What pack() did with the tags of the span it packed last (a preparer reads it right after). */
  readonly lastTags: PackedTags = { count: 0, keys: [], values: [], keyIds: [], valueIds: [] };
  /** The interned ids pack() used for the name and the endpoints of the span it packed last (0: absent or inline). */
  readonly lastIds = { name: 0, local: 0, remote: 0 };
  private marks: Marks = { names: 0, tagKeys: 0, tagValues: [], annotationValues: 0, endpoints: 1 };
  private readonly names = new Interner(50_000);
  /** Interned endpoints by id (from 1), and per service name the ids of its endpoints. */
  private readonly endpoints: Endpoint[] = [{}];
  private readonly endpointsByService = new Map<string, number[]>();
  private readonly tagKeys = new Interner(10_000);
  /** Values per tag key (by key id): a key with many distinct values (ids, URLs) stops interning early. */
  private readonly tagValues: Interner[] = [];
  private readonly inlineKeyValues = new Interner(0);
  private readonly annotationValues = new Interner(10_000, 100);

  private valuesOf(key: number | string): Interner {
    if (typeof key === 'string') return this.inlineKeyValues;
    let t = this.tagValues[key];
    if (t === undefined) this.tagValues[key] = t = new Interner(1_000, 100);
    return t;
  }

  /**
   * The id of an endpoint: looked up among the few endpoints of its service (no key string to
   * build). Interned at first sight while its service has under 64 and the table under 50,000, so
   * an endpoint always packs the same way.
   */
  private endpointId(e: Endpoint): number | undefined {
    const service = e.serviceName ?? '';
    let ids = this.endpointsByService.get(service);
    if (ids !== undefined) {
      for (const id of ids) {
        const c = this.endpoints[id] as Endpoint;
        if (c.ipv4 === e.ipv4 && c.ipv6 === e.ipv6 && c.port === e.port) return id;
      }
    }
    if ((ids !== undefined && ids.length >= 64) || this.endpoints.length > 50_000) return undefined;
    if (ids === undefined) this.endpointsByService.set(service, (ids = []));
    const copy: Endpoint = {};
    if (e.serviceName !== undefined) copy.serviceName = e.serviceName;
    if (e.ipv4 !== undefined) copy.ipv4 = e.ipv4;
    if (e.ipv6 !== undefined) copy.ipv6 = e.ipv6;
    if (e.port !== undefined) copy.port = e.port;
    const id = this.endpoints.length;
    this.endpoints.push(copy);
    ids.push(id);
    return id;
  }

  /** An endpoint packed: its interned id, 0 when absent, or its inline text (intern: whether it may be interned). */
  packEndpoint(e: Endpoint | undefined, intern: boolean): number | string {
    if (e === undefined) return 0;
    if (intern) {
      const id = this.endpointId(e);
      if (id !== undefined) return id;
    }
    return `[${e.serviceName === undefined ? 0 : json(e.serviceName)},${e.ipv4 === undefined ? 0 : json(e.ipv4)},`
      + `${e.ipv6 === undefined ? 0 : json(e.ipv6)},${e.port ?? 0}]`;
  }

  private unpackEndpoint(p: Packed): Endpoint | undefined {
    if (p === 0 || p === null) return undefined;
    if (Array.isArray(p)) return endpointFromInline(p);
    if (typeof p !== 'number') return undefined;
    const e = this.endpoints[p];
    return e === undefined ? undefined : { ...e };
  }

  /** A span name's interned id, or the name itself when not interned (as pack() interns it). */
  internName(name: string): number | string {
    return this.names.intern(name);
  }

  /** A tag key's interned id, or the key itself. */
  internTagKey(key: string): number | string {
    return this.tagKeys.intern(key);
  }

  /** A tag value's interned id among the values of its key (as internTagKey gave it), or the value itself. */
  internTagValue(key: number | string, value: string): number | string {
    return this.valuesOf(key).intern(value);
  }

  /** The values interned for a tag key (by id) once it interns no more, else undefined. */
  tagValuesWhenFull(key: number): readonly string[] | undefined {
    const t = this.tagValues[key];
    return t !== undefined && t.full ? t.since(0) : undefined;
  }

  /** An annotation value's interned id, or the value itself. */
  internAnnotation(value: string): number | string {
    return this.annotationValues.intern(value);
  }

  /** The span name interned as id (see lastIds). */
  nameOf(id: number): string {
    return this.names.resolve(id);
  }

  /** The local endpoint of a packed span (read only when interned). */
  packedLocalEndpoint(packed: string): Endpoint | undefined {
    return this.unpackEndpointShared((JSON.parse(packed) as Packed[])[6] ?? 0);
  }

  /** The interned endpoints by id (index 0 is no endpoint); read only. */
  get endpointTable(): readonly Endpoint[] {
    return this.endpoints;
  }

  /** The service name of the endpoint interned as id ('' when it has none; see lastIds). */
  serviceOf(id: number): string {
    return this.endpoints[id]?.serviceName ?? '';
  }

  /** What was interned since the last call, or undefined when nothing was. */
  takeDelta(): PackerDelta | undefined {
    const m = this.marks;
    const tagValues: [number, string[]][] = [];
    for (let k = 0; k < this.tagValues.length; k++) {
      const t = this.tagValues[k];
      if (t === undefined || t.size === (m.tagValues[k] ?? 0)) continue;
      tagValues.push([k, t.since(m.tagValues[k] ?? 0)]);
      m.tagValues[k] = t.size;
    }
    const d: PackerDelta = {
      names: this.names.since(m.names),
      tagKeys: this.tagKeys.since(m.tagKeys),
      tagValues,
      annotationValues: this.annotationValues.since(m.annotationValues),
      endpoints: this.endpoints.slice(m.endpoints),
    };
    m.names = this.names.size;
    m.tagKeys = this.tagKeys.size;
    m.annotationValues = this.annotationValues.size;
    m.endpoints = this.endpoints.length;
    const empty = d.names.length === 0 && d.tagKeys.length === 0 && tagValues.length === 0
      && d.annotationValues.length === 0 && d.endpoints.length === 0;
    return empty ? undefined : d;
  }

  /** Everything interned so far as one delta: applied to a new packer, it makes a replica of this one. */
  snapshot(): PackerDelta {
    const tagValues: [number, string[]][] = [];
    this.tagValues.forEach((t, k) => {
      if (t.size > 0) tagValues.push([k, t.since(0)]);
    });
    return {
      names: this.names.since(0),
      tagKeys: this.tagKeys.since(0),
      tagValues,
      annotationValues: this.annotationValues.since(0),
      endpoints: this.endpoints.slice(1),
    };
  }

  /** Interns what another packer's takeDelta() gave, so this one unpacks what that one packs. */
  applyDelta(d: PackerDelta): void {
    this.names.append(d.names);
    this.tagKeys.append(d.tagKeys);
    for (const [k, values] of d.tagValues) (this.valuesOf(k) as Interner).append(values);
    this.annotationValues.append(d.annotationValues);
    for (const e of d.endpoints) {
      const service = e.serviceName ?? '';
      let ids = this.endpointsByService.get(service);
      if (ids === undefined) this.endpointsByService.set(service, (ids = []));
      ids.push(this.endpoints.length);
      this.endpoints.push(e);
    }
  }

  /**
   * A packed span as pack() writes it into a trace whose times are relative to a base `shift`
   * µs lower, and (with traceId) whose spans are stored under another form of the id (64 and
   * 128-bit forms of one trace): then with its own id as field 11.
   */
  repack(packed: string, shift: number, traceId?: string): string {
    const a = JSON.parse(packed) as Packed[];
    if (typeof a[4] === 'number') a[4] += shift;
    const ann = a[8];
    if (Array.isArray(ann)) for (let i = 0; i < ann.length; i += 2) ann[i] = (ann[i] as number) + shift;
    if (traceId !== undefined) {
      while (a.length < 11) a.push(0);
      a.push(traceId);
    }
    return JSON.stringify(a);
  }

  /** Packs a span of a trace whose stored id is traceId and whose times are relative to base (µs). */
  pack(span: Span, traceId: string, base: number): string {
    // Built by hand rather than with JSON.stringify of an array: this is the ingest hot path.
    let tags = '0';
    const t = span.tags;
    const last = this.lastTags;
    last.count = 0;
    if (t !== undefined) {
      const keys = Object.keys(t);
      if (keys.length > 0) {
        sortKeys(keys);
        tags = '[';
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i] as string;
          const v = t[k] as string;
          const key = this.tagKeys.intern(k);
          const value = this.valuesOf(key).intern(v);
          tags += `${i === 0 ? '' : ','}${json(key)},${json(value)}`;
          last.keys[i] = k;
          last.values[i] = v;
          last.keyIds[i] = key;
          last.valueIds[i] = value;
        }
        last.count = keys.length;
        tags += ']';
      }
    }
    let annotations = '0';
    const a = span.annotations;
    if (a !== undefined && a.length > 0) {
      annotations = '[';
      for (let i = 0; i < a.length; i++) {
        const ann = a[i] as Annotation;
        annotations += `${i === 0 ? '' : ','}${ann.timestamp - base},${json(this.annotationValues.intern(ann.value))}`;
      }
      annotations += ']';
    }
    const flags = (span.debug === true ? DEBUG : 0) | (span.shared === true ? SHARED : 0);
    // A server's remote endpoint is usually the caller's ephemeral port: not worth interning.
    const internRemote = span.kind !== 'SERVER' && span.kind !== 'CONSUMER';
    const ids = this.lastIds;
    const name = span.name === undefined ? 0 : this.names.intern(span.name);
    ids.name = typeof name === 'number' ? name : 0;
    const local = this.packEndpoint(span.localEndpoint, true);
    ids.local = typeof local === 'number' ? local : 0;
    const remote = this.packEndpoint(span.remoteEndpoint, internRemote);
    ids.remote = typeof remote === 'number' ? remote : 0;
    // Ids are normalized lower-case hex: nothing to escape.
    let out = `["${span.id}",${span.parentId === undefined ? 0 : `"${span.parentId}"`},`
      + `${span.kind === undefined ? 0 : KIND_CODE[span.kind]},${name === 0 ? 0 : json(name)},`
      + `${span.timestamp === undefined ? 'null' : span.timestamp - base},${span.duration ?? 0},${local},${remote}`;
    if (span.traceId !== traceId) return `${out},${annotations},${tags},${flags},${json(span.traceId)}]`;
    if (flags !== 0) out += `,${annotations},${tags},${flags}`;
    else if (tags !== '0') out += `,${annotations},${tags}`;
    else if (annotations !== '0') out += `,${annotations}`;
    return `${out}]`;
  }

  /** Unpacks a span stored by pack() with the same traceId and base. */
  unpack(packed: string, traceId: string, base: number): Span {
    return this.unpackArray(JSON.parse(packed) as Packed[], traceId, base);
  }

  /** Unpacks a span from its parsed packed form. */
  unpackArray(a: Packed[], traceId: string, base: number): Span {
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
    const tags = this.unpackTags(a[9]);
    if (tags !== undefined) span.tags = tags;
    const flags = typeof a[10] === 'number' ? a[10] : 0;
    if ((flags & DEBUG) !== 0) span.debug = true;
    if ((flags & SHARED) !== 0) span.shared = true;
    return span;
  }

  private unpackTags(tags: Packed | undefined): Record<string, string> | undefined {
    if (!Array.isArray(tags)) return undefined;
    const out: Record<string, string> = {};
    for (let i = 0; i < tags.length; i += 2) {
      const key = tags[i] as number | string;
      setTag(out, this.tagKeys.resolve(key), this.valuesOf(key).resolve(tags[i + 1] as number | string));
    }
    return out;
  }

  /**
   * The span as the object Zipkin JSON v2 writes: only present fields, in Zipkin's order, times
   * rounded, empty endpoints left out. JSON.stringify of it gives exactly the bytes of
   * ZIPKIN_JSON_V2.encode of the unpacked span, without building the span first.
   */
  jsonView(a: Packed[], traceId: string, base: number): object {
    const v: Record<string, unknown> = { traceId: typeof a[11] === 'string' ? a[11] : traceId };
    if (typeof a[1] === 'string') v.parentId = a[1];
    v.id = a[0];
    const kind = KINDS[(a[2] as number) ?? 0];
    if (kind !== undefined) v.kind = kind;
    const name = a[3];
    if (name !== 0 && name !== undefined) v.name = this.names.resolve(name as number | string);
    if (typeof a[4] === 'number') {
      const ts = a[4] + base;
      if (ts >= 0.5) v.timestamp = Math.round(ts);
    }
    if (typeof a[5] === 'number' && a[5] >= 0.5) v.duration = Math.round(a[5]);
    const local = endpointView(this.unpackEndpointShared(a[6] ?? 0));
    if (local !== undefined) v.localEndpoint = local;
    const remote = endpointView(this.unpackEndpointShared(a[7] ?? 0));
    if (remote !== undefined) v.remoteEndpoint = remote;
    const ann = a[8];
    if (Array.isArray(ann) && ann.length > 0) {
      const list: object[] = [];
      for (let i = 0; i < ann.length; i += 2) {
        list.push({ timestamp: Math.round((ann[i] as number) + base), value: this.annotationValues.resolve(ann[i + 1] as number | string) });
      }
      v.annotations = list;
    }
    const tags = this.unpackTags(a[9]);
    if (tags !== undefined && hasKeys(tags)) v.tags = tags;
    const flags = typeof a[10] === 'number' ? a[10] : 0;
    if ((flags & DEBUG) !== 0) v.debug = true;
    if ((flags & SHARED) !== 0) v.shared = true;
    return v;
  }

  /** Like unpackEndpoint, but an interned endpoint is returned as is (read only). */
  private unpackEndpointShared(p: Packed): Endpoint | undefined {
    if (typeof p === 'number' && p !== 0) return this.endpoints[p];
    return this.unpackEndpoint(p);
  }
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** An endpoint as Zipkin JSON v2 writes it: port only when positive; undefined when nothing is left. */
function endpointView(e: Endpoint | undefined): object | undefined {
  if (e === undefined) return undefined;
  const v: Record<string, unknown> = {};
  let any = false;
  if (e.serviceName !== undefined) (v.serviceName = e.serviceName), (any = true);
  if (e.ipv4 !== undefined) (v.ipv4 = e.ipv4), (any = true);
  if (e.ipv6 !== undefined) (v.ipv6 = e.ipv6), (any = true);
  if (e.port !== undefined && e.port > 0) (v.port = e.port), (any = true);
  return any ? v : undefined;
}
