import type { Span } from '@skein/model';
import { seededRandom } from '@skein/model/testing';

// Realistic traces for store benchmarks: a web front end fanning out to services that call
// databases and caches, 4-12 spans per trace, B3-style shared client/server ids on some hops,
// HTTP tags with ids in paths (high cardinality), a few errors and annotations, 64- and 128-bit ids.

/** The benchmarks' one random sequence (seeded, so runs are comparable). */
export const random = seededRandom(42);

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
const hex16 = (): string =>
  Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0') + Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0');

const SERVICES = ['api-gateway', 'accounts', 'orders', 'payments', 'inventory', 'search', 'recommendations',
  'notifications', 'shipping', 'pricing', 'catalog', 'auth', 'cart', 'reviews', 'users', 'media'];
const DBS = ['mysql', 'postgres', 'redis', 'memcached', 'elasticsearch', 'kafka'];
const ROUTES = ['/api/v1/users/{id}', '/api/v1/orders/{id}', '/api/v1/cart', '/api/v2/search', '/api/v1/items/{id}',
  '/health', '/api/v1/payments/{id}/capture', '/api/v1/reviews', '/api/v2/recommendations/{id}', '/login'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const ip = (service: string, i: number): string => `10.${(service.length * 7) % 250}.${i}.${(service.charCodeAt(0) * 3) % 250}`;

/** Every service name the generator uses. */
export const SERVICE_NAMES: readonly string[] = SERVICES;

/** One realistic trace starting at startMicros. */
export function realisticTrace(startMicros: number): Span[] {
  const traceId = random() < 0.5 ? hex16() + hex16() : hex16();
  const spans: Span[] = [];
  const rootId = hex16();
  const route = pick(ROUTES);
  const method = pick(METHODS);
  const rootDuration = 5_000 + Math.floor(random() * 400_000);
  const status = random() < 0.03 ? '500' : '200';
  const rootTags: Record<string, string> = {
    'http.method': method,
    'http.path': route.replace('{id}', String(Math.floor(random() * 100_000))),
    'http.status_code': status,
  };
  if (status === '500') rootTags.error = 'Internal Server Error';
  spans.push({
    traceId, id: rootId, kind: 'SERVER', name: `${method.toLowerCase()} ${route}`,
    timestamp: startMicros, duration: rootDuration,
    localEndpoint: { serviceName: 'api-gateway', ipv4: ip('api-gateway', Math.floor(random() * 4)), port: 8080 },
    remoteEndpoint: { ipv4: `192.168.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`, port: 30_000 + Math.floor(random() * 30_000) },
    tags: rootTags,
  });
  const calls = 1 + Math.floor(random() * 4);
  let offset = 200;
  for (let c = 0; c < calls; c++) {
    const callee = pick(SERVICES.slice(1));
    const clientId = hex16();
    const callDuration = Math.max(100, Math.floor(rootDuration / (calls + 1)));
    const calleeRoute = pick(ROUTES);
    const calleeIp = ip(callee, Math.floor(random() * 3));
    const shared = random() < 0.5;
    const tags: Record<string, string> = { 'http.method': 'GET', 'http.path': calleeRoute.replace('{id}', String(Math.floor(random() * 100_000))) };
    spans.push({
      traceId, parentId: rootId, id: clientId, kind: 'CLIENT', name: `get ${calleeRoute}`,
      timestamp: startMicros + offset, duration: callDuration,
      localEndpoint: spans[0]!.localEndpoint!,
      remoteEndpoint: { serviceName: callee, ipv4: calleeIp, port: 9000 },
      tags,
      ...(random() < 0.2 ? { annotations: [{ timestamp: startMicros + offset + 10, value: 'wire.send' }] } : {}),
    });
    const serverId = shared ? clientId : hex16();
    const server: Span = {
      traceId, parentId: shared ? rootId : clientId, id: serverId, kind: 'SERVER', name: `get ${calleeRoute}`,
      timestamp: startMicros + offset + 50, duration: callDuration - 100,
      localEndpoint: { serviceName: callee, ipv4: calleeIp, port: 9000 },
      remoteEndpoint: { ipv4: spans[0]!.localEndpoint!.ipv4!, port: 40_000 + Math.floor(random() * 20_000) },
      tags: { 'http.status_code': random() < 0.02 ? '503' : '200' },
    };
    if (shared) server.shared = true;
    spans.push(server);
    const dbCalls = Math.floor(random() * 3);
    for (let d = 0; d < dbCalls; d++) {
      const db = pick(DBS);
      const dbSpan: Span = {
        traceId, parentId: serverId, id: hex16(), kind: 'CLIENT', name: random() < 0.5 ? 'select' : 'query',
        timestamp: startMicros + offset + 100 + d * 10, duration: 50 + Math.floor(random() * (callDuration / 2)),
        localEndpoint: server.localEndpoint!, remoteEndpoint: { serviceName: db, ipv4: ip(db, 1), port: 5432 },
        tags: { 'db.type': db, 'db.instance': `${db}-${Math.floor(random() * 4)}` },
      };
      if (random() < 0.02) dbSpan.tags!.error = 'timeout';
      spans.push(dbSpan);
    }
    offset += callDuration;
  }
  return spans;
}
