import type { Annotation, Endpoint, Span, SpanKind } from '@skein/model';
import { blobToHex, hash53, hexToBlob } from './ids.js';

const KINDS: readonly (SpanKind | undefined)[] = [undefined, 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];
const KIND_CODE: Record<SpanKind, number> = { CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 };
const SHARED = 8;
const DEBUG = 16;
const HAS_LOCAL = 32;
const HAS_REMOTE = 64;

/** A span as stored: indexed fields in columns, the rest as compact JSON (body). */
export interface SpanRow {
  h: number;
  hi: Buffer | null;
  id: Buffer;
  pid: Buffer | null;
  ts: number | null;
  dur: number | null;
  svc: number | null;
  rsvc: number | null;
  name: number | null;
  kf: number;
  body: string | null;
}

/** The part of a span row that is read back. */
export type StoredSpan = Omit<SpanRow, 'h'>;

/** Interns a string into a small integer id (names table). */
export type Intern = (s: string) => number;

interface Body {
  l?: Omit<Endpoint, 'serviceName'>;
  r?: Omit<Endpoint, 'serviceName'>;
  a?: [number, string][];
  t?: Record<string, string>;
}

function address(e: Endpoint): Omit<Endpoint, 'serviceName'> | undefined {
  if (e.ipv4 === undefined && e.ipv6 === undefined && e.port === undefined) return undefined;
  const out: Omit<Endpoint, 'serviceName'> = {};
  if (e.ipv4 !== undefined) out.ipv4 = e.ipv4;
  if (e.ipv6 !== undefined) out.ipv6 = e.ipv6;
  if (e.port !== undefined) out.port = e.port;
  return out;
}

/** The tags, or undefined when empty. Key order is kept: a span sent again arrives decoded the same way. */
function nonEmptyTags(tags: Record<string, string>): Record<string, string> | undefined {
  for (const _ in tags) return tags;
  return undefined;
}

/** Encodes a span for the spans table; the hash identifies identical spans of one trace. */
export function encodeSpan(span: Span, intern: Intern): SpanRow {
  const body: Body = {};
  let kf = span.kind === undefined ? 0 : KIND_CODE[span.kind];
  if (span.shared === true) kf |= SHARED;
  if (span.debug === true) kf |= DEBUG;
  let svc: number | null = null;
  let rsvc: number | null = null;
  if (span.localEndpoint !== undefined) {
    kf |= HAS_LOCAL;
    if (span.localEndpoint.serviceName !== undefined) svc = intern(span.localEndpoint.serviceName);
    const l = address(span.localEndpoint);
    if (l !== undefined) body.l = l;
  }
  if (span.remoteEndpoint !== undefined) {
    kf |= HAS_REMOTE;
    if (span.remoteEndpoint.serviceName !== undefined) rsvc = intern(span.remoteEndpoint.serviceName);
    const r = address(span.remoteEndpoint);
    if (r !== undefined) body.r = r;
  }
  const ts = span.timestamp ?? null;
  if (span.annotations !== undefined && span.annotations.length > 0) {
    // Annotation times relative to the span's start: shorter numbers.
    const base = ts ?? 0;
    body.a = span.annotations.map((a) => [a.timestamp - base, a.value]);
  }
  if (span.tags !== undefined) {
    const t = nonEmptyTags(span.tags);
    if (t !== undefined) body.t = t;
  }
  const json = body.l === undefined && body.r === undefined && body.a === undefined && body.t === undefined
    ? null : JSON.stringify(body);
  const hi = span.traceId.length === 32 ? span.traceId.slice(0, 16) : '';
  const identity = `${hi}|${span.id}|${span.parentId ?? ''}|${ts ?? ''}|${span.duration ?? ''}|${kf}|`
    + `${span.localEndpoint?.serviceName ?? '\u0001'}|${span.remoteEndpoint?.serviceName ?? '\u0001'}|`
    + `${span.name ?? '\u0001'}|${json ?? ''}`;
  return {
    h: hash53(identity),
    hi: hi === '' ? null : hexToBlob(hi),
    id: hexToBlob(span.id),
    pid: span.parentId === undefined ? null : hexToBlob(span.parentId),
    ts,
    dur: span.duration ?? null,
    svc,
    rsvc,
    name: span.name === undefined ? null : intern(span.name),
    kf,
    body: json,
  };
}

/** Decodes a stored span; lo is the trace's low 64 bits in hex, name resolves interned ids. */
export function decodeSpan(row: StoredSpan, lo: string, name: (id: number) => string): Span {
  // Zipkin's JSON v2 field order, so spans read back look like the ones sent.
  const traceId = row.hi === null ? lo : blobToHex(row.hi) + lo;
  const span: Span = row.pid === null ? { traceId, id: blobToHex(row.id) }
    : { traceId, parentId: blobToHex(row.pid), id: blobToHex(row.id) };
  const kind = KINDS[row.kf & 7];
  if (kind !== undefined) span.kind = kind;
  if (row.name !== null) span.name = name(row.name);
  if (row.ts !== null) span.timestamp = row.ts;
  if (row.dur !== null) span.duration = row.dur;
  const body: Body = row.body === null ? {} : (JSON.parse(row.body) as Body);
  if ((row.kf & HAS_LOCAL) !== 0) {
    const e: Endpoint = row.svc === null ? {} : { serviceName: name(row.svc) };
    span.localEndpoint = body.l === undefined ? e : { ...e, ...body.l };
  }
  if ((row.kf & HAS_REMOTE) !== 0) {
    const e: Endpoint = row.rsvc === null ? {} : { serviceName: name(row.rsvc) };
    span.remoteEndpoint = body.r === undefined ? e : { ...e, ...body.r };
  }
  if (body.a !== undefined) {
    const base = row.ts ?? 0;
    span.annotations = body.a.map(([dt, value]): Annotation => ({ timestamp: dt + base, value }));
  }
  if (body.t !== undefined) span.tags = body.t;
  if ((row.kf & DEBUG) !== 0) span.debug = true;
  if ((row.kf & SHARED) !== 0) span.shared = true;
  return span;
}
