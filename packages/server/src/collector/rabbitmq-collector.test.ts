import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZIPKIN_JSON_V1, ZIPKIN_JSON_V2, ZIPKIN_PROTO3, ZIPKIN_THRIFT, type SpanCodec } from '@skein/codec';
import type { Span } from '@skein/model';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../config.js';
import { createServer } from '../server.js';
import { startTestServer, type TestServer } from '../testing.js';
import { ThreadedMemoryStorage } from '../ingest/prepare-thread.js';
import { ControlledStore, kitSpans, randomBytes } from './otlp-http-test-kit.js';

// A real RabbitMQ (127.0.0.1:5672, guest/guest) and a real amqplib publisher. Every test uses
// queues of its own, deleted afterwards.
const URI = 'amqp://guest:guest@127.0.0.1:5672';
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'packages/server/bin/skein.js');
const FORMATS: SpanCodec[] = [ZIPKIN_JSON_V2, ZIPKIN_JSON_V1, ZIPKIN_PROTO3, ZIPKIN_THRIFT];
const queues: string[] = [];
let conn: ChannelModel;
let ch: ConfirmChannel;

function newQueue(label: string): string {
  const q = `skein-test-${label}-${process.pid}-${Date.now().toString(36)}`;
  queues.push(q, `${q}.dlq`);
  return q;
}

beforeAll(async () => {
  conn = await amqp.connect(URI);
  ch = await conn.createConfirmChannel();
});

