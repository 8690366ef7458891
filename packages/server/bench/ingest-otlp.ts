/**
 * Part of `npm run bench:ingest`: OTLP protobuf over HTTP, OTLP over gRPC and RabbitMQ (Zipkin
 * JSON v2 messages) into the memory store, beside Zipkin JSON v2 over HTTP, against one server
 * process (`skein serve`) fed by a load generator process. Also prints the single-core
 * decode-only and decode + memory store rates of the same bodies, to show where time goes.
 *
 * Environment: BENCH_OTLP_SECONDS (default 10, at least as long as issue #2 asks of the Zipkin run,
 * so a run measures steady state more than warm-up), BENCH_CONNECTIONS (16), BENCH_RABBIT_MESSAGES
 * (3000 bodies of 100 spans), BENCH_RABBIT_URI (amqp://guest:guest@127.0.0.1:5672; "" skips),
 * BENCH_PROFILE=1 writes a CPU profile of each server to $TMPDIR/skein-bench-profiles.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OTLP_PROTO, ZIPKIN_JSON_V2 } from '@skein/codec';
import type { Span } from '@skein/model';
import { InMemoryStorage } from '@skein/storage';
import { makeBodies } from './ingest-data.js';
import type { BodyIndex, OtlpLoadResult, OtlpLoadSettings } from './ingest-otlp-load.js';
import { busyShare, ingestThreadBusy, metricValue } from './server-metrics.js';
import { stageRates } from './stage-rates.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SECONDS = Number(process.env.BENCH_OTLP_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const RABBIT_MESSAGES = Number(process.env.BENCH_RABBIT_MESSAGES ?? 3000);
const RABBIT_URI = process.env.BENCH_RABBIT_URI ?? 'amqp://guest:guest@127.0.0.1:5672';
const SPANS_PER_BODY = 100;
const BODY_COUNT = 300;
/**
 * OTLP is also sent as the OpenTelemetry SDKs send it under load: their BatchSpanProcessor
 * exports up to maxExportBatchSize spans per request, 512 by default, and fills its batches when
 * spans come faster than its schedule (5 s). 60 bodies of 512 hold about as many spans as 300 of 100.
 */
const SDK_BATCH = 512;
const SDK_BODY_COUNT = 60;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const jsonBodies = makeBodies(BODY_COUNT, SPANS_PER_BODY).map((b) => Buffer.from(b));
const spanLists: Span[][] = jsonBodies.map((b) => ZIPKIN_JSON_V2.decode(b));
const protoBodies = spanLists.map((spans) => Buffer.from(OTLP_PROTO.encode(spans)));
const sdkSpanLists: Span[][] = makeBodies(SDK_BODY_COUNT, SDK_BATCH, 43).map((b) => ZIPKIN_JSON_V2.decode(Buffer.from(b)));
const sdkBodies = sdkSpanLists.map((spans) => Buffer.from(OTLP_PROTO.encode(spans)));

function hexOffsets(body: Buffer): number[] {
  const key = Buffer.from('"traceId":"');
  const out: number[] = [];
  for (let i = body.indexOf(key); i >= 0; i = body.indexOf(key, i + 1)) {
    // The low 64 bits (last 16 digits) are rewritten: they key a trace, as in any store.
    const start = i + key.length;
    out.push(start + Math.max(0, body.indexOf('"', start) - start - 16));
  }
  return out;
}

function binOffsets(body: Buffer, spans: readonly Span[]): number[] {
  const out = new Set<number>();
  for (const id of new Set(spans.map((s) => s.traceId))) {
    const raw = Buffer.from(id.padStart(32, '0'), 'hex');
    // Offsets of the low 64 bits (the last 8 bytes), which key a trace.
    for (let i = body.indexOf(raw); i >= 0; i = body.indexOf(raw, i + 1)) out.add(i + 8);
  }
  return [...out];
}

const dir = mkdtempSync(join(tmpdir(), 'skein-bench-otlp-'));
function writeBodies(name: string, bodies: Buffer[], offsets: (b: Buffer, i: number) => Pick<BodyIndex, 'hex' | 'bin'>): { bodiesFile: string; indexFile: string } {
  const index: BodyIndex[] = [];
  let start = 0;
  bodies.forEach((b, i) => {
    index.push({ start, length: b.length, ...offsets(b, i) });
    start += b.length;
  });
  const bodiesFile = join(dir, `${name}.bin`);
  const indexFile = join(dir, `${name}.json`);
  writeFileSync(bodiesFile, Buffer.concat(bodies));
  writeFileSync(indexFile, JSON.stringify(index));
  return { bodiesFile, indexFile };
}
const jsonFiles = writeBodies('json', jsonBodies, (b) => ({ hex: hexOffsets(b), bin: [] }));
const protoFiles = writeBodies('proto', protoBodies, (b, i) => ({ hex: [], bin: binOffsets(b, spanLists[i] ?? []) }));
const sdkFiles = writeBodies('proto-sdk', sdkBodies, (b, i) => ({ hex: [], bin: binOffsets(b, sdkSpanLists[i] ?? []) }));

