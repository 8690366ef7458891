import type { DependencyLink } from '@skein/model';
import { LinkRecords } from './link-records.js';

/** The trace has a root span with a timestamp, which then dates it. */
export const HAS_ROOT = 1;
/** The trace's spans do not all carry the same trace id (64- and 128-bit forms of one id). */
export const MIXED_IDS = 2;

/**
 * One stored trace (all spans sharing the low 64 bits of a trace id). Spans are packed strings
 * joined by '\n' (which packed JSON never contains): one string per trace, not one per span.
 */
export class TraceEntry {
  /** Trace start in epoch µs (root span, else earliest); 0 while no span has a timestamp. */
  ts = 0;
  /** HAS_ROOT | MIXED_IDS. */
  flags = 0;
  /** Longest span duration, to skip traces cheaply on minDuration. */
  maxDuration = 0;
  /** Number of spans in data. */
  count = 0;
  /** Packed spans joined by '\n'. */
  data = '';
  /** Big traces only: packed spans appended since data was last rewritten (each '\n'-joined). */
  chunks: string[] | undefined = undefined;
  /** Hashes of the packed spans, kept while the trace is recent, to make duplicate checks cheap. */
  hashes: Set<number> | undefined = undefined;

  constructor(
    /** Arrival rank: traces are evicted in this order. */
    readonly ord: number,
    /** The trace id of the first span stored; other forms are kept on their spans. */
    readonly traceId: string,
    /**
     * Base of the relative times in data (µs); NaN while every stored span has no times (the
     * first span with times then sets it, so no span is ever rebased for nothing).
     */
    public base: number,
  ) {}
}

/** Bounds of trace start times in a block of consecutive ordinals (1,024 by default), and cached links. */
export class Block {
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** Links of every dated trace in the block; undefined when a trace changed since. */
  links: DependencyLink[] | undefined = undefined;
  /** Bumped whenever the block's traces change (links computed meanwhile are stale). */
  version = 0;
  /** When the block's traces last changed (performance.now() of that accept). */
  changedAt = 0;
  /** The version linking ahead last started on (it tries a version once). */
  triedVersion = -1;
  /** What linking reads of each span stored in the block (see LinkRecords). */
  readonly records = new LinkRecords();
  /** Links being computed, for the version they started at (others asking meanwhile wait for them). */
  linking: { version: number; urgent: boolean; links: Promise<DependencyLink[]> } | undefined = undefined;

  /** Records that the block's traces changed at `at` (performance.now()): cached links go stale. */
  changed(at: number): void {
    this.links = undefined;
    this.version++;
    this.changedAt = at;
  }

  /** Widens the bounds to include ts (µs). Bounds only grow, so they stay safe as traces change. */
  include(ts: number): void {
    if (ts < this.min) this.min = ts;
    if (ts > this.max) this.max = ts;
  }
}

/** Default log2 of the number of ordinals in a block. */
export const BLOCK_BITS = 10;
