/**
 * bench:query — Skein's query API with 1,000,000 stored spans: p50/p99 of GET
 * /api/v2/trace/{id} and of /api/v2/traces searches (service + tag + minDuration), heap bytes
 * per stored span, and the same queries answered by a naive full scan of the same spans.
 *
 *   npm run bench:query [-- --spans 1000000 --by-id 3000 --searches 500]
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { ZIPKIN_JSON_V2 } from '@skein/codec';
import type { Span } from '@skein/model';
import { makeBatch, rng, SERVICES } from './query-data.js';
import { naiveSearch, naiveTrace, type SearchQuery } from './query-naive.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const SPANS = arg('spans', 1_000_000);
const BY_ID = arg('by-id', 3000);
const SEARCHES = arg('searches', 500);
const NAIVE = arg('naive', 30);
const SEED = 20261123;
const NOW = Date.now();
const MIN_DURATIONS = [1000, 5000, 20_000, 100_000];

interface Ready {
  port: number; stored: number; heapBefore: number; heapAfter: number;
  externalBefore: number; externalAfter: number; loadSeconds: number;
}
interface Direct { byId: number[]; search: number[]; inServer: { byId: number[]; search: number[] } }

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}

function stats(samples: number[]): { p50: number; p99: number } {
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

console.log(`bench:query: ${SPANS.toLocaleString('en')} spans, ${BY_ID} trace-by-id, ${SEARCHES} searches`);
const child = fork(new URL('./query-server.ts', import.meta.url), [String(SPANS), String(NOW), String(SEED), '1100000'], {
  execArgv: ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx'],
});
let onDirect: (d: Direct) => void = () => undefined;
// Never leave the server behind, whatever happens here.
process.on('exit', () => child.kill());
process.on('uncaughtException', (err) => {
  console.error(err);
  process.exit(1);
});
const ready = new Promise<Ready>((resolve, reject) => {
  child.on('message', (m: { type: string } & Ready & Direct) => {
    if (m.type === 'ready') resolve(m);
    if (m.type === 'direct') onDirect(m);
  });
  child.on('exit', (code) => reject(new Error(`query server exited with ${code}`)));
});

/** The server's spans, regenerated from the same seed (the server keeps its own copy). */
function sameSpans(): Span[] {
  const r = rng(SEED);
  const out: Span[] = [];
  while (out.length < SPANS) {
    const decoded = ZIPKIN_JSON_V2.decode(Buffer.from(makeBatch(r, 1000, NOW).json));
    for (const s of decoded) {
      if (out.length === SPANS) break;
      out.push(s);
    }
  }
  return out;
}

// Only the trace ids stay in this process while it measures the server, so that this client's
// own garbage collection of a million spans does not show up as server latency.
let spans: Span[] = sameSpans();
const traceIds = [...new Set(spans.map((s) => s.traceId))];
spans = [];
const server = await ready;
const base = `http://127.0.0.1:${server.port}/api/v2`;
console.log(`server loaded ${server.stored.toLocaleString('en')} spans in ${server.loadSeconds.toFixed(1)} s ` +
  `(${Math.round(server.stored / server.loadSeconds).toLocaleString('en')} spans/s through decode + store.accept)`);

const pick = rng(7);
const randomId = (): string => traceIds[Math.floor(pick() * traceIds.length)] ?? '';
const randomSearch = (): SearchQuery => ({
  serviceName: SERVICES[Math.floor(pick() * SERVICES.length)] ?? 'frontend',
  tagKey: 'http.status_code',
  tagValue: '500',
  minDuration: MIN_DURATIONS[Math.floor(pick() * MIN_DURATIONS.length)] ?? 1000,
  endTs: NOW,
  limit: 10,
});
const searchUrl = (q: SearchQuery): string =>
  `${base}/traces?serviceName=${q.serviceName}&annotationQuery=${encodeURIComponent(`${q.tagKey}=${q.tagValue}`)}` +
  `&minDuration=${q.minDuration}&endTs=${q.endTs}&limit=${q.limit}`;

