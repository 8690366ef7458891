// Store-level measurements of InMemoryStorage (no HTTP): heap bytes per stored span, accept()
// rate, and p50/p99 of trace-by-id, service + tag + minDuration search, and a day of dependencies.
// Run: npm run bench:memory-store  (node --expose-gc; SPANS=1000000 to change the size).
import type { Span } from '@skein/model';
import { InMemoryStorage } from '@skein/storage';
import { SERVICE_NAMES, random, realisticTrace } from './realistic-spans.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};
const fmt = (ms: number): string => `${ms.toFixed(3)} ms`;

async function fill(store: InMemoryStorage, spans: number, keepIds: string[], nowMs: number): Promise<number> {
  // Traces spread over the last hour, arriving roughly in time order, in batches of ~100 spans.
  // Only accept() is timed: batches are generated ahead, 500 at a time.
  let stored = 0;
  let acceptMs = 0;
  let i = 0;
  while (stored < spans) {
    const batches: Span[][] = [];
    for (let b = 0; b < 500 && stored + batches.length * 100 < spans; b++) {
      const batch: Span[] = [];
      while (batch.length < 100) {
        const start = (nowMs - 3_600_000) * 1000 + Math.floor(((stored + b * 100) / spans) * 3_600_000_000) + i;
        const trace = realisticTrace(start);
        if (i % 997 === 0 && keepIds.length < 2000) keepIds.push(trace[0]!.traceId);
        i++;
        for (const s of trace) batch.push(s);
      }
      batches.push(batch);
    }
    const t = performance.now();
    for (const batch of batches) await store.accept(batch);
    acceptMs += performance.now() - t;
    for (const batch of batches) stored += batch.length;
  }
  return (stored / acceptMs) * 1000;
}

async function time(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

async function main(): Promise<void> {
  const total = Number(process.env.SPANS ?? 1_000_000);
  const nowMs = Date.now();

  // 1. Memory: 200,000 spans.
  const before = heap();
  const small = new InMemoryStorage({ maxSpans: 10_000_000 });
  await fill(small, 200_000, [], nowMs);
  const after = heap();
  console.log(`heap per stored span (200k realistic spans): ${((after - before) / small.spanCount).toFixed(0)} bytes (target <= 600)`);
  await small.close();

  // Baseline in the same run: the same 200,000 spans kept as plain objects grouped by trace id
  // as decoded from JSON (what a store holding decoded spans, like Zipkin's, retains), and JSON.stringify alone.
  const plainBefore = heap();
  const plain = new Map<string, Span[]>();
  let plainCount = 0;
  let stringifyMs = 0;
  for (let i = 0; plainCount < 200_000; i++) {
    const trace = realisticTrace((nowMs - 3_600_000) * 1000 + i * 18_000);
    const t = performance.now();
    const json = JSON.stringify(trace);
    stringifyMs += performance.now() - t;
    // Spans as a collector decodes them: fresh objects, nothing shared.
    for (const span of JSON.parse(json) as Span[]) {
      const list = plain.get(span.traceId);
      if (list === undefined) plain.set(span.traceId, [span]);
      else list.push(span);
      plainCount++;
    }
  }
  console.log(`baseline: plain span objects: ${((heap() - plainBefore) / plainCount).toFixed(0)} bytes per span; `
    + `JSON.stringify alone: ${Math.round((plainCount / stringifyMs) * 1000).toLocaleString()} spans/s`);
  plain.clear();

  // 2. Speed with `total` spans.
  const ids: string[] = [];
  const base = heap();
  const store = new InMemoryStorage({ maxSpans: total });
  const rate = await fill(store, total, ids, nowMs);
  console.log(`accept(): ${Math.round(rate).toLocaleString()} spans/s while filling ${store.spanCount.toLocaleString()} spans`);
  console.log(`heap per stored span (${store.spanCount.toLocaleString()}): ${((heap() - base) / store.spanCount).toFixed(0)} bytes`);

  const byId = await time(2000, (i) => store.getTrace(ids[i % ids.length] as string));
  console.log(`trace by id:                        p50 ${fmt(pct(byId, 50))}  p99 ${fmt(pct(byId, 99))} (target p99 <= 5 ms)`);

  const tags = [{ 'http.method': 'GET' }, { 'http.status_code': '200' }, { error: '' }, { 'db.type': 'mysql' }];
  const search = await time(500, (i) => store.getTraces({
    serviceName: SERVICE_NAMES[i % SERVICE_NAMES.length] as string,
    annotationQuery: tags[i % tags.length] as Record<string, string>,
    minDuration: [1_000, 50_000, 200_000][i % 3] as number,
    endTs: nowMs, lookback: 86_400_000, limit: 10,
  }));
  console.log(`search service + tag + minDuration: p50 ${fmt(pct(search, 50))}  p99 ${fmt(pct(search, 99))} (target p99 <= 50 ms)`);

  const rare = await time(200, (i) => store.getTraces({
    serviceName: SERVICE_NAMES[i % SERVICE_NAMES.length] as string,
    annotationQuery: { 'http.path': `/api/v1/users/${Math.floor(random() * 100_000)}` },
    endTs: nowMs, lookback: 86_400_000, limit: 10,
  }));
  console.log(`search by a rare tag value:         p50 ${fmt(pct(rare, 50))}  p99 ${fmt(pct(rare, 99))}`);

  const all = await time(200, () => store.getTraces({ endTs: nowMs, lookback: 86_400_000, limit: 10 }));
  console.log(`search everything, limit 10:        p50 ${fmt(pct(all, 50))}  p99 ${fmt(pct(all, 99))}`);

  const cold = await time(1, () => store.getDependencies(nowMs, 86_400_000));
  const deps = await time(20, () => store.getDependencies(nowMs, 86_400_000));
  console.log(`dependencies over a day:            first ${fmt(cold[0] as number)}, then p50 ${fmt(pct(deps, 50))}  p99 ${fmt(pct(deps, 99))}`);
  await store.close();
}

await main();
