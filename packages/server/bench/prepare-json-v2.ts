/**
 * The ingest thread's work on a Zipkin JSON v2 body, in-process on one core: the general path
 * (decode into span objects, normalize, prepareBatch) against the fast path (JsonV2Preparer,
 * straight from the bytes), on the ingest benchmark's bodies, with JSON.parse alone beside them.
 * Both paths are also run with a collector sample rate of 0.1 (--collector-sample-rate), per
 * span received. Rounds alternate so that the machine's drifts hit all of them alike.
 */
import { ZIPKIN_JSON_V2 } from '@skein/codec';
import { JsonV2Preparer, SpanPacker, prepareBatch } from '@skein/storage';
import type { PreparedBatch } from '@skein/storage';
import { CollectorSampler } from '../src/ingest/sampler.js';
import { makeBodies } from './ingest-data.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const texts = makeBodies(500, 100);
const bodies = texts.map((t) => Buffer.from(t));
const settings = { autocompleteKeys: [] as string[] };
const generalPacker = new SpanPacker();
const fastPacker = new SpanPacker();
const fast = new JsonV2Preparer(fastPacker, settings);
const sampledGeneral = new SpanPacker();
const sampledFastPacker = new SpanPacker();
const sampledFast = new JsonV2Preparer(sampledFastPacker, settings);
const sampler = new CollectorSampler(0.1);
const keep = (traceId: string): boolean => sampler.isSampled(traceId);
let gaveUp = 0;

const ways: Record<string, (body: Buffer, i: number) => number> = {
  'JSON.parse alone': (_, i) => (JSON.parse(texts[i] as string) as unknown[]).length,
  'general path': (body) => {
    const batch = prepareBatch(generalPacker, ZIPKIN_JSON_V2.decode(body), settings);
    generalPacker.takeDelta();
    return batch.count;
  },
  'fast path': (body) => {
    let batch: PreparedBatch | undefined = fast.prepare(body);
    if (batch === undefined) {
      gaveUp++;
      batch = prepareBatch(fastPacker, ZIPKIN_JSON_V2.decode(body), settings);
    }
    fastPacker.takeDelta();
    return batch.count;
  },
  'general, 0.1 sampled': (body) => {
    const spans = ZIPKIN_JSON_V2.decode(body);
    prepareBatch(sampledGeneral, sampler.filter(spans), settings);
    sampledGeneral.takeDelta();
    return spans.length;
  },
  'fast, 0.1 sampled': (body) => {
    if (sampledFast.prepare(body, keep) === undefined) throw new Error('the fast path gave up on a bench body');
    sampledFastPacker.takeDelta();
    return sampledFast.received;
  },
};

/** CPU µs per span received of one pass over the bodies. */
function pass(way: (body: Buffer, i: number) => number): number {
  const before = process.cpuUsage();
  let spans = 0;
  for (let i = 0; i < bodies.length; i++) spans += way(bodies[i] as Buffer, i);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / spans;
}

const results = new Map<string, number[]>(Object.keys(ways).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) for (const [name, way] of Object.entries(ways)) results.get(name)?.push(pass(way));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
console.log(`preparing ${bodies.length} bodies of 100 spans, ${ROUNDS} alternating rounds, CPU µs per span (median, min):`);
for (const [name, xs] of results) console.log(`  ${name.padEnd(22)} ${median(xs).toFixed(2)}  ${Math.min(...xs).toFixed(2)}`);
const g = results.get('general path') ?? [], f = results.get('fast path') ?? [];
const ratio = (a: number[], b: number[]): string => median(a.map((x, i) => x / (b[i] as number))).toFixed(2);
console.log(`fast / general, median of the rounds' ratios: ${ratio(f, g)}; the fast path gave up on ${gaveUp / ROUNDS} of ${bodies.length} bodies`);
console.log(`the same at sample rate 0.1: ${ratio(results.get('fast, 0.1 sampled') ?? [], results.get('general, 0.1 sampled') ?? [])}`);
