import type { Span } from '@skein/model';
import { seededRandom } from '@skein/model/testing';

// Realistic traces for the storage benchmark: 5-20 spans, ~20 services calling each other and
// databases, HTTP tags with ids in paths, a few errors and annotations, log-normal durations,
// 64- and 128-bit trace ids. Deterministic (seeded), so runs are comparable.

let sequence = seededRandom(7);
/** Restarts the random sequence, so the same traces can be generated again. */
export function reseed(value = 7): void {
  sequence = seededRandom(value);
}
/** The next number of the current sequence (see reseed). */
export function random(): number {
  return sequence();
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
const hex8 = (): string => Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0');
const hex16 = (): string => {
  const h = hex8() + hex8();
  return h === '0000000000000000' ? '0000000000000001' : h;
};

/** The services of the generated system (the first is the edge). */
export const SERVICES: readonly string[] = [
  'api-gateway', 'accounts', 'orders', 'payments', 'inventory', 'search', 'recommendations', 'notifications',
  'shipping', 'pricing', 'catalog', 'auth', 'cart', 'reviews', 'users', 'media', 'fraud', 'ledger', 'email', 'geo',
];
const DBS = ['mysql', 'postgres', 'redis', 'elasticsearch', 'kafka'];
const ROUTES = ['/api/v1/users/{id}', '/api/v1/orders/{id}', '/api/v1/cart', '/api/v2/search', '/api/v1/items/{id}',
  '/health', '/api/v1/payments/{id}/capture', '/api/v1/reviews', '/api/v2/recommendations/{id}', '/login'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const ip = (service: string): string => `10.0.${service.length}.${(service.charCodeAt(0) * 7 + service.charCodeAt(1)) % 250}`;

/** A log-normal-ish duration in µs around median (heavy tail). */
function duration(median: number): number {
  const u = Math.max(1e-9, random());
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  return Math.max(50, Math.round(median * Math.exp(0.9 * z)));
}

function httpTags(method: string, route: string): Record<string, string> {
  return {
    'http.method': method,
    'http.path': route.replace('{id}', String(Math.floor(random() * 100_000))),
    'http.status_code': random() < 0.03 ? '500' : '200',
  };
}

/** One trace of 5-20 spans starting at startMicros. */
export function realisticTrace(startMicros: number): Span[] {
  const traceId = random() < 0.3 ? hex16() + hex16() : hex16();
  const target = 5 + Math.floor(random() * 16);
  const route = pick(ROUTES);
  const method = pick(METHODS);
  const rootDur = duration(40_000);
  const root: Span = {
    traceId, id: hex16(), kind: 'SERVER', name: `${method.toLowerCase()} ${route}`, timestamp: startMicros, duration: rootDur,
    localEndpoint: { serviceName: SERVICES[0] as string, ipv4: ip(SERVICES[0] as string), port: 8080 },
    remoteEndpoint: { ipv4: `192.168.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}` },
    tags: httpTags(method, route),
  };
  if (root.tags?.['http.status_code'] === '500') (root.tags as Record<string, string>).error = 'Internal Server Error';
  const spans: Span[] = [root];
  const servers: Span[] = [root]; // spans that can make calls
  while (spans.length < target) {
    const parent = pick(servers);
    const caller = parent.localEndpoint?.serviceName as string;
    const at = (parent.timestamp as number) + Math.floor(random() * 0.3 * (parent.duration as number));
    const dur = Math.max(50, Math.floor((parent.duration as number) * (0.1 + random() * 0.6)));
    const r = random();
    if (r < 0.25 || spans.length + 1 >= target) {
      // a database call (leaf client span with a remote service)
      const db = pick(DBS);
      spans.push({
        traceId, parentId: parent.id, id: hex16(), kind: 'CLIENT', name: db === 'redis' ? 'get' : 'query', timestamp: at,
        duration: Math.max(30, Math.floor(dur / 4)), localEndpoint: parent.localEndpoint as Span['localEndpoint'] & object,
        remoteEndpoint: { serviceName: db, port: 5432 }, tags: { 'db.type': db, ...(random() < 0.01 ? { error: 'timeout' } : {}) },
      } as Span);
      continue;
    }
    const callee = SERVICES[1 + Math.floor(random() * (SERVICES.length - 1))] as string;
    const calleeRoute = pick(ROUTES);
    const shared = random() < 0.5;
    const clientId = hex16();
    const client: Span = {
      traceId, parentId: parent.id, id: clientId, kind: 'CLIENT', name: `get ${calleeRoute}`, timestamp: at, duration: dur,
      localEndpoint: parent.localEndpoint as NonNullable<Span['localEndpoint']>,
      remoteEndpoint: { serviceName: callee, ipv4: ip(callee), port: 9000 },
      tags: { 'http.method': 'GET', 'http.path': calleeRoute.replace('{id}', String(Math.floor(random() * 100_000))) },
    };
    if (random() < 0.15) client.annotations = [{ timestamp: at + 5, value: 'wire.send' }];
    const server: Span = {
      traceId, parentId: shared ? parent.id : clientId, id: shared ? clientId : hex16(), kind: 'SERVER',
      name: `get ${calleeRoute}`, timestamp: at + 100, duration: Math.max(20, dur - 200),
      localEndpoint: { serviceName: callee, ipv4: ip(callee), port: 9000 },
      tags: { 'http.status_code': random() < 0.02 ? '503' : '200' },
    };
    if (server.tags?.['http.status_code'] === '503') (server.tags as Record<string, string>).error = '503';
    if (shared) server.shared = true;
    spans.push(client, server);
    servers.push(server);
  }
  return spans;
}

/** Traces with total at least `spans` spans, starting evenly over [fromMs, toMs), in time order. */
export function generate(spans: number, fromMs: number, toMs: number): Span[][] {
  const traces: Span[][] = [];
  const expected = Math.ceil(spans / 12.5);
  let n = 0;
  for (let i = 0; n < spans; i++) {
    const startMs = fromMs + ((toMs - fromMs) * Math.min(i, expected - 1)) / expected;
    const t = realisticTrace(Math.floor(startMs * 1000) + Math.floor(random() * 1000));
    traces.push(t);
    n += t.length;
  }
  return traces;
}
