/**
 * Load generator of the OTLP/gRPC/RabbitMQ ingest benchmark, run as its own process:
 * `mode` http POSTs bodies over keep-alive connections, grpc calls a unary method with
 * `connections` calls in flight (one HTTP/2 connection each), rabbit publishes `messages` bodies with publisher confirms.
 * Every pass over the bodies rewrites the start of the low 64 bits of each trace id with the pass number, so no
 * span is sent twice. Prints one JSON line. Usage: node --import tsx ingest-otlp-load.ts '<json>'.
 */
import { readFileSync } from 'node:fs';
import { connect as connectHttp2 } from 'node:http2';
import amqp from 'amqplib';
import { RawGrpcConnection } from './grpc-raw-client.js';
import { KeepAliveConnection } from './keep-alive-client.js';

/** Where a body's trace ids are, to rewrite them per pass. */
export interface BodyIndex {
  start: number;
  length: number;
  /** Offsets of hex trace ids (JSON): the first 6 characters of the low 64 bits are rewritten. */
  hex: number[];
  /** Offsets of 16-byte trace ids (protobuf): offsets of the low 64 bits, whose first 3 bytes are rewritten. */
  bin: number[];
}

/** Settings passed as the single argument. */
export interface OtlpLoadSettings {
  mode: 'http' | 'grpc' | 'rabbit';
  /** http: base URL; grpc: host:port; rabbit: amqp URI. */
  target: string;
  /** http: path; grpc: method path; rabbit: queue. */
  path: string;
  contentType: string;
  bodiesFile: string;
  indexFile: string;
  spansPerBody: number;
  seconds: number;
  connections: number;
  /** rabbit: messages to publish. */
  messages: number;
  roundOffset: number;
}

/** What the generator measured. */
export interface OtlpLoadResult {
  requests: number;
  accepted: number;
  spansAccepted: number;
  failures: Record<string, number>;
  elapsedMs: number;
  /** Epoch ms when sending started (rabbit: the orchestrator times until stored). */
  startedAt: number;
}

const settings = JSON.parse(process.argv[2] ?? '{}') as OtlpLoadSettings;
const blob = readFileSync(settings.bodiesFile);
const index = JSON.parse(readFileSync(settings.indexFile, 'utf8')) as BodyIndex[];
const bodies = index.map((b) => Buffer.from(blob.subarray(b.start, b.start + b.length)));

function prepare(i: number): Buffer {
  const k = i % bodies.length;
  const body = bodies[k] as Buffer;
  const round = settings.roundOffset + Math.floor(i / bodies.length);
  const text = round.toString(16).padStart(6, '0').slice(-6);
  const entry = index[k] as BodyIndex;
  for (const at of entry.hex) body.write(text, at, 'latin1');
  for (const at of entry.bin) {
    body[at] = (round >>> 16) & 0xff;
    body[at + 1] = (round >>> 8) & 0xff;
    body[at + 2] = round & 0xff;
  }
  return body;
}

const result: OtlpLoadResult = { requests: 0, accepted: 0, spansAccepted: 0, failures: {}, elapsedMs: 0, startedAt: Date.now() };
const fail = (why: string): void => {
  result.failures[why] = (result.failures[why] ?? 0) + 1;
};
let next = 0;

/**
 * Runs `connections` simulated clients until the deadline, each sending one request at a time on
 * its own connection; `send` resolves to undefined when the server acknowledged the request,
 * else to the name of the failure.
 */
async function eachClient<C>(open: () => C | Promise<C>, send: (c: C, body: Buffer) => Promise<string | undefined>, close: (c: C) => void): Promise<void> {
  const clients = await Promise.all(Array.from({ length: settings.connections }, open));
  const deadline = performance.now() + settings.seconds * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        const failure = await send(client, prepare(next++)).catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
        result.requests++;
        if (failure === undefined) {
          result.accepted++;
          result.spansAccepted += settings.spansPerBody;
        } else fail(failure);
      }
    }),
  );
  for (const c of clients) close(c);
}

async function runHttp(): Promise<void> {
  const target = new URL(settings.path, settings.target);
  await eachClient(
    () => new KeepAliveConnection(target.hostname, Number(target.port)),
    async (c, body) => {
      const status = await c.post(target.pathname, settings.contentType, body);
      return status >= 200 && status < 300 ? undefined : String(status);
    },
    (c) => c.close(),
  );
}

/**
 * gRPC unary calls with the raw HTTP/2 client (grpc-raw-client.ts), one connection per simulated
 * client (a gRPC call is an HTTP/2 POST of a 5-byte framed message, answered with grpc-status in
 * the trailers): @grpc/grpc-js's and node:http2's clients cost several times more CPU per call,
 * taken from the server on a 2-core machine. Real gRPC clients (the OTel exporter, grpc-js) are
 * what the collector's tests use.
 */
async function runGrpcRaw(): Promise<void> {
  await eachClient(
    () => new RawGrpcConnection(settings.target, settings.path),
    async (c, body) => ((await c.unary(body)) ? undefined : 'grpc failed'),
    (c) => c.close(),
  );
}

/** The same calls through node:http2's client (BENCH_GRPC_CLIENT=node-http2), which reads grpc-status itself. */
async function runGrpc(): Promise<void> {
  type Session = ReturnType<typeof connectHttp2>;
  const call = (session: Session, body: Buffer): Promise<number> =>
    new Promise((resolve) => {
      const frame = Buffer.allocUnsafe(5 + body.length);
      frame[0] = 0;
      frame.writeUInt32BE(body.length, 1);
      body.copy(frame, 5);
      const stream = session.request({ ':method': 'POST', ':path': settings.path, 'content-type': 'application/grpc', te: 'trailers' });
      let status = -1;
      stream.on('response', (headers) => {
        if (headers['grpc-status'] !== undefined) status = Number(headers['grpc-status']); // trailers-only answer
      });
      stream.on('trailers', (trailers) => {
        status = Number(trailers['grpc-status'] ?? -1);
      });
      stream.on('data', () => undefined);
      stream.on('close', () => resolve(status));
      stream.on('error', () => resolve(-1));
      stream.end(frame);
    });
  await eachClient(
    async () => {
      const s = connectHttp2(`http://${settings.target}`);
      await new Promise<void>((resolve, reject) => s.once('connect', () => resolve()).once('error', reject));
      return s;
    },
    async (s, body) => {
      const code = await call(s, body);
      return code === 0 ? undefined : `grpc ${code}`;
    },
    (s) => s.close(),
  );
}

async function runRabbit(): Promise<void> {
  const conn = await amqp.connect(settings.target);
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue(settings.path, { durable: true, exclusive: false, autoDelete: false });
  result.startedAt = Date.now();
  const window = 200;
  for (let i = 0; i < settings.messages; i++) {
    ch.sendToQueue(settings.path, Buffer.from(prepare(next++)), { persistent: false });
    result.requests++;
    if (i % window === window - 1) await ch.waitForConfirms();
  }
  await ch.waitForConfirms();
  result.accepted = result.requests;
  result.spansAccepted = result.accepted * settings.spansPerBody;
  await conn.close();
}

const started = performance.now();
if (settings.mode === 'http') await runHttp();
else if (settings.mode === 'grpc') await (process.env.BENCH_GRPC_CLIENT === 'node-http2' ? runGrpc() : runGrpcRaw());
else await runRabbit();
result.elapsedMs = performance.now() - started;
process.stdout.write(`${JSON.stringify(result)}\n`);
