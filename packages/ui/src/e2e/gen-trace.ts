import type { Span } from '@skein/model';

const SERVICES = ['gateway', 'auth', 'catalog', 'inventory', 'pricing', 'cart', 'checkout', 'payments', 'shipping', 'search', 'recommendations', 'users', 'notifications', 'ledger', 'fraud', 'media'];
const OPS = ['get /api/items', 'post /api/cart', 'select', 'insert', 'cache.get', 'rpc.call', 'publish', 'render', 'authorize', 'lookup'];

/** A deterministic pseudo-random source (so generated traces are the same on every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

const hex = (n: number, width = 16): string => n.toString(16).padStart(width, '0');

/**
 * A realistic trace of `count` spans ending now: a root request fanning out over services,
 * client/server pairs, nested local work, a few errors and annotations; the spans are time-nested.
 */
export function generateTrace(count: number, opts: { seed?: number; traceId?: string; endMs?: number; services?: number } = {}): Span[] {
  const rand = rng(opts.seed ?? count);
  const traceId = opts.traceId ?? hex(0x5e1e0000 + count, 16) + hex(Math.floor(rand() * 2 ** 32), 16);
  const services = SERVICES.slice(0, Math.max(2, Math.min(SERVICES.length, opts.services ?? SERVICES.length)));
  const end = (opts.endMs ?? Date.now()) * 1000;
  const total = Math.max(2_000_000, count * 40);
  const start = end - total;
  const spans: Span[] = [];
  // BFS-ish growth: each new span picks a recent parent and fits inside the parent's interval.
  spans.push({ traceId, id: hex(1), name: 'get /checkout', kind: 'SERVER', timestamp: start, duration: total, localEndpoint: { serviceName: services[0] as string, ipv4: '10.0.0.1' }, tags: { 'http.method': 'GET', 'http.path': '/checkout', 'http.status_code': '200' } });
  for (let i = 1; i < count; i++) {
    // Parents are biased towards early spans, so the tree is wide and a few dozen levels deep.
    const parent = spans[Math.floor(rand() * rand() * i)] as Span;
    const pStart = parent.timestamp as number, pDur = parent.duration as number;
    const dur = Math.max(1, Math.floor(pDur * (0.03 + rand() * 0.45)));
    const offset = 1 + Math.floor(rand() * Math.max(0, pDur - dur - 2));
    const svc = rand() < 0.6 ? (parent.localEndpoint?.serviceName as string) : (services[Math.floor(rand() * services.length)] as string);
    const op = OPS[Math.floor(rand() * OPS.length)] as string;
    const span: Span = {
      traceId, id: hex(i + 1), parentId: parent.id, name: op, timestamp: pStart + offset, duration: dur,
      localEndpoint: { serviceName: svc, ipv4: `10.0.${services.indexOf(svc)}.1` },
      tags: { component: 'generated', 'span.index': String(i) },
    };
    if (svc !== parent.localEndpoint?.serviceName) span.kind = 'SERVER';
    else if (rand() < 0.3) { span.kind = 'CLIENT'; span.remoteEndpoint = { serviceName: services[(i * 7) % services.length] as string }; }
    if (rand() < 0.01) (span.tags as Record<string, string>)['error'] = 'upstream timed out';
    if (rand() < 0.1) span.annotations = [{ timestamp: pStart + offset + Math.floor(dur / 3), value: 'cache.miss' }];
    spans.push(span);
  }
  return spans;
}

/** Dependency-heavy traces over `services` services in 6 tiers, each service calling 2-4 fixed services of the next tiers. */
export function generateServiceMesh(services: number, traces: number, endMs = Date.now()): Span[][] {
  const rand = rng(services * 7919);
  const tiers = 6, perTier = Math.ceil(services / tiers);
  const tierOf = (s: number): number => Math.floor(s / perTier);
  const callees: number[][] = [];
  for (let s = 0; s < services; s++) {
    const list: number[] = [];
    const t = tierOf(s);
    for (let k = 0; k < 2 + (s % 3) && t + 1 < tiers; k++) {
      const to = Math.min(tiers - 1, t + (rand() < 0.85 ? 1 : 2));
      list.push(Math.min(services - 1, to * perTier + Math.floor(rand() * perTier)));
    }
    callees.push(list);
  }
  // every service below the first tier has at least one caller
  const called = new Set(callees.flat());
  for (let s = perTier; s < services; s++) {
    if (called.has(s)) continue;
    const from = (tierOf(s) - 1) * perTier + Math.floor(rand() * perTier);
    (callees[Math.min(from, services - 1)] as number[]).push(s);
  }
  const name = (s: number): string => `service-${String(s).padStart(3, '0')}`;
  const out: Span[][] = [];
  for (let t = 0; t < traces; t++) {
    const traceId = hex(0xde900000 + t, 16);
    const spans: Span[] = [];
    // Visit every service as an entry point in turn, so each one shows up in the graph.
    let svc = t % services;
    let ts = (endMs - 60_000) * 1000 + t * 1000;
    let parent: string | undefined;
    for (let h = 0; h < 6; h++) {
      const options = callees[svc] as number[];
      if (options.length === 0) break;
      const next = options[Math.floor(rand() * options.length)] as number;
      const id = hex(t * 100 + h + 1);
      const error = rand() < (next % 17 === 0 ? 0.3 : 0.01);
      const tags = error ? { tags: { error: 'failed' } } : {};
      spans.push({ traceId, id, ...(parent ? { parentId: parent } : {}), name: 'call', kind: 'CLIENT', timestamp: ts, duration: 1000 - h * 10, localEndpoint: { serviceName: name(svc) }, ...tags });
      spans.push({ traceId, id, ...(parent ? { parentId: parent } : {}), name: 'call', kind: 'SERVER', shared: true, timestamp: ts + 1, duration: 990 - h * 10, localEndpoint: { serviceName: name(next) }, ...tags });
      parent = id;
      svc = next;
      ts += 2;
    }
    out.push(spans);
  }
  return out;
}
