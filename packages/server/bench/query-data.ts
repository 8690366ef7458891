/**
 * Deterministic, realistic Zipkin v2 traces for bench:query: ~5-20 spans over ~20 services,
 * client/server pairs and local spans, http tags with some 5xx and errors, varied durations,
 * timestamps over the last hour. The same seed gives the same spans in every process.
 */

import { seededRandom } from '@skein/model/testing';

/** The shared seeded PRNG: the server and the baseline see identical data. */
export const rng = seededRandom;

/** The services of the generated system. */
export const SERVICES = [
  'frontend', 'api-gateway', 'auth', 'users', 'orders', 'payments', 'inventory', 'shipping',
  'search', 'recommendations', 'cart', 'catalog', 'pricing', 'notifications', 'email',
  'reviews', 'ads', 'currency', 'checkout', 'db-proxy',
];

const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const RESOURCES = ['items', 'users', 'orders', 'carts', 'prices', 'sessions', 'reviews', 'tokens'];

/** One generated batch: its JSON v2 body, and facts the benchmark queries by. */
export interface Batch {
  json: string;
  spanCount: number;
  traceIds: string[];
}

interface Ctx {
  r: () => number;
  out: string[];
  traceId: string;
}

function hex16(r: () => number): string {
  const hi = Math.floor(r() * 0x100000000).toString(16).padStart(8, '0');
  const lo = Math.floor(r() * 0x100000000).toString(16).padStart(8, '0');
  const id = hi + lo;
  return id === '0000000000000000' ? '0000000000000001' : id;
}

function ip(service: number): string {
  return `10.0.${service}.${(service * 7) % 250 + 2}`;
}

function endpoint(service: number, port: boolean): string {
  const name = SERVICES[service] ?? 'unknown';
  return port
    ? `{"serviceName":"${name}","ipv4":"${ip(service)}","port":${8000 + service}}`
    : `{"serviceName":"${name}","ipv4":"${ip(service)}"}`;
}

/** Emits a server span for `service` and, recursively, its downstream calls; returns its span count. */
function serve(
  c: Ctx, service: number, parentId: string | undefined, callerService: number | undefined,
  start: number, duration: number, budget: number,
): number {
  const { r, out } = c;
  const id = hex16(r);
  const method = METHODS[Math.floor(r() * METHODS.length)] ?? 'GET';
  const resource = RESOURCES[Math.floor(r() * RESOURCES.length)] ?? 'items';
  const roll = r();
  const status = roll < 0.03 ? 500 : roll < 0.06 ? 404 : 200;
  const tags =
    `"http.method":"${method}","http.path":"/api/${resource}/${Math.floor(r() * 1000)}",` +
    `"http.status_code":"${status}"` + (status === 500 ? ',"error":"Internal Server Error"' : '');
  const remote = callerService === undefined ? '' : `,"remoteEndpoint":{"ipv4":"${ip(callerService)}"}`;
  const annotations = r() < 0.1 ? `,"annotations":[{"timestamp":${start + 5},"value":"wr"}]` : '';
  out.push(
    `{"traceId":"${c.traceId}"${parentId ? `,"parentId":"${parentId}"` : ''},"id":"${id}","kind":"SERVER",` +
      `"name":"${method.toLowerCase()} /api/${resource}","timestamp":${start},"duration":${duration},` +
      `"localEndpoint":${endpoint(service, true)}${remote}${annotations},"tags":{${tags}}}`,
  );
  let used = 1;
  let cursor = start + Math.floor(duration * 0.05);
  while (used < budget) {
    const childDuration = Math.max(1, Math.floor(duration * (0.1 + r() * 0.3)));
    if (r() < 0.25) {
      // a local span, e.g. a cache lookup or serialization
      out.push(
        `{"traceId":"${c.traceId}","parentId":"${id}","id":"${hex16(r)}","name":"${r() < 0.5 ? 'cache-lookup' : 'serialize'}",` +
          `"timestamp":${cursor},"duration":${childDuration},"localEndpoint":${endpoint(service, false)},` +
          `"tags":{"component":"local"}}`,
      );
      used += 1;
    } else {
      if (used + 2 > budget) break;
      const callee = (service + 1 + Math.floor(r() * (SERVICES.length - 1))) % SERVICES.length;
      const clientId = hex16(r);
      out.push(
        `{"traceId":"${c.traceId}","parentId":"${id}","id":"${clientId}","kind":"CLIENT",` +
          `"name":"${method.toLowerCase()}","timestamp":${cursor},"duration":${childDuration},` +
          `"localEndpoint":${endpoint(service, false)},"remoteEndpoint":{"serviceName":"${SERVICES[callee]}","port":${8000 + callee}},` +
          `"tags":{"http.method":"${method}","http.path":"/api/${resource}"}}`,
      );
      used += 1;
      const childBudget = Math.min(budget - used, 1 + Math.floor(r() * 4));
      used += serve(c, callee, clientId, service, cursor + 1, Math.max(1, childDuration - 2), childBudget);
    }
    cursor += Math.floor(childDuration * 0.8);
  }
  return used;
}

/** Makes `traces` traces whose roots start over [now - 1 hour, now), from generator `r`. */
export function makeBatch(r: () => number, traces: number, nowMs: number): Batch {
  const out: string[] = [];
  const traceIds: string[] = [];
  for (let t = 0; t < traces; t++) {
    const traceId = r() < 0.5 ? hex16(r) + hex16(r) : hex16(r);
    traceIds.push(traceId);
    const start = Math.floor((nowMs - r() * 3_600_000) * 1000);
    // log-uniform root duration between 1 ms and 2 s
    const duration = Math.floor(1000 * Math.exp(r() * Math.log(2000)));
    serve({ r, out, traceId }, Math.floor(r() * 3), undefined, undefined, start, duration, 5 + Math.floor(r() * 16));
  }
  return { json: `[${out.join(',')}]`, spanCount: out.length, traceIds };
}
