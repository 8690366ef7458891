import { OTLP_PROTO } from '@skein/codec';
import type { Span } from '@skein/model';
import { InMemoryStorage } from '@skein/storage';

/** Deterministic pseudo-random bytes. */
export function randomBytes(seed: number, length: number): Buffer {
  let a = seed;
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    out[i] = a >>> 24;
  }
  return out;
}

/** n valid spans of one trace (a root and children), from service "kit". */
export function kitSpans(traceId: string, n: number): Span[] {
  const spans: Span[] = [];
  for (let i = 1; i <= n; i++) {
    const s: Span = {
      traceId,
      id: i.toString(16).padStart(16, '0'),
      name: `op ${i}`,
      timestamp: 1_700_000_000_000_000 + i,
      duration: 10,
      localEndpoint: { serviceName: 'kit' },
      tags: { i: String(i) },
    };
    if (i > 1) s.parentId = '0000000000000001';
    spans.push(s);
  }
  return spans;
}

/** An OTLP ExportTraceServiceRequest (protobuf) of kitSpans. */
export function otlpProtoBody(traceId: string, n: number): Buffer {
  return Buffer.from(OTLP_PROTO.encode(kitSpans(traceId, n)));
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

function bytesField(tag: number, bytes: Uint8Array | number[]): number[] {
  return [...varint((tag << 3) | 2), ...varint(bytes.length), ...bytes];
}

/** A protobuf ExportTraceServiceRequest with one span whose trace id is `traceId` bytes (e.g. empty). */
export function otlpProtoSpanWithTraceId(traceId: number[]): Buffer {
  const span = [...bytesField(1, traceId), ...bytesField(2, [1, 2, 3, 4, 5, 6, 7, 8]), ...bytesField(5, Buffer.from('bad'))];
  const scopeSpans = bytesField(2, span);
  const resourceSpans = bytesField(2, scopeSpans);
  return Buffer.from(bytesField(1, resourceSpans));
}

/** Reads code (1) and message (2) of a protobuf google.rpc.Status. */
export function readRpcStatus(bytes: Uint8Array): { code: number; message: string } {
  let i = 0;
  let code = 0;
  let message = '';
  const readVarint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++] ?? 0;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  };
  while (i < bytes.length) {
    const key = readVarint();
    if (key === 8) code = readVarint();
    else if ((key & 7) === 2) {
      const len = readVarint();
      if (key >> 3 === 2) message = Buffer.from(bytes.subarray(i, i + len)).toString('utf8');
      i += len;
    } else throw new Error(`unexpected key ${key} in Status`);
  }
  return { code, message };
}

/** A memory store whose accept() can be made to fail or to wait (store down / queue full tests). */
export class ControlledStore extends InMemoryStorage {
  /** accept() rejects while true. */
  down = false;
  /** accept() waits for this while set. */
  gate: Promise<void> | undefined;

  /** close() leaves the store open (one store shared by servers started one after another). */
  keepOpen = false;

  constructor() {
    super({ strictTraceId: true, autocompleteKeys: [], maxSpans: 1_000_000 });
  }

  override async close(): Promise<void> {
    if (!this.keepOpen) await super.close();
  }

  override async accept(spans: readonly Span[]): Promise<void> {
    if (this.gate !== undefined) await this.gate;
    if (this.down) throw new Error('disk on fire');
    return super.accept(spans);
  }
}
