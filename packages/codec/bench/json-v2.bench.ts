/**
 * Zipkin JSON v2 decode and encode speed against a bare JSON.parse / JSON.stringify of the same
 * bodies: batches of 100 varied spans built from the real traces in packages/model/testdata
 * (fresh 64/128-bit ids, current timestamps, varied names and tags per batch).
 *
 * Run: npm run bench:json   (builds, prints; never asserts). BENCH_SECONDS sets seconds per line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Span } from '@skein/model';
import { measure, SECONDS } from './measure.js';

// Measure the built package (what the server runs), typed from source; BENCH_SRC=1 runs source.
const entry = process.env.BENCH_SRC === '1' ? '../src/index.js' : '../dist/index.js';
const { ZIPKIN_JSON_V1, ZIPKIN_JSON_V2 } = (await import(entry)) as typeof import('../src/index.js');

type Raw = Record<string, unknown>;
const TESTDATA = new URL('../../model/testdata/', import.meta.url);
const BATCH = 100;
const BODIES = 64;

/** The fixture spans, one list per file. */
function templates(): Raw[][] {
  const out: Raw[][] = [];
  for (const dir of ['zipkin-lens', 'zipkin-bench']) {
    for (const f of readdirSync(new URL(`${dir}/`, TESTDATA))) {
      const data = JSON.parse(readFileSync(new URL(`${dir}/${f}`, TESTDATA), 'utf8')) as Raw | Raw[];
      out.push(Array.isArray(data) ? data : [data]);
    }
  }
  return out;
}

let seed = 12345;
function random(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
}
function hex(chars: number): string {
  let s = '';
  while (s.length < chars) s += Math.floor(random() * 0xffffffff + 1).toString(16).padStart(8, '0');
  return s.slice(0, chars);
}

/** One body: spans sampled from a random fixture each, so every batch mixes kinds, endpoints and tags. */
function body(pool: Raw[][], n: number): Uint8Array {
  const now = Date.now() * 1000;
  const traceId = hex(n % 2 === 0 ? 16 : 32);
  const spans: Raw[] = [];
  for (let i = 0; i < BATCH; i++) {
    const file = pool[Math.floor(random() * pool.length)] as Raw[];
    const t = file[Math.floor(random() * file.length)] as Raw;
    const s: Raw = { ...t, traceId, id: hex(16) };
    if (t.parentId !== undefined) s.parentId = hex(16);
    if (typeof t.timestamp === 'number') s.timestamp = now - Math.floor(random() * 1e6);
    if (typeof t.name === 'string') s.name = `${t.name} ${i % 7}`;
    if (t.tags !== undefined) s.tags = { ...(t.tags as Raw), 'request.id': hex(8) };
    spans.push(s);
  }
  return new TextEncoder().encode(JSON.stringify(spans));
}

const pool = templates();
const bodies = Array.from({ length: BODIES }, (_, n) => body(pool, n));
const texts = bodies.map((b) => new TextDecoder().decode(b));
const decoded = bodies.map((b) => ZIPKIN_JSON_V2.decode(b));
const bytes = bodies.reduce((n, b) => n + b.length, 0) / BODIES;
console.log(`JSON v2: ${BODIES} bodies of ${BATCH} spans from ${pool.flat().length} real spans in ${pool.length} files, ${Math.round(bytes)} bytes per body on average`);

let k = 0;
const next = <T>(list: readonly T[]): T => list[k++ & (BODIES - 1)] as T;
const utf8 = new TextDecoder();

/**
 * Rates of two operations measured in alternating 50 ms slices, so load from other processes on
 * a shared machine hits both alike and their ratio stays meaningful.
 */
function compare(labelA: string, a: () => unknown, labelB: string, b: () => unknown): number {
  for (let i = 0; i < 200; i++) {
    a();
    b();
  }
  const time = [0, 0];
  const ops = [0, 0];
  const end = performance.now() + SECONDS * 2000;
  while (performance.now() < end) {
    for (const [i, op] of [a, b].entries()) {
      const t0 = performance.now();
      let n = 0;
      let t = t0;
      while (t - t0 < 50) {
        for (let j = 0; j < 5; j++) op();
        n += 5;
        t = performance.now();
      }
      time[i] = (time[i] ?? 0) + (t - t0);
      ops[i] = (ops[i] ?? 0) + n;
    }
  }
  const rate = (i: number): number => ((ops[i] ?? 0) * BATCH) / ((time[i] ?? 1) / 1000);
  const line = (label: string, r: number): string => `${label.padEnd(62)} ${Math.round(r).toLocaleString('en-US').padStart(12)} spans/s`;
  console.log(line(labelA, rate(0)));
  console.log(line(labelB, rate(1)));
  console.log(`${'  ratio'.padEnd(62)} ${(rate(1) / rate(0)).toFixed(2).padStart(12)}`);
  return rate(1) / rate(0);
}

const parseRatio = compare(
  'JSON.parse(utf8 decode(bytes)) alone (baseline)', () => JSON.parse(utf8.decode(next(bodies))),
  'ZIPKIN_JSON_V2.decode(bytes): parse + validate + normalize', () => ZIPKIN_JSON_V2.decode(next(bodies)),
);
const encodeRatio = compare(
  'JSON.stringify(spans) + utf8 encode (baseline)', () => new TextEncoder().encode(JSON.stringify(next<Span[]>(decoded))),
  'ZIPKIN_JSON_V2.encode(spans)', () => ZIPKIN_JSON_V2.encode(next<Span[]>(decoded)),
);
measure('JSON.parse(string) alone (no UTF-8 decode)', BATCH, () => JSON.parse(next(texts)));
measure('ZIPKIN_JSON_V1.encode(spans) (v2 -> v1 conversion)', BATCH, () => ZIPKIN_JSON_V1.encode(next<Span[]>(decoded)));
const v1Bodies = decoded.map((spans) => ZIPKIN_JSON_V1.encode(spans));
measure('ZIPKIN_JSON_V1.decode(bytes) (v1 -> v2 conversion)', BATCH, () => ZIPKIN_JSON_V1.decode(next(v1Bodies)));

console.log(`decode / JSON.parse = ${parseRatio.toFixed(2)} (target >= 0.6); encode / JSON.stringify = ${encodeRatio.toFixed(2)}`);
