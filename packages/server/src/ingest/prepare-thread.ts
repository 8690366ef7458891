import { Worker } from 'node:worker_threads';
import type { SpanCodec } from '@skein/codec';
import { CodecError, SkeinError, SpanValidationError, type ErrorCode, type Span } from '@skein/model';
import { InMemoryStorage, type InMemoryStorageOptions, type PreparedBatch } from '@skein/storage';
import { ServerError } from './errors.js';
import type { IngestOffload, OffloadedMessage } from './pipeline.js';
import type { PrepareReply, PrepareRequest, PrepareThreadData, WorkerError } from './prepare-thread-protocol.js';

interface Pending {
  resolve: (reply: PrepareReply) => void;
  reject: (err: unknown) => void;
}

/**
 * Starts the worker script: the compiled .js next to this module, or under tests (which run the
 * .ts sources) the .ts source loaded through tsx's loader.
 */
function startWorker(data: PrepareThreadData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./prepare-thread-worker.js', import.meta.url), { workerData: data });
  const source = new URL('./prepare-thread-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}

function rebuild(e: WorkerError): Error {
  switch (e.kind) {
    case 'span':
      return new SpanValidationError(e.code as ErrorCode, e.index ?? -1, e.field ?? '', e.rule ?? e.message);
    case 'codec':
      return new CodecError(e.code, e.message, e.offset ?? -1);
    case 'skein':
      return new SkeinError(e.code, e.message);
    default:
      return new Error(e.message); // what the codec threw, as it would surface on the event loop
  }
}

/** Whether a view spans all of its buffer but for a few bytes (and that buffer can move). */
function isAlone(body: Uint8Array): boolean {
  return body.buffer instanceof ArrayBuffer && body.buffer.byteLength - body.byteLength <= 16;
}

/** The error of every message a worker held when it died: transient, so senders retry. */
function threadFailed(why: string): ServerError {
  return new ServerError('INGEST_THREAD_FAILED', 503, `the ingest thread failed, nothing was stored: ${why}`, { retryAfter: 1 });
}

/**
 * The memory store with its spans decoded and packed on a worker thread: the event loop only
 * parses HTTP and stores prepared batches, so ingest uses a second core. The worker owns the one
 * packer; the store's packer is a replica that applies the worker's deltas as replies arrive
 * (in order, before any later batch is stored). A worker that dies is replaced, seeded from the
 * replica; the messages it held are refused with 503 so their senders retry.
 */
export class ThreadedMemoryStorage extends InMemoryStorage implements IngestOffload {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(options: InMemoryStorageOptions & { sampleRate: number }) {
    let self: ThreadedMemoryStorage | undefined;
    super({ ...options, preparer: (spans) => (self as ThreadedMemoryStorage).prepare(spans) });
    self = this;
    this.sampleRate = options.sampleRate;
  }

  private readonly sampleRate: number;
  private busyMs = 0;
  private readonly prepared = { fast: 0, general: 0 };
  /** Messages the ingest thread prepared: fast, Zipkin JSON v2 straight from its bytes; general, decoded into spans first. */
  get threadMessages(): Readonly<{ fast: number; general: number }> {
    return this.prepared;
  }
  /**
   * Seconds the ingest thread has spent on messages (decoding, sampling, packing, posting the
   * batch back), over every thread this store ran. Its rate is the thread's utilization: near
   * 1, the thread is what bounds ingest, whatever the event loop's load.
   */
  get threadBusySeconds(): number {
    return this.busyMs / 1000;
  }

  /** Called once for each worker that dies (not for one the store closes); it is replaced on the next message. */
  onThreadFailure: ((why: string) => void) | undefined = undefined;

  private start(): Worker {
    const worker = startWorker({ settings: this.prepareSettings, sampleRate: this.sampleRate, seed: this.packerSnapshot() });
    worker.unref();
    worker.on('message', (reply: PrepareReply) => {
      this.busyMs += reply.busyMs;
      if (reply.batch !== undefined) this.prepared[reply.fast ? 'fast' : 'general']++;
      // Deltas are applied here, in the order the worker made them, before anyone can store.
      if (reply.batch?.delta !== undefined) this.applyPackerDelta(reply.batch.delta);
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref(); // an idle worker never keeps the process alive
      p?.resolve(reply);
    });
    const fail = (why: string): void => {
      if (this.worker === worker) {
        this.worker = undefined;
        this.onThreadFailure?.(why);
      }
      const err = threadFailed(why);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`the worker exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private request(message: PrepareRequest, transfer: ArrayBuffer[] = []): Promise<PrepareReply> {
    if (this.closed) return Promise.reject(new ServerError('SHUTTING_DOWN', 503, 'the store is closed', { retryAfter: 5 }));
    const worker = this.worker ?? this.start();
    return new Promise<PrepareReply>((resolve, reject) => {
      if (this.pending.size === 0) worker.ref(); // a reply is awaited: keep the process alive for it
      this.pending.set(message.id, { resolve, reject });
      worker.postMessage(message, transfer);
    });
  }

  /** Packs spans already decoded (the store's preparer). */
  async prepare(spans: readonly Span[]): Promise<PreparedBatch> {
    const reply = await this.request({ id: this.nextId++, kind: 'spans', spans });
    if (reply.error !== undefined) throw rebuild(reply.error);
    return reply.batch;
  }

  async decode(body: Uint8Array, codec: SpanCodec, owned = false): Promise<OffloadedMessage> {
    // The body moves to the worker, never cloned: its own memory when the caller gave it up and
    // it has that memory to itself (but for a few framing bytes, as gRPC's), else a copy of just
    // this body (a Buffer may be a view of a larger pooled one). Not copying big bodies halves
    // the memory allocated outside the heap per message, which drives how often V8 runs full GCs.
    const sent = owned && isAlone(body) ? body : new Uint8Array(body);
    const reply = await this.request({ id: this.nextId++, kind: 'decode', codec: codec.name, body: sent }, [sent.buffer as ArrayBuffer]);
    if (reply.error !== undefined) throw rebuild(reply.error);
    const batch = reply.batch;
    return { received: reply.received, kept: batch.count, store: () => this.acceptPrepared(batch) };
  }

  override async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
    await super.close();
  }
}
