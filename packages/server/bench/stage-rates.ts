/** Where the time of ingest goes, measured in-process on one core, for the ingest benchmarks. */
import type { SpanCodec } from '@skein/codec';
import { InMemoryStorage } from '@skein/storage';

/** Single-core spans/s of a codec's decode alone, and of decode + memory store accept (one pass, fresh store). */
export async function stageRates(codec: SpanCodec, bodies: readonly Uint8Array[]): Promise<{ decode: number; store: number }> {
  let spans = 0;
  let start = performance.now();
  for (let pass = 0; pass < 3; pass++) for (const b of bodies) spans += codec.decode(b).length;
  const decode = spans / ((performance.now() - start) / 1000);
  const store = new InMemoryStorage({ strictTraceId: true, autocompleteKeys: [], maxSpans: 5_000_000 });
  spans = 0;
  start = performance.now();
  for (const b of bodies) {
    const decoded = codec.decode(b);
    await store.accept(decoded);
    spans += decoded.length;
  }
  const stored = spans / ((performance.now() - start) / 1000);
  await store.close();
  return { decode, store: stored };
}
