import type { Span } from '@skein/model';
import type { PackerDelta, PrepareSettings, PreparedBatch } from '@skein/storage';

/** What a prepare worker starts with. */
export interface PrepareThreadData {
  settings: PrepareSettings;
  sampleRate: number;
  /** Everything the store's packer replica holds (a replacement worker starts from it). */
  seed?: PackerDelta;
}

/** A message to decode (and sample), or spans already decoded and sampled. */
export type PrepareRequest =
  | { id: number; kind: 'decode'; codec: string; body: Uint8Array }
  | { id: number; kind: 'spans'; spans: readonly Span[] };

/** An error thrown in the worker, as data (its class is rebuilt on the event loop). */
export interface WorkerError {
  kind: 'span' | 'codec' | 'skein' | 'internal';
  code: string;
  message: string;
  offset?: number;
  index?: number;
  field?: string;
  rule?: string;
}

/**
 * The worker's answer: the kept spans prepared (with the message's span count, and whether the
 * JSON v2 fast path prepared them straight from the bytes), or an error; either way with the
 * milliseconds the worker spent on the request (from receiving it to posting the reply) and on
 * posting its previous reply.
 */
export type PrepareReply =
  | { id: number; busyMs: number; received: number; batch: PreparedBatch; fast: boolean; error?: undefined }
  | { id: number; busyMs: number; error: WorkerError; received?: undefined; batch?: undefined };
