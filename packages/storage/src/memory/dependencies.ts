import { DependencyLinker, mergeDependencyLinks } from '@skein/model';
import type { DependencyLink, Span } from '@skein/model';
import type { Packed } from './span-packer.js';
import type { MemoryIndex } from './memory-index.js';
import type { Block } from './trace-entry.js';

// Links are computed live from the stored spans. A block of 1,024 traces lying wholly inside the
// window reuses the links cached on it; any new span in the block (or an eviction) clears them.
// Traces are grouped by the low 64 bits of their id whatever strictTraceId says, as Zipkin does,
// so a trace mixing 64- and 128-bit ids is not counted twice.

/** Adds the trace at ord to the linker when it starts in [begin, end]. */
function putEntry(index: MemoryIndex, linker: DependencyLinker, ord: number, begin: number, end: number): void {
  const e = index.entry(ord);
  if (e === undefined || e.ts === 0 || e.ts < begin || e.ts > end) return;
  const packed = index.parse(e);
  const spans = new Array<Span>(packed.length);
  for (let i = 0; i < packed.length; i++) spans[i] = index.packer.unpackForLinks(packed[i] as Packed[], e.traceId, e.base);
  linker.putTrace(spans);
}

/** Traces a query links between turns of the event loop. */
const TRACES_PER_QUERY_SLICE = 128;

/** Lets the event loop run (ingest, other requests) before a query links the next slice. */
function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Links the traces of a block that start in [begin, end], a slice at a time: after a long burst
 * of ingest a query may find hundreds of blocks not linked ahead (seconds of work), and the event
 * loop keeps serving meanwhile. Traces arriving after the call starts are left to later queries.
 */
async function linkBlock(index: MemoryIndex, id: number, begin: number, end: number): Promise<DependencyLinker> {
  const linker = new DependencyLinker();
  const last = Math.min(((id + 1) << index.blockBits) - 1, index.nextOrd - 1);
  let ord = Math.max(id << index.blockBits, index.firstLive);
  while (ord <= last) {
    for (const stop = Math.min(last + 1, ord + TRACES_PER_QUERY_SLICE); ord < stop; ord++) putEntry(index, linker, ord, begin, end);
    if (ord <= last) await yieldToLoop();
  }
  return linker;
}

/**
 * The links of all dated traces of a block, computed once however many queries ask meanwhile,
 * and cached unless the block changed meanwhile.
 */
function wholeBlockLinks(index: MemoryIndex, id: number, block: Block): Promise<DependencyLink[]> {
  const version = block.version;
  if (block.linking !== undefined && block.linking.version === version) return block.linking.links;
  const links = linkBlock(index, id, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)
    .then((linker) => {
      const computed = linker.link();
      if (block.version === version && index.blocks.get(id) === block) block.links = computed;
      return computed;
    })
    .finally(() => {
      if (block.linking?.links === links) block.linking = undefined;
    });
  block.linking = { version, links };
  return links;
}

/**
 * Links of traces starting in [endTs - lookback, endTs] (epoch ms). A block lying wholly inside
 * the window uses its cached links, or computes and caches them unless it changed meanwhile.
 */
export async function dependencyLinks(index: MemoryIndex, endTs: number, lookback: number): Promise<DependencyLink[]> {
  const begin = (endTs - lookback) * 1000;
  const end = endTs * 1000;
  const parts: DependencyLink[] = [];
  for (const [id, block] of [...index.blocks]) {
    if (block.max < begin || block.min > end) continue;
    let links: DependencyLink[];
    if (block.min >= begin && block.max <= end) {
      links = block.links ?? (await wholeBlockLinks(index, id, block));
    } else {
      links = (await linkBlock(index, id, begin, end)).link();
    }
    for (const l of links) parts.push(l);
  }
  return mergeDependencyLinks(parts);
}

/** Traces linked per slice when linking ahead. */
const TRACES_PER_SLICE = 32;
/** While spans keep arriving, linking ahead takes at most this share of the event loop. */
const BUSY_SHARE = 0.1;
/** Ingest counts as ongoing this long after the last accept (ms). */
const BUSY_MS = 50;

/**
 * Computes a block's links TRACES_PER_SLICE traces at a time and caches them, unless the block
 * changed meanwhile (then a query computes them when it needs them); then done(). Slices run
 * back to back when the store is idle, and take at most BUSY_SHARE of the time while spans keep
 * arriving: ingest comes first, and links not ready when asked for are computed then.
 */
export function linkAhead(index: MemoryIndex, id: number, block: Block, done: () => void): void {
  const linker = new DependencyLinker();
  const version = block.version;
  let ord = Math.max(id << index.blockBits, index.firstLive);
  const step = (): void => {
    if (block.version !== version || index.blocks.get(id) !== block || block.links !== undefined) return done();
    if (block.linking?.version === version) return done(); // a query is linking it
    const started = performance.now();
    const last = Math.min(((id + 1) << index.blockBits) - 1, index.nextOrd - 1);
    for (const stop = Math.min(last + 1, ord + TRACES_PER_SLICE); ord < stop; ord++) {
      putEntry(index, linker, ord, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    }
    if (ord > last) {
      block.links = linker.link();
      return done();
    }
    const now = performance.now();
    if (now - index.lastAcceptAt > BUSY_MS) setImmediate(step);
    else setTimeout(step, Math.ceil(((now - started) * (1 - BUSY_SHARE)) / BUSY_SHARE)).unref();
  };
  setImmediate(step);
}
