import type { Span } from '@skein/model';
import type { QueryRequest } from '../storage.js';
import { termKey } from './memory-index.js';
import type { MemoryIndex } from './memory-index.js';
import { MAX_KEPT_DURATION, asList, hasOrdinal, lowerBound } from './posting-list.js';
import { groupByTraceId, inWindow, matchesQuery, traceTimestamp } from './query-predicate.js';
import { MIXED_IDS } from './trace-entry.js';
import type { TraceEntry } from './trace-entry.js';

interface Hit {
  ts: number;
  ord: number;
  spans: Span[];
}

/** The posting lists a trace must be in to match, or undefined when some term is unknown (no match). */
function requiredLists(index: MemoryIndex, request: QueryRequest): (readonly number[])[] | undefined {
  const lists: (readonly number[])[] = [];
  if (request.serviceName !== undefined) {
    const s = index.services.get(request.serviceName);
    if (s === undefined) return undefined;
    lists.push(s.traces);
    if (request.spanName !== undefined) {
      const p = s.names.get(request.spanName);
      if (p === undefined) return undefined;
      lists.push(asList(p));
    }
    if (request.remoteServiceName !== undefined) {
      const p = s.remotes.get(request.remoteServiceName);
      if (p === undefined) return undefined;
      lists.push(asList(p));
    }
  }
  for (const [key, value] of Object.entries(request.annotationQuery ?? {})) {
    // With serviceName, the term must have been recorded by a span of that service.
    const p = index.terms.get(termKey(key, value, request.serviceName), index.firstLive);
    if (p === undefined) return undefined;
    lists.push(p);
  }
  return lists;
}

/** Keeps the best `limit` hits, newest first (ties: latest arrival first). */
function insertHit(hits: Hit[], hit: Hit, limit: number): void {
  let i = hits.length;
  while (i > 0) {
    const prev = hits[i - 1] as Hit;
    if (prev.ts > hit.ts || (prev.ts === hit.ts && prev.ord > hit.ord)) break;
    i--;
  }
  if (i >= limit) return;
  hits.splice(i, 0, hit);
  if (hits.length > limit) hits.pop();
}

/**
 * getTraces over the indexes: walks the shortest required posting list from the newest ordinal
 * down, checks the other lists by binary search, skips blocks of traces whose start-time bounds
 * miss the window, and stops once no older block can hold a trace newer than the limit-th hit.
 * Each candidate is then checked with Zipkin's predicate on its decoded spans.
 */
export function searchTraces(index: MemoryIndex, request: QueryRequest, strictTraceId: boolean): Span[][] {
  const limit = request.limit;
  if (limit <= 0) return [];
  const lists = requiredLists(index, request);
  if (lists === undefined) return [];
  const service = request.serviceName !== undefined ? index.services.get(request.serviceName) : undefined;
  const serviceTraces = service?.traces;
  const serviceDurations = request.minDuration !== undefined ? service?.durations : undefined;
  lists.sort((a, b) => a.length - b.length);
  const driver = lists.length > 0 ? (lists[0] as readonly number[]) : undefined;
  const others = lists.slice(1);
  const begin = (request.endTs - request.lookback) * 1000;
  const end = request.endTs * 1000;

  // For each block (ascending id), the max start time of it and every older block.
  const blockIds: number[] = [];
  const olderMax: number[] = [];
  let running = Number.NEGATIVE_INFINITY;
  for (const [id, b] of [...index.blocks].sort((x, y) => x[0] - y[0])) {
    if (b.max > running) running = b.max;
    blockIds.push(id);
    olderMax.push(running);
  }
  let bi = blockIds.length - 1;

  const hits: Hit[] = [];
  const firstLive = index.firstLive;
  let pos = driver !== undefined ? driver.length - 1 : index.nextOrd - 1;
  const floor = driver !== undefined ? lowerBound(driver, firstLive) : firstLive;
  while (pos >= floor) {
    const ord = driver !== undefined ? (driver[pos] as number) : pos;
    const blockId = index.blockOf(ord);
    while (bi >= 0 && (blockIds[bi] as number) > blockId) bi--;
    if (bi < 0 || blockIds[bi] !== blockId) {
      pos--;
      continue;
    }
    const bound = olderMax[bi] as number;
    if (bound < begin) break; // nothing older starts inside the window
    if (hits.length >= limit && bound < (hits[hits.length - 1] as Hit).ts) break;
    const block = index.blocks.get(blockId);
    if (block === undefined || block.max < begin || block.min > end) {
      // Skip the rest of this block.
      const blockStart = index.blockStart(blockId);
      pos = driver !== undefined ? lowerBound(driver, blockStart, 0, pos + 1) - 1 : blockStart - 1;
      continue;
    }
    const at = pos;
    pos--;
    if (serviceDurations !== undefined) {
      // The longest span of serviceName in this trace must reach minDuration.
      const i = driver === serviceTraces ? at : lowerBound(serviceTraces as readonly number[], ord);
      const longest = serviceDurations[i] as number;
      if (longest < (request.minDuration as number) && longest < MAX_KEPT_DURATION) continue;
    }
    let inAll = true;
    for (const list of others) {
      if (!hasOrdinal(list, ord)) {
        inAll = false;
        break;
      }
    }
    if (!inAll) continue;
    const e = index.entry(ord);
    if (e === undefined) continue;
    collect(index, e, request, strictTraceId, hits);
  }
  return hits.map((h) => h.spans);
}

function collect(index: MemoryIndex, e: TraceEntry, request: QueryRequest, strictTraceId: boolean, hits: Hit[]): void {
  const mixed = strictTraceId && (e.flags & MIXED_IDS) !== 0;
  if (!mixed && !inWindow(e.ts, request)) return;
  if (request.minDuration !== undefined && request.minDuration > e.maxDuration) return;
  if (!mixed && hits.length >= request.limit && e.ts <= (hits[hits.length - 1] as Hit).ts) return; // cannot make the cut
  const spans = index.decode(e);
  if (!mixed) {
    if (matchesQuery(spans, request)) insertHit(hits, { ts: e.ts, ord: e.ord, spans }, request.limit);
    return;
  }
  for (const trace of groupByTraceId(spans)) {
    const ts = traceTimestamp(trace);
    if (inWindow(ts, request) && matchesQuery(trace, request)) insertHit(hits, { ts, ord: e.ord, spans: trace }, request.limit);
  }
}
