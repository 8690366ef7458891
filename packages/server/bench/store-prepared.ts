/**
 * The memory store's ingest work, in-process on one core, step by step: the `bench:ingest` JSON v2
 * bodies (fresh trace ids each pass) prepared by the ingest thread's fast path (timed), cloned as
 * postMessage would (untimed), then stored as the event loop does (timed: the packer's delta,
 * acceptPrepared: trace lookup, duplicate check, indexes, terms). Both are printed, and their sum:
 * work moved from one thread to the other shows as such, not as a saving.
 * JSON.parse of the same bodies is timed first, in a small heap as in bench:ingest's parent
 * process, as the yardstick of #2's CPU budget (storing's share of the 5.7 × it allows).
 * BENCH_SPANS (default 1,500,000) sets how many spans are stored.
 */
import { InMemoryStorage, JsonV2Preparer, SpanPacker } from '@skein/storage';
import type { PreparedBatch } from '@skein/storage';
import { makeBodies, markPass, traceIdOffsets } from './ingest-data.js';

const SPANS = Number(process.env.BENCH_SPANS ?? 1_500_000);
const texts = makeBodies(500, 100);
const bodies = texts.map((t) => Buffer.from(t));
// As the load generator does: each pass writes its number into the low 64 bits of every trace id.
const offsetsOf = bodies.map(traceIdOffsets);

const store = new InMemoryStorage({ maxSpans: 5_000_000 });
const packer = new SpanPacker();
packer.applyDelta(store.packerSnapshot());
packer.takeDelta();
const preparer = new JsonV2Preparer(packer, store.prepareSettings);
const cpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

let parseUs = 0, parsed = 0;
for (let start = cpu(); cpu() - start < 1_000_000; ) {
  const t = cpu();
  for (let k = 0; k < 20; k++) parsed += (JSON.parse(texts[(parsed / 100 + k) % texts.length] as string) as unknown[]).length;
  parseUs += cpu() - t;
}
let prepareUs = 0, storeUs = 0, stored = 0;
for (let index = 0; stored < SPANS; ) {
  const ready: PreparedBatch[] = [];
  for (let k = 0; k < 200; k++, index++) {
    const body = bodies[index % bodies.length] as Buffer;
    markPass(body, offsetsOf[index % bodies.length] ?? [], Math.floor(index / bodies.length));
    const started = cpu();
    const batch = preparer.prepare(body);
    if (batch === undefined) throw new Error('the fast path gave up on a bench body');
    const delta = packer.takeDelta();
    if (delta !== undefined) batch.delta = delta;
    prepareUs += cpu() - started;
    const transfer = Object.values(batch).filter((v) => ArrayBuffer.isView(v)).map((v) => (v as Uint8Array).buffer as ArrayBuffer); // as the worker does
    ready.push(structuredClone(batch, { transfer }));
  }
  const t = cpu();
  for (const batch of ready) {
    if (batch.delta !== undefined) store.applyPackerDelta(batch.delta);
    await store.acceptPrepared(batch);
    stored += batch.count;
  }
  storeUs += cpu() - t;
}
const storePer = storeUs / stored, preparePer = prepareUs / stored, parsePer = parseUs / parsed;
const x = (us: number): string => `${us.toFixed(2)} µs (${(us / parsePer).toFixed(2)} ×)`;
console.log(`stored ${stored.toLocaleString('en-US')} spans (the store holds ${store.spanCount.toLocaleString('en-US')}); CPU per span, × JSON.parse alone (${parsePer.toFixed(2)} µs):`);
console.log(`storing (event loop) ${x(storePer)}; preparing (ingest thread, fast path) ${x(preparePer)}; both ${x(storePer + preparePer)}`);
