// The worker thread of PrepareThread: decodes messages, samples them and packs the kept spans
// with the one packer of the memory store, so the event loop only stores what it gets back.
import { parentPort, workerData } from 'node:worker_threads';
import { OTLP_JSON, OTLP_PROTO, ZIPKIN_JSON_V1, ZIPKIN_JSON_V2, ZIPKIN_PROTO3, ZIPKIN_THRIFT, type SpanCodec } from '@skein/codec';
import { SkeinError, SpanValidationError, CodecError, type Span } from '@skein/model';
import { JsonV2Preparer, SpanPacker, prepareBatch, type PackerDelta, type PreparedBatch } from '@skein/storage';
import { CollectorSampler } from './sampler.js';
import type { PrepareReply, PrepareRequest, PrepareThreadData, WorkerError } from './prepare-thread-protocol.js';

const data = workerData as PrepareThreadData;
const codecs = new Map<string, SpanCodec>(
  [ZIPKIN_JSON_V2, ZIPKIN_JSON_V1, ZIPKIN_PROTO3, ZIPKIN_THRIFT, OTLP_PROTO, OTLP_JSON].map((c) => [c.name, c]),
);
const packer = new SpanPacker();
// A replacement worker starts from what the store's replica of the packer already holds.
if (data.seed !== undefined) packer.applyDelta(data.seed);
packer.takeDelta();
const sampler = new CollectorSampler(data.sampleRate);
const settings = data.settings;
const jsonV2 = new JsonV2Preparer(packer, settings);
const keep = sampler.rate >= 1 ? undefined : (traceId: string): boolean => sampler.isSampled(traceId);

function describe(err: unknown): WorkerError {
  if (err instanceof SpanValidationError) {
    return { kind: 'span', code: err.code, message: err.message, index: err.index, field: err.field, rule: err.rule };
  }
  if (err instanceof CodecError) return { kind: 'codec', code: err.code, message: err.message, offset: err.offset };
  if (err instanceof SkeinError) return { kind: 'skein', code: err.code, message: err.message };
  return { kind: 'internal', code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

// A reply cannot carry the time its own postMessage takes (serializing the batch), so each
// carries the time the previous one's took.
let lastPostMs = 0;

/** Posts a reply with the time spent on its request since started (plus the previous post's). */
function send(message: PrepareReply, started: number, transfer: ArrayBuffer[] = []): void {
  const posting = performance.now();
  message.busyMs = posting - started + lastPostMs;
  parentPort?.postMessage(message, transfer);
  lastPostMs = performance.now() - posting;
}

function reply(id: number, started: number, received: number, spans: readonly Span[]): void {
  replyBatch(id, started, received, prepareBatch(packer, spans, settings), false);
}

function replyBatch(id: number, started: number, received: number, batch: PreparedBatch, fast: boolean): void {
  const delta: PackerDelta | undefined = packer.takeDelta();
  if (delta !== undefined) batch.delta = delta;
  const transfer = [batch.times.buffer, batch.terms.buffer, batch.termEnds.buffer, batch.labels.buffer, batch.locals.buffer, batch.runs.buffer] as ArrayBuffer[];
  send({ id, busyMs: 0, received, batch, fast }, started, transfer);
}

parentPort?.on('message', (request: PrepareRequest) => {
  const started = performance.now();
  try {
    if (request.kind === 'spans') {
      reply(request.id, started, request.spans.length, request.spans);
      return;
    }
    // Zipkin JSON v2 in its common shapes skips decoding into span objects (and spans sampled out are only read).
    if (request.codec === ZIPKIN_JSON_V2.name) {
      const batch = jsonV2.prepare(request.body, keep);
      if (batch !== undefined) {
        replyBatch(request.id, started, jsonV2.received, batch, true);
        return;
      }
    }
    const codec = codecs.get(request.codec);
    if (codec === undefined) throw new Error(`no codec named ${request.codec}`);
    const spans = codec.decode(request.body);
    reply(request.id, started, spans.length, sampler.filter(spans));
  } catch (err) {
    send({ id: request.id, busyMs: 0, error: describe(err) }, started);
  }
});
