import { detectFormat, ZIPKIN_JSON_V1, ZIPKIN_JSON_V2, ZIPKIN_PROTO3, ZIPKIN_THRIFT, type DetectedFormat, type SpanCodec } from '@skein/codec';
import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import type { IngestPipeline } from '../ingest/pipeline.js';
import { asServerError } from './grpc-status.js';
import type { Collector, CollectorParts } from './registry.js';

/** Metrics transport of the RabbitMQ collector. */
export const RABBITMQ_TRANSPORT = 'rabbitmq';

const CODECS: Readonly<Record<DetectedFormat, SpanCodec>> = {
  'zipkin-json-v2': ZIPKIN_JSON_V2,
  'zipkin-json-v1': ZIPKIN_JSON_V1,
  'zipkin-proto3': ZIPKIN_PROTO3,
  'zipkin-thrift': ZIPKIN_THRIFT,
};

/** Settings of the RabbitMQ collector. */
export interface RabbitSettings {
  uri: string;
  queue: string;
  /** Messages being stored at once (the prefetch). */
  concurrency: number;
  maxBody: number;
  /** Wait before a message the store could not take is requeued (so it does not spin). */
  retryDelayMs?: number;
}

/** The URI without its password, for logs. */
export function redactUri(uri: string): string {
  return uri.replace(/^(amqps?:\/\/[^:/@]*):[^@]*@/, '$1:***@');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Consumes span lists (Zipkin JSON v2/v1, proto3 or Thrift, detected from the bytes) from a
 * durable queue. A message is acked only once its spans are stored; when the store fails or
 * the queue is full it is requeued after a short delay; a malformed one is moved to the
 * dead-letter queue `<queue>.dlq` (headers x-skein-error-code / x-skein-error) and acked only
 * once the broker confirmed that copy. Reconnects with backoff when the connection drops.
 */
export class RabbitConsumer {
  private readonly pipeline: IngestPipeline;
  private readonly s: RabbitSettings;
  private readonly dlq: string;
  private conn: ChannelModel | undefined;
  private consumer: { channel: ConfirmChannel; consumerTag: string } | undefined;
  private closing = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Connections made so far (1 after start; more after reconnects). */
  connections = 0;
  /** Why the connection was lost or the last reconnect failed. */
  private lastError = 'not started';

  constructor(pipeline: IngestPipeline, settings: RabbitSettings) {
    this.pipeline = pipeline;
    this.s = settings;
    this.dlq = `${settings.queue}.dlq`;
  }

  /** Whether it is consuming now (false while it reconnects), with why not. */
  check(): { ok: boolean; error?: string } {
    if (this.consumer !== undefined) return { ok: true };
    return { ok: false, error: `not consuming from RabbitMQ at ${redactUri(this.s.uri)}, queue ${this.s.queue}: ${this.closing ? 'closed' : `reconnecting (${this.lastError})`}` };
  }

  /** Connects and starts consuming; rejects when the first connection fails. */
  async start(): Promise<string> {
    try {
      await this.connect();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new Error(`cannot consume from RabbitMQ at ${redactUri(this.s.uri)} (--rabbit-uri), queue ${this.s.queue}: ${why}`);
    }
    return `${redactUri(this.s.uri)} queue ${this.s.queue}`;
  }

  private async connect(): Promise<void> {
    const conn = await amqp.connect(this.s.uri, { clientProperties: { connection_name: `skein ${this.s.queue}` } });
    conn.on('error', () => {}); // 'close' follows (and reconnects once consuming)
    try {
      const channel = await conn.createConfirmChannel();
      channel.on('error', () => {}); // e.g. a queue declared with other arguments: the assert rejects
      // As Zipkin's collector declares it: durable, not exclusive, not auto-deleted, no arguments.
      await channel.assertQueue(this.s.queue, { durable: true, exclusive: false, autoDelete: false });
      await channel.assertQueue(this.dlq, { durable: true, exclusive: false, autoDelete: false });
      await channel.prefetch(this.s.concurrency);
      // A channel closed by the broker (e.g. a failed operation) takes the connection down with it.
      channel.on('close', () => void conn.close().catch(() => {}));
      const { consumerTag } = await channel.consume(this.s.queue, (msg) => {
        if (msg === null) {
          void conn.close().catch(() => {}); // the queue was deleted: start over
          return;
        }
        const p = this.handle(channel, msg).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      });
      // Only a connection that is consuming reconnects when it drops; a failed attempt throws.
      conn.on('close', () => this.dropped(conn));
      this.conn = conn;
      this.consumer = { channel, consumerTag };
      this.connections++;
      if (this.closing) await conn.close(); // close() was called while this attempt ran
    } catch (err) {
      await conn.close().catch(() => {});
      throw err;
    }
  }

  private dropped(conn: ChannelModel): void {
    if (this.conn === conn) {
      this.conn = undefined;
      this.consumer = undefined;
    }
    if (this.closing) return;
    this.lastError = 'the connection was lost';
    console.error(`skein: RabbitMQ connection to ${redactUri(this.s.uri)} lost; reconnecting`);
    this.scheduleReconnect(100);
  }

  private scheduleReconnect(delay: number): void {
    if (this.closing || this.reconnectTimer !== undefined) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.closing) return;
      this.connect().then(
        () => console.error(`skein: RabbitMQ reconnected to ${redactUri(this.s.uri)}`),
        (err: unknown) => {
          this.lastError = err instanceof Error ? err.message : String(err);
          this.scheduleReconnect(Math.min(delay * 2, 5000));
        },
      );
    }, delay);
  }

  private async handle(channel: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
    const body = msg.content;
    try {
      if (body.length === 0) {
        channel.ack(msg); // Zipkin skips empty messages too
        return;
      }
      if (body.length > this.s.maxBody) {
        this.pipeline.refuse(RABBITMQ_TRANSPORT, 'too_large');
        await this.deadLetter(channel, msg, 'BODY_TOO_LARGE', `the message is larger than the limit of ${this.s.maxBody} bytes (--max-body)`);
        return;
      }
      const format = detectFormat(body);
      if (format === undefined) {
        this.pipeline.refuse(RABBITMQ_TRANSPORT, 'invalid');
        await this.deadLetter(
          channel,
          msg,
          'BODY_MALFORMED',
          'the message is not a list of spans in Zipkin JSON v2, JSON v1, proto3 or Thrift',
        );
        return;
      }
      try {
        await this.pipeline.ingestMessage(body, CODECS[format], RABBITMQ_TRANSPORT);
      } catch (error) {
        const err = asServerError(error, this.s.maxBody);
        if (err.statusCode < 500 && err.statusCode !== 429) {
          await this.deadLetter(channel, msg, err.code, `${format}: ${err.message}`);
          return;
        }
        // Not stored (store down, queue full, shutting down): back to the queue, after a pause.
        if (err.code !== 'SHUTTING_DOWN') await sleep(this.s.retryDelayMs ?? 1000);
        channel.nack(msg, false, true);
        return;
      }
      channel.ack(msg);
    } catch {
      // The channel closed under us: the broker redelivers the unacked message.
    }
  }

  private async deadLetter(channel: ConfirmChannel, msg: ConsumeMessage, code: string, reason: string): Promise<void> {
    const headers: Record<string, unknown> = {
      ...(msg.properties.headers ?? {}),
      'x-skein-error-code': code,
      'x-skein-error': reason,
      'x-skein-queue': this.s.queue,
    };
    await new Promise<void>((resolve, reject) => {
      const contentType = msg.properties.contentType as string | undefined;
      const options = contentType === undefined ? { persistent: true, headers } : { persistent: true, headers, contentType };
      channel.sendToQueue(this.dlq, msg.content, options, (err) =>
        err === null || err === undefined ? resolve() : reject(err as Error),
      );
    });
    channel.ack(msg);
  }

  /** Stops consuming, lets messages in flight be stored and acked, then disconnects. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    // No new deliveries; the ones being stored finish and are acked (or requeued).
    await this.consumer?.channel.cancel(this.consumer.consumerTag).catch(() => {});
    await Promise.allSettled([...this.inFlight]);
    await this.conn?.close().catch(() => {});
    this.conn = undefined;
  }
}

/** The RabbitMQ collector, when --rabbit-uri is set. */
export function rabbitmqCollector(parts: CollectorParts): Collector | undefined {
  const { config, pipeline } = parts;
  if (config.rabbitUri === '') return undefined;
  const consumer = new RabbitConsumer(pipeline, {
    uri: config.rabbitUri,
    queue: config.rabbitQueue,
    concurrency: config.rabbitConcurrency,
    maxBody: config.maxBody,
  });
  return { name: 'rabbitmq', start: () => consumer.start(), close: () => consumer.close(), check: () => consumer.check() };
}
