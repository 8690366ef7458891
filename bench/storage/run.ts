// npm run bench:storage [-- <spans> [store,store...]]   e.g. npm run bench:storage -- 200000 sqlite
// Per store, with the same realistic spans over the last day: ingest spans/s through accept()
// (batches of 1000, 4 in flight), p50/p99 of trace-by-id, of search by service + tag +
// minDuration, and of a day of dependencies; bytes on disk per span. Printed side by side.
import type { Span } from '@skein/model';
import type { QueryRequest } from '@skein/storage';
import { SERVICES, generate, random, reseed } from './generate.js';
import { STORE_FACTORIES } from './stores.js';
import type { StoreFactory } from './stores.js';

const DAY = 86_400_000;
const BATCH = 1000;
const IN_FLIGHT = 4;

interface Figures {
  ingest: number;
  /** Spans per second of this process's CPU time during ingest (steadier than wall time on a busy machine). */
  ingestCpu: number;
  byId: [number, number];
  search: [number, number];
  deps: [number, number];
  bytesPerSpan: number | undefined;
  found: number;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};

async function timed(n: number, f: (i: number) => Promise<unknown>): Promise<[number, number]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f(i);
    ms.push(performance.now() - t);
  }
  return [pct(ms, 50), pct(ms, 99)];
}

function searches(now: number, n: number): QueryRequest[] {
  const tags = [{ 'http.method': 'GET' }, { 'http.status_code': '200' }, { error: '' }, { 'db.type': 'redis' }];
  return Array.from({ length: n }, () => ({
    serviceName: SERVICES[Math.floor(random() * SERVICES.length)] as string,
    annotationQuery: tags[Math.floor(random() * tags.length)] as Record<string, string>,
    minDuration: [1000, 10_000, 50_000][Math.floor(random() * 3)] as number,
    endTs: now, lookback: DAY, limit: 10,
  }));
}

/** The same spans every time (seeded), in batches of BATCH. */
function makeBatches(spans: number, now: number): { traces: Span[][]; batches: Span[][] } {
  reseed();
  const traces = generate(spans, now - DAY, now);
  const all = traces.flat();
  const batches: Span[][] = [];
  for (let i = 0; i < all.length; i += BATCH) batches.push(all.slice(i, i + BATCH));
  return { traces, batches };
}

const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);

async function measure(factory: StoreFactory, count: number, ids: string[], queries: QueryRequest[], now: number): Promise<Figures> {
  let batches = makeBatches(count, now).batches;
  const spans = batches.reduce((n, b) => n + b.length, 0);
  const store = await factory.open({ spans });
  try {
    const started = performance.now();
    const cpu = process.cpuUsage();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) await store.storage.accept(batches[next++] as Span[]);
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const ingest = (spans / (performance.now() - started)) * 1000;
    const used = process.cpuUsage(cpu);
    const ingestCpu = spans / ((used.user + used.system) / 1e6);
    batches = []; // the generated spans are not needed any more: keep GC pauses out of the query figures
    gc();
    const bytes = await store.bytesOnDisk();
    let found = 0;
    await store.storage.getDependencies(now, DAY); // warm caches once
    const byId = await timed(ids.length, async (i) => {
      found += (await store.storage.getTrace(ids[i] as string)).length > 0 ? 1 : 0;
    });
    const search = await timed(queries.length, (i) => store.storage.getTraces(queries[i] as QueryRequest));
    const deps = await timed(20, () => store.storage.getDependencies(now, DAY));
    return { ingest, ingestCpu, byId, search, deps, bytesPerSpan: bytes === undefined ? undefined : bytes / spans, found };
  } finally {
    await store.dispose();
  }
}

async function main(): Promise<void> {
  const spans = Number(process.argv[2] ?? 1_000_000);
  if (!Number.isInteger(spans) || spans < 1000) throw new Error(`span count must be an integer >= 1000, got ${process.argv[2]}`);
  const wanted = (process.argv[3] ?? STORE_FACTORIES.map((f) => f.name).join(',')).split(',');
  const factories = STORE_FACTORIES.filter((f) => wanted.includes(f.name));
  if (factories.length === 0) throw new Error(`no store named ${wanted.join(',')}; known: ${STORE_FACTORIES.map((f) => f.name).join(', ')}`);

  const now = Date.now();
  // Trace ids and queries to ask; the spans themselves are generated again for each store.
  const { ids, queries } = ((): { ids: string[]; queries: QueryRequest[] } => {
    const { traces } = makeBatches(spans, now);
    const total = traces.reduce((k, t) => k + t.length, 0);
    console.log(`bench:storage: ${total} spans in ${traces.length} traces over the last day, ${SERVICES.length} services`);
    return {
      ids: Array.from({ length: 2000 }, () => (traces[Math.floor(random() * traces.length)] as Span[])[0]!.traceId),
      queries: searches(now, 200),
    };
  })();

  const results = new Map<string, Figures>();
  for (const f of factories) {
    console.log(`  measuring ${f.name} ...`);
    results.set(f.name, await measure(f, spans, ids, queries, now));
  }
  const col = (s: string): string => s.padStart(16);
  const row = (label: string, cell: (r: Figures) => string, target = ''): void =>
    console.log(label.padEnd(30) + factories.map((f) => col(cell(results.get(f.name) as Figures))).join('') + `   ${target}`);
  const ms = (x: number): string => `${x.toFixed(2)} ms`;
  console.log(''.padEnd(30) + factories.map((f) => col(f.name)).join('') + '   target (sqlite)');
  row('ingest spans/s (accept)', (r) => Math.round(r.ingest).toLocaleString('en-US'), '>= 50,000');
  row('  per CPU-second of this process', (r) => Math.round(r.ingestCpu).toLocaleString('en-US'), '(a store server\'s own CPU is not counted)');
  row('trace by id p50', (r) => ms(r.byId[0]));
  row('trace by id p99', (r) => ms(r.byId[1]), '<= 10 ms');
  row('search svc+tag+minDur p50', (r) => ms(r.search[0]));
  row('search svc+tag+minDur p99', (r) => ms(r.search[1]), '<= 100 ms');
  row('dependencies (1 day) p50', (r) => ms(r.deps[0]));
  row('dependencies (1 day) p99', (r) => ms(r.deps[1]));
  row('bytes on disk per span', (r) => (r.bytesPerSpan === undefined ? '-' : r.bytesPerSpan.toFixed(0)), '<= 400');
  row('trace ids found (of 2000)', (r) => String(r.found));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