const queue = `skein-bench-${process.pid}-${Date.now().toString(36)}`;

function startServer(): Promise<{ child: ChildProcess; url: string; otlpHttp: string; grpc: string }> {
  const profile = process.env.BENCH_PROFILE === '1' ? ['--cpu-prof', '--cpu-prof-dir', join(tmpdir(), 'skein-bench-profiles')] : [];
  const args = [...profile, join(ROOT, 'packages/server/bin/skein.js'), 'serve', '--port=0', '--host=127.0.0.1', '--storage=memory', '--mem-max-spans=20000000'];
  args.push('--otlp-http-port=0', '--grpc-port=0');
  if (RABBIT_URI !== '') args.push(`--rabbit-uri=${RABBIT_URI}`, `--rabbit-queue=${queue}`, '--rabbit-concurrency=8');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+) .*otlp-http (http:\/\/[\d.:]+).*; grpc ([\d.:]+)/.exec(out);
      if (m !== null) resolve({ child, url: m[1] ?? '', otlpHttp: m[2] ?? '', grpc: m[3] ?? '' });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${out}`)));
  });
}

function runLoad(settings: OtlpLoadSettings): Promise<OtlpLoadResult> {
  const script = fileURLToPath(new URL('./ingest-otlp-load.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(settings)], { stdio: ['ignore', 'pipe', 'inherit'], cwd: ROOT });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as OtlpLoadResult) : reject(new Error(`load generator exited ${code}`))));
  });
}

const stored = (url: string): Promise<number> => metricValue(url, 'skein_storage_spans_stored_total');

const base: Omit<OtlpLoadSettings, 'mode' | 'target' | 'path' | 'contentType' | 'bodiesFile' | 'indexFile'> = {
  spansPerBody: SPANS_PER_BODY,
  seconds: SECONDS,
  connections: CONNECTIONS,
  messages: RABBIT_MESSAGES,
  roundOffset: 0,
};
let round = 0x100000;
const GRPC_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
type Addresses = { url: string; otlpHttp: string; grpc: string };
/** Spans/s each run must reach (issue #5: OTLP over HTTP and gRPC; RabbitMQ below). */
const OTLP_TARGET = 100_000;
const RABBIT_TARGET = 50_000;
const runs: { label: string; target?: number; settings: (a: Addresses) => OtlpLoadSettings }[] = [
  { label: 'zipkin json v2 over HTTP (/api/v2/spans)', settings: (a) => ({ ...base, mode: 'http', target: a.url, path: '/api/v2/spans', contentType: 'application/json', ...jsonFiles }) },
  { label: 'OTLP protobuf over HTTP (/v1/traces, 4318)', target: OTLP_TARGET, settings: (a) => ({ ...base, mode: 'http', target: a.otlpHttp, path: '/v1/traces', contentType: 'application/x-protobuf', ...protoFiles }) },
  { label: 'OTLP protobuf over gRPC (TraceService/Export)', target: OTLP_TARGET, settings: (a) => ({ ...base, mode: 'grpc', target: a.grpc, path: GRPC_EXPORT, contentType: '', ...protoFiles }) },
  { label: `  same, ${SDK_BATCH}-span batches (OTel SDK default), HTTP`, target: OTLP_TARGET, settings: (a) => ({ ...base, spansPerBody: SDK_BATCH, mode: 'http', target: a.otlpHttp, path: '/v1/traces', contentType: 'application/x-protobuf', ...sdkFiles }) },
  { label: `  same, ${SDK_BATCH}-span batches (OTel SDK default), gRPC`, target: OTLP_TARGET, settings: (a) => ({ ...base, spansPerBody: SDK_BATCH, mode: 'grpc', target: a.grpc, path: GRPC_EXPORT, contentType: '', ...sdkFiles }) },
];
console.log(`bodies: ${BODY_COUNT} × ${SPANS_PER_BODY} spans; JSON v2 ${fmt(jsonBodies.reduce((n, b) => n + b.length, 0) / BODY_COUNT)} bytes, OTLP protobuf ${fmt(protoBodies.reduce((n, b) => n + b.length, 0) / BODY_COUNT)} bytes each; `
  + `OTLP also as ${SDK_BODY_COUNT} × ${SDK_BATCH} spans (${fmt(sdkBodies.reduce((n, b) => n + b.length, 0) / SDK_BODY_COUNT)} bytes each); ${CONNECTIONS} clients (a keep-alive connection or an HTTP/2 session each, one request at a time), ${SECONDS} s each`);
console.log('each into a fresh `skein serve --storage memory` process (the store starts empty every time):');
let ok = true;
const check = async (label: string, server: { child: ChildProcess; url: string }, expected: number): Promise<void> => {
  const total = await stored(server.url);
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.on('exit', r));
  if (total !== expected) {
    ok = false;
    console.log(`  ${label}: stored ${fmt(total)} spans but ${fmt(expected)} were acknowledged → MISMATCH`);
  }
};
// A short warm-up of each path first (JIT), then the measured run.
/** "target ≥ N: met" or "below", as measured. */
const verdict = (rate: number, target: number | undefined): string =>
  target === undefined ? '' : `  target ≥ ${fmt(target)}: ${rate >= target ? 'met' : 'BELOW'}`;
for (const { label, target, settings } of runs) {
  const server = await startServer();
  const warm = await runLoad({ ...settings(server), seconds: 1, roundOffset: (round += 0x1000) });
  const busyBefore = await ingestThreadBusy(server.url);
  const r = await runLoad({ ...settings(server), roundOffset: (round += 0x1000) });
  const busy = busyShare(busyBefore, await ingestThreadBusy(server.url), r.elapsedMs);
  const failed = Object.keys(r.failures).length > 0 ? `; failures ${JSON.stringify(r.failures)}` : '';
  const rate = r.spansAccepted / (r.elapsedMs / 1000);
  console.log(`${label.padEnd(48)} ${fmt(rate).padStart(9)} spans/s  (${fmt(r.accepted / (r.elapsedMs / 1000))} req/s, ${busy}${failed})${verdict(rate, target)}`);
  await check(label, server, warm.spansAccepted + r.spansAccepted);
}
if (RABBIT_URI !== '') {
  const server = await startServer();
  const r = await runLoad({ ...base, mode: 'rabbit', target: RABBIT_URI, path: queue, contentType: '', ...jsonFiles, roundOffset: (round += 0x1000) });
  while ((await stored(server.url)) < r.spansAccepted) await new Promise((res) => setTimeout(res, 20));
  const elapsed = (Date.now() - r.startedAt) / 1000;
  console.log(`${'RabbitMQ, zipkin json v2 messages (prefetch 8)'.padEnd(48)} ${fmt(r.spansAccepted / elapsed).padStart(9)} spans/s  (${r.accepted} messages published and stored in ${elapsed.toFixed(2)} s; publishing alone ${fmt(r.spansAccepted / (r.elapsedMs / 1000))} spans/s)${verdict(r.spansAccepted / elapsed, RABBIT_TARGET)}`);
  await check('RabbitMQ', server, r.spansAccepted);
  const amqp = (await import('amqplib')).default;
  const conn = await amqp.connect(RABBIT_URI);
  const ch = await conn.createChannel();
  await ch.deleteQueue(queue).catch(() => undefined);
  await ch.deleteQueue(`${queue}.dlq`).catch(() => undefined);
  await conn.close();
}
console.log(`stored check: every acknowledged span stored, none more → ${ok ? 'OK' : 'MISMATCH'}`);
// The same transports against a store whose accept() does nothing (server in this process):
// the ceiling of transport + decode + pipeline, i.e. what the collectors reach once the store keeps up.
if (process.env.BENCH_OTLP_NULL_STORE !== '0') {
  class NullStore extends InMemoryStorage {
    override async accept(): Promise<void> {}
  }
  const { createServer } = await import('../src/server.js');
  const { makeConfig } = await import('../src/config.js');
  const config = makeConfig({ port: 0, host: '127.0.0.1', otlpHttpPort: 0, grpcPort: 0 });
  const server = await createServer(config, { storage: new NullStore({ strictTraceId: true, autocompleteKeys: [], maxSpans: 1 }), uiDir: null });
  const mainUrl = await server.listen();
  const at = (name: string): string => (server.collectorAddresses.find((a) => a.startsWith(`${name} `)) ?? '').slice(name.length + 1);
  const addresses: Addresses = { url: mainUrl, otlpHttp: at('otlp-http'), grpc: at('grpc') };
  console.log('same, into a store whose accept() is a no-op (server in the bench process): the collectors\' own ceiling');
  for (const { label, settings } of runs) {
    await runLoad({ ...settings(addresses), seconds: 1, roundOffset: (round += 0x1000) });
    const r = await runLoad({ ...settings(addresses), roundOffset: (round += 0x1000) });
    console.log(`  ${label.padEnd(46)} ${fmt(r.spansAccepted / (r.elapsedMs / 1000)).padStart(9)} spans/s`);
  }
  await server.close();
}
const json = await stageRates(ZIPKIN_JSON_V2, jsonBodies);
const proto = await stageRates(OTLP_PROTO, protoBodies);
console.log(`where the time goes (in-process, one core): zipkin json v2 decode ${fmt(json.decode)}, + memory store ${fmt(json.store)} spans/s; OTLP protobuf decode ${fmt(proto.decode)}, + memory store ${fmt(proto.store)} spans/s`);
rmSync(dir, { recursive: true, force: true });
if (!ok) process.exitCode = 1;
