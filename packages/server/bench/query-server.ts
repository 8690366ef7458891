/**
 * Child process of bench:query: the Skein server (createServer, memory store with
 * --mem-max-spans), loaded with the benchmark's spans through the JSON v2 codec and
 * store.accept, reporting heap use over IPC. Run with --expose-gc. argv: <spans> <nowMs> <seed> <maxSpans>
 */
import { ZIPKIN_JSON_V2 } from '@skein/codec';
import type { QueryRequest } from '@skein/storage';
import { makeConfig } from '../src/config.js';
import { createServer } from '../src/server.js';
import { makeBatch, rng } from './query-data.js';

const [spansArg, nowArg, seedArg, maxArg] = process.argv.slice(2);
const target = Number(spansArg);
const nowMs = Number(nowArg);
const seed = Number(seedArg);
const maxSpans = Number(maxArg);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) throw new Error('run as a forked child with --expose-gc');

function settle(): number {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().heapUsed;
}

const server = await createServer(makeConfig({ host: '127.0.0.1', port: 0, memMaxSpans: maxSpans }), { uiDir: null });
// Time spent inside the server per request (routing, store, encoding, writing), by route.
const inServer: Record<string, number[]> = { byId: [], search: [] };
const startedAt = new WeakMap<object, number>();
server.app.addHook('onRequest', async (request) => {
  startedAt.set(request, performance.now());
});
server.app.addHook('onResponse', async (request) => {
  const t0 = startedAt.get(request);
  const route = request.routeOptions.url === '/api/v2/trace/*' ? 'byId' : request.routeOptions.url === '/api/v2/traces' ? 'search' : undefined;
  if (t0 !== undefined && route) inServer[route]?.push(performance.now() - t0);
});
const url = await server.listen();
const port = Number(new URL(url).port);
const { storage } = server;

// Touch the query path once so lazily built code is in the baseline, not counted as span memory.
await server.app.inject('/api/v2/services');
const heapBefore = settle();
const externalBefore = process.memoryUsage().external;

const r = rng(seed);
let stored = 0;
const started = performance.now();
while (stored < target) {
  const batch = makeBatch(r, 1000, nowMs);
  let spans = ZIPKIN_JSON_V2.decode(Buffer.from(batch.json));
  if (stored + spans.length > target) spans = spans.slice(0, target - stored);
  await storage.accept(spans);
  stored += spans.length;
}
const loadSeconds = (performance.now() - started) / 1000;
const heapAfter = settle();
const externalAfter = process.memoryUsage().external;

process.send({ type: 'ready', port, stored, heapBefore, heapAfter, externalBefore, externalAfter, loadSeconds });
/** Times the store alone (no HTTP, no encoding) on the queries the parent sends. */
async function direct(ids: readonly string[], searches: readonly QueryRequest[]): Promise<void> {
  const byId: number[] = [];
  const search: number[] = [];
  for (const id of ids) {
    const t0 = performance.now();
    await storage.getTrace(id);
    byId.push(performance.now() - t0);
  }
  for (const q of searches) {
    const t0 = performance.now();
    await storage.getTraces(q);
    search.push(performance.now() - t0);
  }
  process.send?.({ type: 'direct', byId, search, inServer });
}

process.on('message', (m: { type?: string; ids?: string[]; searches?: QueryRequest[] }) => {
  if (m.type === 'direct') void direct(m.ids ?? [], m.searches ?? []);
  if (m.type === 'stop') void server.close().then(() => process.exit(0));
});
