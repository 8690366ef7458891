import type { Endpoint, Span, SpanKind } from '@skein/model';
import { RowBinaryWriter } from './row-binary.js';
import { dayOf } from './sql.js';

const KINDS: readonly (SpanKind | undefined)[] = [undefined, 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];
const KIND_CODE: Record<SpanKind, number> = { CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 };
const DEBUG = 1;
const SHARED = 2;
const ZERO = '0000000000000000';

/** The high and low 64-bit halves of a normalized trace id (16 or 32 lower-hex chars). */
export function idHalves(traceId: string): [hi: string, lo: string] {
  return traceId.length === 32 ? [traceId.slice(0, 16), traceId.slice(16)] : [ZERO, traceId];
}

function endpoint(w: RowBinaryWriter, e: Endpoint | undefined): void {
  w.string(e?.serviceName ?? '');
  w.string(e?.ipv4 ?? '');
  w.string(e?.ipv6 ?? '');
  w.u16(e?.port ?? 0);
}

interface Range {
  hi: string;
  lo: string;
  day: number;
  maxDay: number;
  root: number;
  min: number;
  max: number;
}

/** RowBinary bodies for the spans table and the trace-range table, for one batch of normalized spans. */
export function encodeBatch(spans: readonly Span[], today: number): { spans: Buffer; traces: Buffer } {
  const w = new RowBinaryWriter(Math.max(1 << 16, spans.length * 256));
  const ranges = new Map<string, Range>();
  for (const s of spans) {
    const [hi, lo] = idHalves(s.traceId);
    const ts = s.timestamp ?? 0;
    const day = ts > 0 ? dayOf(ts) : today;
    w.u32(day);
    w.u64hex(lo);
    w.u64hex(hi);
    w.u64hex(s.id);
    w.u64hex(s.parentId ?? ZERO);
    w.u8(s.kind === undefined ? 0 : KIND_CODE[s.kind]);
    w.u8((s.debug === true ? DEBUG : 0) | (s.shared === true ? SHARED : 0));
    w.string(s.name ?? '');
    w.u64n(ts);
    w.u64n(s.duration ?? 0);
    endpoint(w, s.localEndpoint);
    endpoint(w, s.remoteEndpoint);
    const anns = s.annotations ?? [];
    w.varint(anns.length);
    for (const a of anns) w.u64n(a.timestamp);
    w.varint(anns.length);
    for (const a of anns) w.string(a.value);
    if (s.tags === undefined) {
      w.u8(0);
      w.u8(0);
    } else {
      const keys = Object.keys(s.tags);
      w.varint(keys.length);
      for (const k of keys) w.string(k);
      w.varint(keys.length);
      for (const k of keys) w.string(s.tags[k] as string);
    }

    const key = s.traceId;
    let r = ranges.get(key);
    if (r === undefined) {
      r = { hi, lo, day, maxDay: day, root: 0, min: 0, max: 0 };
      ranges.set(key, r);
    }
    if (day < r.day) r.day = day;
    if (day > r.maxDay) r.maxDay = day;
    if (ts > 0) {
      if (s.parentId === undefined && (r.root === 0 || ts < r.root)) r.root = ts;
      if (r.min === 0 || ts < r.min) r.min = ts;
      if (ts > r.max) r.max = ts;
    }
  }
  const t = new RowBinaryWriter(ranges.size * 48 + 64);
  for (const r of ranges.values()) {
    t.u32(r.day);
    t.u32(r.maxDay);
    t.u64hex(r.lo);
    t.u64hex(r.hi);
    t.u64n(r.root);
    t.u64n(r.min);
    t.u64n(r.max);
  }
  return { spans: w.finish(), traces: t.finish() };
}

/** The SELECT list that reads a span back (see SpanRow). */
export const SPAN_SELECT = `lower(hex(trace_lo)) AS lo, lower(hex(trace_hi)) AS hi, lower(hex(id)) AS i,
  lower(hex(parent_id)) AS p, kind AS k, flags AS f, name AS n, ts AS t, duration AS d,
  local_service AS ls, local_ipv4 AS l4, local_ipv6 AS l6, local_port AS lp,
  remote_service AS rs, remote_ipv4 AS r4, remote_ipv6 AS r6, remote_port AS rp,
  annotation_ts AS at, annotation_values AS av, tag_keys AS tk, tag_values AS tv`;

/** One row of SPAN_SELECT in JSONEachRow (UInt64 as strings, hex without leading zeros). */
export interface SpanRow {
  lo: string; hi: string; i: string; p: string; k: number; f: number; n: string; t: string | number; d: string | number;
  ls: string; l4: string; l6: string; lp: number; rs: string; r4: string; r6: string; rp: number;
  at: (string | number)[]; av: string[]; tk: string[]; tv: string[];
}

const pad = (hex: string): string => (hex.length === 16 ? hex : hex.padStart(16, '0'));

function readEndpoint(service: string, ipv4: string, ipv6: string, port: number): Endpoint | undefined {
  if (service === '' && ipv4 === '' && ipv6 === '' && port === 0) return undefined;
  const e: Endpoint = {};
  if (service !== '') e.serviceName = service;
  if (ipv4 !== '') e.ipv4 = ipv4;
  if (ipv6 !== '') e.ipv6 = ipv6;
  if (port !== 0) e.port = port;
  return e;
}

/** The trace id of a row, as the span carried it (16 chars when the high half is zero). */
export function rowTraceId(r: Pick<SpanRow, 'lo' | 'hi'>): string {
  const hi = pad(r.hi);
  return hi === ZERO ? pad(r.lo) : hi + pad(r.lo);
}

/** Rebuilds the span a row stores, with fields in the model's order. */
export function decodeRow(r: SpanRow): Span {
  const s: Span = { traceId: rowTraceId(r), id: pad(r.i) };
  const parent = pad(r.p);
  if (parent !== ZERO) s.parentId = parent;
  const kind = KINDS[r.k];
  if (kind !== undefined) s.kind = kind;
  if (r.n !== '') s.name = r.n;
  const ts = Number(r.t);
  if (ts > 0) s.timestamp = ts;
  const d = Number(r.d);
  if (d > 0) s.duration = d;
  const local = readEndpoint(r.ls, r.l4, r.l6, r.lp);
  if (local !== undefined) s.localEndpoint = local;
  const remote = readEndpoint(r.rs, r.r4, r.r6, r.rp);
  if (remote !== undefined) s.remoteEndpoint = remote;
  if (r.av.length > 0) s.annotations = r.av.map((value, i) => ({ timestamp: Number(r.at[i]), value }));
  if (r.tk.length > 0) {
    const tags: Record<string, string> = {};
    r.tk.forEach((k, i) => {
      // defineProperty keeps a "__proto__" tag key as data.
      Object.defineProperty(tags, k, { value: r.tv[i] ?? '', enumerable: true, writable: true, configurable: true });
    });
    s.tags = tags;
  }
  if ((r.f & DEBUG) !== 0) s.debug = true;
  if ((r.f & SHARED) !== 0) s.shared = true;
  return s;
}
