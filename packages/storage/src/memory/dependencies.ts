import { DependencyLinker, mergeDependencyLinks, subtractDependencyLinks } from '@skein/model';
import type { DependencyLink } from '@skein/model';
import type { MemoryIndex } from './memory-index.js';
import { linkTraceRecords } from './record-linker.js';
import type { Block } from './trace-entry.js';

// Links are computed live from the stored spans. A block of 1,024 traces lying wholly inside the
// window reuses the links cached on it; any new span in the block (or an eviction) clears them.
// Traces are grouped by the low 64 bits of their id whatever strictTraceId says, as Zipkin does,
// so a trace mixing 64- and 128-bit ids is not counted twice.

/** Adds the trace at ord to the linker, from its block's link records, when it starts in [begin, end]. */
function putEntry(index: MemoryIndex, linker: DependencyLinker, ord: number, begin: number, end: number): void {
  const e = index.entry(ord);
  if (e === undefined || e.ts === 0 || e.ts < begin || e.ts > end) return;
  const id = index.blockOf(ord);
  const block = index.blocks.get(id);
  if (block === undefined) return;
  const start = index.blockStart(id);
  const { starts, order } = block.records.grouped(index.blockStart(id + 1) - start);
  const slot = ord - start;
  linkTraceRecords(block.records, order, starts[slot] as number, starts[slot + 1] as number, index.linkNames, index.packer.endpointTable, linker);
}

/** The first and last ordinals of a block's traces still stored (first > last when none). */
function liveOrds(index: MemoryIndex, id: number): [number, number] {
  return [Math.max(index.blockStart(id), index.firstLive), Math.min(index.blockStart(id + 1) - 1, index.nextOrd - 1)];
}

/** Traces linked per slice (for a query waiting on them; at most, ahead of queries). */
const TRACES_PER_SLICE = 128;
/** A slice ahead of queries ends once it has taken this long (ms): a short pause to ingest, and long enough for a timer to space out. */
const AHEAD_SLICE_MS = 1;
/** Ingest counts as ongoing this long after the last accept (ms). */
const BUSY_MS = 50;

/** A block being linked, and whether a query waits for it (then it goes at full speed). */
interface Linking {
  version: number;
  urgent: boolean;
  links: Promise<DependencyLink[]>;
}

/**
 * Resolves when the next slice may run, given the last slice took sliceMs: at the next turn of
 * the event loop for a query, or when the store is idle; while spans keep arriving, linking ahead
 * waits so that it takes at most the share the index's LinkPacer allows (ingest comes first).
 */
function pause(index: MemoryIndex, urgent: boolean, sliceMs: number): Promise<void> {
  const share = index.linkPacer.linked(sliceMs);
  const wait = (sliceMs * (1 - share)) / share;
  return new Promise((resolve) => {
    if (urgent || performance.now() - index.lastAcceptAt > BUSY_MS || wait < 0.5) setImmediate(resolve);
    else setTimeout(resolve, Math.round(wait)).unref();
  });
}

/**
 * Links the traces of a block that start in [begin, end], a slice at a time with the event loop
 * free in between: after a long burst of ingest a query may find hundreds of blocks not linked
 * ahead (seconds of work). Traces arriving after the call starts are left to later queries.
 * Undefined when `giveUp` says so between slices.
 */
async function linkBlock(
  index: MemoryIndex, id: number, begin: number, end: number,
  urgent: () => boolean, giveUp: () => boolean = () => false,
): Promise<DependencyLinker | undefined> {
  const linker = new DependencyLinker();
  const [first, last] = liveOrds(index, id);
  let ord = first;
  while (ord <= last) {
    const started = performance.now();
    const ahead = !urgent();
    const stop = Math.min(last + 1, ord + TRACES_PER_SLICE);
    while (ord < stop) {
      putEntry(index, linker, ord++, begin, end);
      if (ahead && performance.now() - started >= AHEAD_SLICE_MS) break;
    }
    if (ord > last) break;
    await pause(index, urgent(), performance.now() - started);
    if (giveUp()) return undefined;
  }
  return linker;
}

/**
 * The links of all dated traces of a block, computed once whoever asks meanwhile (a query that
 * finds linking ahead under way speeds it up and waits for it), and cached unless the block
 * changed meanwhile. Linking ahead that nobody waits for gives up (links []) once the block
 * changes or is evicted: the store links it ahead again once it is quiet, or a query does.
 */
function wholeBlockLinks(index: MemoryIndex, id: number, block: Block, urgent: boolean): Promise<DependencyLink[]> {
  const version = block.version;
  const current = block.linking;
  if (current !== undefined && current.version === version) {
    if (urgent) current.urgent = true;
    return current.links;
  }
  const state: Linking = { version, urgent, links: Promise.resolve([]) };
  const stale = (): boolean => block.version !== version || index.blocks.get(id) !== block;
  state.links = linkBlock(index, id, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, () => state.urgent, () => !state.urgent && stale())
    .then((linker) => {
      if (linker === undefined) return [];
      const computed = linker.link();
      if (!stale()) block.links = computed;
      return computed;
    })
    .finally(() => {
      if (block.linking === state) block.linking = undefined;
    });
  block.linking = state;
  return state.links;
}

/**
 * Links of the traces of a block partly outside [begin, end]. Counts add up trace by trace, so
 * when few of its traces are outside, they are the block's cached links less those few traces'
 * links: a block holding a trace dated ahead of now (clock skew) no longer has all its traces
 * linked again by every query for a window ending now. When many are outside, or the block
 * changed while its links were computed, the traces inside are linked instead.
 */
async function straddlingBlockLinks(index: MemoryIndex, id: number, block: Block, begin: number, end: number): Promise<DependencyLink[]> {
  let outside = tracesOutside(index, id, begin, end);
  let all = block.links;
  if (outside !== undefined && all === undefined) {
    const version = block.version;
    all = await wholeBlockLinks(index, id, block, true);
    // The block may have changed while its links were computed: then the traces outside are counted again.
    outside = block.version === version && index.blocks.get(id) === block ? tracesOutside(index, id, begin, end) : undefined;
  }
  if (outside !== undefined && all !== undefined) {
    const linker = new DependencyLinker();
    for (const ord of outside) putEntry(index, linker, ord, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    return subtractDependencyLinks(all, linker.link());
  }
  return (await linkBlock(index, id, begin, end, () => true))?.link() ?? [];
}

/** The ordinals of a block's dated traces starting outside [begin, end], or undefined when they are more than a quarter of its dated traces. */
function tracesOutside(index: MemoryIndex, id: number, begin: number, end: number): number[] | undefined {
  const outside: number[] = [];
  let dated = 0;
  const [first, last] = liveOrds(index, id);
  for (let ord = first; ord <= last; ord++) {
    const e = index.entry(ord);
    if (e === undefined || e.ts === 0) continue;
    dated++;
    if (e.ts < begin || e.ts > end) outside.push(ord);
  }
  return outside.length * 4 <= dated ? outside : undefined;
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
      links = block.links ?? (await wholeBlockLinks(index, id, block, true));
    } else {
      links = await straddlingBlockLinks(index, id, block, begin, end);
    }
    for (const l of links) parts.push(l);
  }
  return mergeDependencyLinks(parts);
}

/** Computes and caches a block's links ahead of queries, in slices (see pause), from the next turn of the event loop; then done(). */
export function linkAhead(index: MemoryIndex, id: number, block: Block, done: () => void): void {
  setImmediate(() => {
    if (block.links !== undefined) return done();
    void wholeBlockLinks(index, id, block, false).finally(done);
  });
}
