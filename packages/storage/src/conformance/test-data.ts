import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DependencyLink, Endpoint, Span } from '@skein/model';
import type { QueryRequest } from '../storage.js';

// Test objects after Zipkin's TestObjects: real time (stores with retention look back days),
// midnight UTC as the anchor, and a small front-end → back-end → database trace.

/** One day in milliseconds. */
export const DAY = 86_400_000;

/** Midnight UTC of the day the suite loaded, epoch milliseconds. */
export const TODAY = Math.floor(Date.now() / DAY) * DAY;

/** Endpoints used across the suite. */
export const FRONTEND: Endpoint = { serviceName: 'frontend', ipv4: '127.0.0.1' };
export const BACKEND: Endpoint = { serviceName: 'backend', ipv4: '192.168.99.101', port: 9000 };
export const DB: Endpoint = { serviceName: 'db', ipv6: '2001:db8::c001', port: 3036 };
export const KAFKA: Endpoint = { serviceName: 'kafka' };

/** A random 128-bit trace id (32 lower-hex chars, high bits non-zero). */
export function newTraceId(): string {
  const id = randomBytes(16).toString('hex');
  return id.startsWith('0') ? `1${id.slice(1)}` : id;
}

/** A 16-char span id from a small number, as Zipkin's tests write them ("1", "2", ...). */
export function spanId(n: number | string): string {
  return String(n).padStart(16, '0');
}

/** The low 64 bits of a trace id. */
export function low64(traceId: string): string {
  return traceId.length === 32 ? traceId.slice(16) : traceId;
}

/** A minimal local span of the front end, like Zipkin's spanBuilder(). */
export function frontendSpan(overrides: Partial<Span> = {}): Span {
  return {
    traceId: newTraceId(),
    id: spanId(1),
    name: 'get',
    timestamp: TODAY * 1000 + 100,
    duration: 200_000,
    localEndpoint: FRONTEND,
    tags: { environment: 'test' },
    ...overrides,
  };
}

/** A client span from the front end to the back end, like Zipkin's newClientSpan(). */
export function clientSpan(overrides: Partial<Span> = {}): Span {
  return frontendSpan({
    kind: 'CLIENT',
    name: 'get /foo',
    remoteEndpoint: BACKEND,
    tags: { 'http.method': 'GET', 'http.path': '/foo' },
    ...overrides,
  });
}

/** A four-span trace: frontend server → frontend client → backend server (shared) → backend client → db (error). */
export function newTrace(traceId: string = newTraceId(), dayOffset = 0): Span[] {
  const t = (ms: number): number => (TODAY + dayOffset * DAY + ms) * 1000;
  return [
    { traceId, id: spanId(1), name: 'get', kind: 'SERVER', localEndpoint: FRONTEND, timestamp: t(0), duration: 350_000 },
    {
      traceId, parentId: spanId(1), id: spanId(2), name: 'get', kind: 'CLIENT', localEndpoint: FRONTEND,
      remoteEndpoint: BACKEND, timestamp: t(50), duration: 200_000,
      annotations: [{ timestamp: t(100), value: 'foo' }],
      tags: { 'http.path': '/api', 'clnt/finagle.version': '6.45.0' },
    },
    {
      traceId, parentId: spanId(1), id: spanId(2), shared: true, name: 'get', kind: 'SERVER', localEndpoint: BACKEND,
      timestamp: t(100), duration: 150_000,
    },
    {
      traceId, parentId: spanId(2), id: spanId(3), name: 'query', kind: 'CLIENT', localEndpoint: BACKEND,
      remoteEndpoint: DB, timestamp: t(150), duration: 50_000,
      annotations: [{ timestamp: t(190), value: '⻩' }],
      tags: { error: '\uD83D\uDCA9' },
    },
  ];
}

/** The links of newTrace(). */
export const NEW_TRACE_LINKS: DependencyLink[] = [
  { parent: 'frontend', child: 'backend', callCount: 1 },
  { parent: 'backend', child: 'db', callCount: 1, errorCount: 1 },
];

/** Start of a trace in epoch ms (its first span's timestamp, as Zipkin's tests use). */
export function startTs(trace: readonly Span[]): number {
  return Math.floor(((trace[0] as Span).timestamp ?? 0) / 1000);
}

/** End of a trace in epoch ms: start plus the first span's duration. */
export function endTs(trace: readonly Span[]): number {
  return startTs(trace) + Math.floor(((trace[0] as Span).duration ?? 0) / 1000);
}

/** A query over the last two days with limit 10, as Zipkin's ITStorage.requestBuilder(). */
export function request(overrides: Partial<QueryRequest> = {}): QueryRequest {
  return { endTs: TODAY + DAY, lookback: 2 * DAY, limit: 10, ...overrides };
}

function lowerEndpoint(e: Endpoint | undefined): Endpoint | undefined {
  if (e === undefined) return undefined;
  return e.serviceName === undefined ? { ...e } : { ...e, serviceName: e.serviceName.toLowerCase() };
}

/**
 * A real trace from Zipkin's UI test data (packages/model/testdata/zipkin-lens), normalized the
 * way the collector would (names lower-case), given a fresh trace id of the same width and moved
 * in time so that it starts (root span, else earliest timestamp) at startMicros.
 */
export function fixtureTrace(name: string, startMicros: number = TODAY * 1000 + 1000): Span[] {
  const url = new URL(`../../../model/testdata/zipkin-lens/${name}.json`, import.meta.url);
  const spans = JSON.parse(readFileSync(url, 'utf8')) as Span[];
  const first = spans[0] as Span;
  const traceId = first.traceId.length === 32 ? newTraceId() : newTraceId().slice(16);
  // Zipkin dates a trace by its root span, else by its earliest span.
  let earliest = Number.MAX_SAFE_INTEGER;
  for (const s of spans) if (s.timestamp !== undefined && s.timestamp < earliest) earliest = s.timestamp;
  const root = spans.find((s) => s.parentId === undefined && s.timestamp !== undefined);
  const shift = startMicros - (root?.timestamp ?? earliest);
  return spans.map((s) => {
    const out: Span = { ...s, traceId };
    if (s.name !== undefined) out.name = s.name.toLowerCase();
    if (s.timestamp !== undefined) out.timestamp = s.timestamp + shift;
    const local = lowerEndpoint(s.localEndpoint);
    const remote = lowerEndpoint(s.remoteEndpoint);
    if (local !== undefined) out.localEndpoint = local;
    if (remote !== undefined) out.remoteEndpoint = remote;
    if (s.annotations !== undefined) {
      out.annotations = s.annotations.map((a) => ({ timestamp: a.timestamp + shift, value: a.value }));
    }
    return out;
  });
}

/** Moves a trace back by whole days under a new trace id, like Zipkin's subtractDay(). */
export function subtractDays(trace: readonly Span[], days: number): Span[] {
  const traceId = newTraceId();
  const shift = days * DAY * 1000;
  return trace.map((s) => {
    const out: Span = { ...s, traceId };
    if (s.timestamp !== undefined) out.timestamp = s.timestamp - shift;
    if (s.annotations !== undefined) {
      out.annotations = s.annotations.map((a) => ({ timestamp: a.timestamp - shift, value: a.value }));
    }
    return out;
  });
}