// One kept-alive connection and node:http, the lightest client, so the figures are mostly the server's.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function timed(url: string): Promise<{ ms: number; body: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - t0;
          const body = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}: ${body.slice(0, 200)}`));
          else resolve({ ms, body });
        });
      })
      .on('error', reject);
  });
}

for (let i = 0; i < 200; i++) await timed(`${base}/trace/${randomId()}`);
for (let i = 0; i < 20; i++) await timed(searchUrl(randomSearch()));

const byId: number[] = [];
const idsAsked: string[] = [];
const searchesAsked: SearchQuery[] = [];
let spansReturned = 0;
for (let i = 0; i < BY_ID; i++) {
  const id = randomId();
  idsAsked.push(id);
  const { ms, body } = await timed(`${base}/trace/${id}`);
  byId.push(ms);
  spansReturned += (JSON.parse(body) as unknown[]).length;
}
const search: number[] = [];
const answers: string[][] = [];
let tracesFound = 0;
for (let i = 0; i < SEARCHES; i++) {
  const q = randomSearch();
  searchesAsked.push(q);
  const { ms, body } = await timed(searchUrl(q));
  search.push(ms);
  const got = (JSON.parse(body) as Span[][]).map((t) => t[0]?.traceId ?? '');
  tracesFound += got.length;
  if (i < 10) answers.push(got);
}
// The same queries on the store alone, inside the server process: what HTTP and encoding add.
const direct = await new Promise<Direct>((resolve) => {
  onDirect = resolve;
  child.send({
    type: 'direct',
    ids: idsAsked,
    searches: searchesAsked.map((q) => ({
      serviceName: q.serviceName,
      annotationQuery: { [q.tagKey]: q.tagValue },
      minDuration: q.minDuration,
      endTs: q.endTs,
      lookback: 86_400_000,
      limit: q.limit,
    })),
  });
});
child.send({ type: 'stop' });
agent.destroy();

spans = sameSpans();
// Both must find the same traces: a check that the indexes answer right.
let agree = 0;
answers.forEach((got, i) => {
  const q = searchesAsked[i];
  const want = q ? naiveSearch(spans, q).map((t) => t[0]?.traceId ?? '') : [];
  if (JSON.stringify([...got].sort()) === JSON.stringify([...want].sort())) agree++;
});
const checked = answers.length;

const naiveById: number[] = [];
const naiveSearches: number[] = [];
for (let i = 0; i < NAIVE; i++) {
  const id = randomId();
  let t0 = performance.now();
  naiveTrace(spans, id);
  naiveById.push(performance.now() - t0);
  const q = randomSearch();
  t0 = performance.now();
  naiveSearch(spans, q);
  naiveSearches.push(performance.now() - t0);
}

const sById = stats(byId);
const sSearch = stats(search);
const nById = stats(naiveById);
const nSearch = stats(naiveSearches);
const dById = stats(direct.byId);
const dSearch = stats(direct.search);
// the warm-up requests come first; keep the measured ones
const iById = stats(direct.inServer.byId.slice(-BY_ID));
const iSearch = stats(direct.inServer.search.slice(-SEARCHES));
const bytesPerSpan = (server.heapAfter - server.heapBefore) / server.stored;
const ms = (v: number): string => `${v.toFixed(2)} ms`;
const externalPerSpan = (server.externalAfter - server.externalBefore) / server.stored;
const rows: [string, string, string, string, string, string, boolean | undefined][] = [
  ['trace-by-id p50', ms(sById.p50), ms(iById.p50), ms(dById.p50), ms(nById.p50), '', undefined],
  ['trace-by-id p99', ms(sById.p99), ms(iById.p99), ms(dById.p99), ms(nById.p99), '≤ 5 ms', sById.p99 <= 5],
  ['search p50', ms(sSearch.p50), ms(iSearch.p50), ms(dSearch.p50), ms(nSearch.p50), '', undefined],
  ['search p99', ms(sSearch.p99), ms(iSearch.p99), ms(dSearch.p99), ms(nSearch.p99), '≤ 50 ms', sSearch.p99 <= 50],
  // Counted with what is off the heap: parts of the store's indexes are typed arrays.
  ['bytes/span, heap + off-heap', `${(bytesPerSpan + externalPerSpan).toFixed(0)} (${bytesPerSpan.toFixed(0)} + ${externalPerSpan.toFixed(0)})`, '', '', '', '≤ 600', bytesPerSpan + externalPerSpan <= 600],
];
console.log('');
console.log('| measure | Skein over HTTP (client-measured) | inside the server | store alone | naive full scan | target | met |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, skein, inside, store, naive, target, met] of rows) {
  console.log(`| ${name} | ${skein} | ${inside} | ${store} | ${naive} | ${target} | ${met === undefined ? '' : met ? 'yes' : 'NO'} |`);
}
console.log('');
console.log(`trace-by-id: ${BY_ID} requests, ${(spansReturned / BY_ID).toFixed(1)} spans per trace; ` +
  `search: ${SEARCHES} requests, ${(tracesFound / SEARCHES).toFixed(1)} traces per answer; ` +
  `naive: ${NAIVE} of each, no HTTP`);
console.log(`search answers equal to the naive scan's: ${agree}/${checked}`);
console.log(`speed-up over the naive scan at p50: trace-by-id ${(nById.p50 / sById.p50).toFixed(0)}x, ` +
  `search ${(nSearch.p50 / sSearch.p50).toFixed(0)}x`);
console.log(`heap: ${(server.heapBefore / 1e6).toFixed(0)} MB before loading, ${(server.heapAfter / 1e6).toFixed(0)} MB after ` +
  `(after gc, --expose-gc); off-heap (external) ${externalPerSpan.toFixed(0)} bytes/span more`);
if (agree !== checked) process.exitCode = 1;