afterAll(async () => {
  for (const q of queues) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

async function publish(queue: string, body: Uint8Array): Promise<void> {
  await ch.assertQueue(queue, { durable: true });
  ch.sendToQueue(queue, Buffer.from(body), { persistent: true });
  await ch.waitForConfirms();
}

const trace = (base: number, i: number): string => (base * 0x100000 + i).toString(16).padStart(32, '0');

/** Distinct span ids the API returns for each of the traces. */
async function distinctSpans(url: string, traceIds: readonly string[]): Promise<number> {
  let n = 0;
  for (const id of traceIds) {
    const res = await fetch(`${url}/api/v2/trace/${id}`);
    if (res.status === 200) n += new Set(((await res.json()) as Span[]).map((s) => s.id)).size;
  }
  return n;
}

async function eventually(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('RabbitMQ collector (in-process servers)', () => {
  let store: ControlledStore;
  let servers: TestServer[] = [];

  beforeAll(() => {
    store = new ControlledStore();
    store.keepOpen = true;
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    store.keepOpen = false;
    await store.close();
  });

  const start = async (queue: string, extra: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> => {
    const s = await startTestServer({ rabbitUri: URI, rabbitQueue: queue, rabbitConcurrency: 4, maxBody: 64 * 1024, ...extra }, { storage: store });
    servers.push(s);
    return s;
  };

  it('stores every span of messages in all four formats while the consumer is restarted mid-stream', async () => {
    const queue = newQueue('restart');
    let server = await start(queue);
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      const id = trace(0x301, i);
      ids.push(id);
      await publish(queue, (FORMATS[i % 4] as SpanCodec).encode(kitSpans(id, 5)));
      if (i === 40) {
        await server.close(); // stop the consumer: messages pile up in the queue
        servers = servers.filter((s) => s !== server);
      }
      if (i === 80) server = await start(queue); // a new consumer on the same queue
    }
    await eventually('600 spans', async () => (await distinctSpans(server.url, ids)) === 600);
    expect(await distinctSpans(server.url, ids)).toBe(600);
    expect((await ch.checkQueue(queue)).messageCount).toBe(0);
  });

  it('dead-letters malformed messages to <queue>.dlq with the reason, never redelivering them', async () => {
    const queue = newQueue('dlq');
    const server = await start(queue);
    const bad: [string, Uint8Array, string][] = [
      ['random bytes', randomBytes(5, 300), 'BODY_MALFORMED'],
      ['plain text', Buffer.from('hello rabbit'), 'BODY_MALFORMED'],
      ['truncated JSON v2', ZIPKIN_JSON_V2.encode(kitSpans(trace(0x302, 1), 3)).subarray(0, 50), 'JSON_MALFORMED'],
      ['truncated proto3', ZIPKIN_PROTO3.encode(kitSpans(trace(0x302, 2), 3)).subarray(0, 30), 'BODY_MALFORMED'],
      ['truncated thrift', ZIPKIN_THRIFT.encode(kitSpans(trace(0x302, 3), 3)).subarray(0, 30), 'BODY_MALFORMED'],
      ['traceId as a number', Buffer.from('[{"traceId":12,"id":"1","kind":"CLIENT"}]'), 'SPAN_INVALID_TYPE'],
      ['non-hex id', Buffer.from('[{"traceId":"zz","id":"1","tags":{}}]'), 'SPAN_INVALID_TRACE_ID'],
      ['over --max-body', ZIPKIN_JSON_V2.encode(kitSpans(trace(0x302, 4), 600)), 'BODY_TOO_LARGE'],
    ];
    for (const [, body] of bad) await publish(queue, body);
    const good = trace(0x302, 9);
    await publish(queue, ZIPKIN_PROTO3.encode(kitSpans(good, 2)));
    await eventually('the good message', async () => (await distinctSpans(server.url, [good])) === 2);
    const dead = new Map<string, string>();
    await eventually('all dead letters', async () => (await ch.checkQueue(`${queue}.dlq`)).messageCount === bad.length);
    for (let i = 0; i < bad.length; i++) {
      const msg = await ch.get(`${queue}.dlq`, { noAck: true });
      if (msg === false) throw new Error('dead letter missing');
      const headers = msg.properties.headers ?? {};
      expect(String(headers['x-skein-error'])).not.toBe('');
      dead.set(msg.content.toString('base64'), String(headers['x-skein-error-code']));
    }
    for (const [label, body, code] of bad) expect(dead.get(Buffer.from(body).toString('base64')), label).toBe(code);
    expect((await ch.checkQueue(queue)).messageCount).toBe(0);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/skein_collector_messages_rejected_total\{transport="rabbitmq",reason="invalid"\} 7/);
  });

  it('goes through the memory store ingest thread alike: every format stored, malformed messages dead-lettered with their codes', async () => {
    const queue = newQueue('thread');
    const server = await startTestServer({ rabbitUri: URI, rabbitQueue: queue, rabbitConcurrency: 4, maxBody: 64 * 1024, storage: 'memory', ingestThread: true });
    servers.push(server);
    expect(server.server.storage).toBeInstanceOf(ThreadedMemoryStorage);
    const ids = Array.from({ length: 8 }, (_, i) => trace(0x306, i));
    for (const [i, id] of ids.entries()) await publish(queue, (FORMATS[i % 4] as SpanCodec).encode(kitSpans(id, 4)));
    const bad: [Uint8Array, string][] = [
      [randomBytes(7, 200), 'BODY_MALFORMED'],
      [ZIPKIN_JSON_V2.encode(kitSpans(trace(0x306, 20), 3)).subarray(0, 50), 'JSON_MALFORMED'],
      [Buffer.from('[{"traceId":"zz","id":"1","tags":{}}]'), 'SPAN_INVALID_TRACE_ID'],
    ];
    for (const [body] of bad) await publish(queue, body);
    await eventually('32 spans', async () => (await distinctSpans(server.url, ids)) === 32);
    await eventually('3 dead letters', async () => (await ch.checkQueue(`${queue}.dlq`)).messageCount === bad.length);
    const codes = new Map<string, string>();
    for (let i = 0; i < bad.length; i++) {
      const msg = await ch.get(`${queue}.dlq`, { noAck: true });
      if (msg === false) throw new Error('dead letter missing');
      codes.set(msg.content.toString('base64'), String(msg.properties.headers?.['x-skein-error-code']));
    }
    for (const [body, code] of bad) expect(codes.get(Buffer.from(body).toString('base64'))).toBe(code);
    // The two JSON v2 messages were read straight from their bytes, the six others decoded first;
    // refused messages are not counted.
    expect((server.server.storage as ThreadedMemoryStorage).threadMessages).toEqual({ fast: 2, general: 6 });
  });

  it('keeps a message the store failed on in the queue and stores it once the store is back', async () => {
    const queue = newQueue('down');
    const server = await start(queue);
    store.down = true;
    const id = trace(0x303, 1);
    await publish(queue, ZIPKIN_JSON_V2.encode(kitSpans(id, 4)));
    await eventually('a storage failure', async () => /transport="rabbitmq",reason="storage_error"\} [1-9]/.test(await (await fetch(`${server.url}/metrics`)).text()));
    expect(await distinctSpans(server.url, [id])).toBe(0);
    store.down = false;
    await eventually('the requeued message', async () => (await distinctSpans(server.url, [id])) === 4);
  });

  it('fails to start with a clear message when the queue exists with other properties', async () => {
    const queue = newQueue('conflict');
    await ch.assertQueue(queue, { durable: false });
    const server = await createServer(makeConfig({ port: 0, host: '127.0.0.1', rabbitUri: URI, rabbitQueue: queue }), { uiDir: null });
    const started = await server.listen().then(
      () => 'started',
      (err: unknown) => String(err),
    );
    await server.close();
    expect(started).toMatch(/cannot consume from RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:5672 \(--rabbit-uri\), queue skein-test-conflict.*PRECONDITION_FAILED/);
  });

  it('reconnects by itself when RabbitMQ closes its connection', async () => {
    const queue = newQueue('reconnect');
    const server = await start(queue);
    await publish(queue, ZIPKIN_JSON_V2.encode(kitSpans(trace(0x304, 1), 1)));
    await eventually('first message', async () => (await distinctSpans(server.url, [trace(0x304, 1)])) === 1);
    const listing = execFileSync('rabbitmqctl', ['-q', 'list_connections', 'pid', 'client_properties'], { encoding: 'utf8' });
    const line = listing.split('\n').find((l) => l.includes(`skein ${queue}`));
    const pid = /<[^>]+>/.exec(line ?? '')?.[0];
    expect(pid, listing).toBeDefined();
    execFileSync('rabbitmqctl', ['-q', 'close_connection', pid ?? '', 'skein test: broker closes the connection']);
    await publish(queue, ZIPKIN_JSON_V2.encode(kitSpans(trace(0x304, 2), 3)));
    await eventually('a message after the reconnect', async () => (await distinctSpans(server.url, [trace(0x304, 2)])) === 3);
  }, 60_000);

  it('reports the consumer in /health: DOWN with the reason while it cannot reconnect, UP once it can', async () => {
    const queue = newQueue('health');
    const server = await start(queue);
    const health = async (): Promise<{ status: number; body: { status: string; collectors?: { rabbitmq?: { ok: boolean; error?: string } } } }> => {
      const res = await fetch(`${server.url}/health`);
      return { status: res.status, body: (await res.json()) as never };
    };
    expect(await health()).toMatchObject({ status: 200, body: { status: 'UP', collectors: { rabbitmq: { ok: true } } } });
    // The queue goes away (the consumer is cancelled and reconnects), and comes back declared
    // with other arguments, which the consumer's own declaration is refused against.
    const other = await conn.createChannel();
    await other.deleteQueue(queue);
    await other.assertQueue(queue, { durable: true, arguments: { 'x-max-length': 7 } });
    let down: Awaited<ReturnType<typeof health>> | undefined;
    await eventually('health DOWN', async () => (down = await health()).status === 503);
    expect(down?.body.status).toBe('DOWN');
    expect(down?.body.collectors?.rabbitmq?.ok).toBe(false);
    expect(down?.body.collectors?.rabbitmq?.error).toMatch(/not consuming from RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:5672, queue skein-test-health/);
    await eventually('the reason of the failed reconnect', async () => /PRECONDITION/.test((await health()).body.collectors?.rabbitmq?.error ?? ''));
    await other.deleteQueue(queue);
    await other.close();
    await eventually('health UP again', async () => (await health()).status === 200);
    await publish(queue, ZIPKIN_JSON_V2.encode(kitSpans(trace(0x305, 1), 2)));
    await eventually('a message after recovering', async () => (await distinctSpans(server.url, [trace(0x305, 1)])) === 2);
  }, 60_000);
});

describe('RabbitMQ collector in a `skein serve` process killed with SIGKILL', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-b', 'packages/server'], { cwd: ROOT, stdio: 'inherit' });
    dataDir = mkdtempSync(join(tmpdir(), 'skein-rabbit-'));
  }, 180_000);
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  function serve(queue: string): Promise<{ proc: ChildProcess; url: string }> {
    const args = [BIN, 'serve', '--port=0', '--host=127.0.0.1', '--storage=sqlite', `--data-dir=${dataDir}`, '--otlp-http-port=-1', '--grpc-port=-1'];
    args.push(`--rabbit-uri=${URI}`, `--rabbit-queue=${queue}`, '--rabbit-concurrency=4');
    const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    return new Promise((resolve, reject) => {
      let out = '';
      const onData = (c: Buffer): void => {
        out += c.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m?.[1] !== undefined) resolve({ proc, url: m[1] });
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
      proc.on('exit', (code) => reject(new Error(`skein exited with ${code}:\n${out}`)));
    });
  }

  it('loses no span: unacked messages are redelivered to the restarted process', async () => {
    const queue = newQueue('sigkill');
    let { proc, url } = await serve(queue);
    const ids: string[] = [];
    const publishing = (async () => {
      for (let i = 0; i < 300; i++) {
        const id = trace(0x305, i);
        ids.push(id);
        await publish(queue, (FORMATS[i % 4] as SpanCodec).encode(kitSpans(id, 3)));
      }
    })();
    await eventually('some spans stored', async () => (await distinctSpans(url, ids.slice(0, 20))) > 0);
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));
    ({ proc, url } = await serve(queue));
    await publishing;
    await eventually('900 spans', async () => (await distinctSpans(url, ids)) === 900, 60_000);
    expect(await distinctSpans(url, ids)).toBe(900);
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }, 120_000);
});
