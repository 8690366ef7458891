import type { Span } from '@skein/model';
import { bareHash, hash32, keyHash, pairHash, qualifiedHash } from './posting-list.js';
import { KIND_CODE } from './span-packer.js';
import type { PackerDelta, SpanPacker } from './span-packer.js';

/**
 * Spans packed and hashed for the memory store: everything the store's add needs, as flat
 * arrays of strings and numbers. Preparing is most of the cost of storing a span and needs only
 * the packer, so a server can prepare on a worker thread (which owns the packer) and post the
 * batch to the store's thread cheaply (typed arrays are transferred, not copied).
 */
export interface PreparedBatch {
  /** Spans in the batch. */
  count: number;
  /** The trace id of each run of spans (consecutive spans with one trace id). */
  traceIds: string[];
  /**
   * Each run's spans packed (its times relative to its base, see times), joined by '\n' as a
   * stored trace joins them: one string a run, not one a span, so that a batch posts few strings
   * and a new trace stores its run as it came (see spanTexts).
   */
  packed: string[];
  /** Spans in each run. */
  runs: Int32Array;
  /**
   * Three per span: its name, local service and remote service, each as the packer's interned
   * id (a name id, or the id of the endpoint whose service it is), 0 when absent, or -(k + 1)
   * for strings[k] when not interned; read them with batchLabel. Ids instead of strings
   * because posting a hundred short strings to the store's thread costs more than the rest of
   * the batch, and the store's replica of the packer already holds them.
   */
  labels: Int32Array;
  /** The labels that were not interned. */
  strings: string[];
  /** Per span, its local endpoint's interned id, 0 when it has none, -1 when it is not interned (for linking). */
  locals: Int32Array;
  /**
   * Four per span: timestamp and duration (NaN when absent), its link flags (see linkFlags), and
   * the base its packed times are relative to (see timeBase); NaN for a span with no times at all
   * (no timestamp, no annotations), whose packed form fits any base.
   */
  times: Float64Array;
  /** annotationQuery term hashes of all spans; termEnds[i] is where span i's end. */
  terms: Int32Array;
  termEnds: Int32Array;
  /** Values of autocomplete keys seen: key, value, key, value… */
  autocomplete: string[];
  /** What the packer interned while preparing this batch (for the store's replica of it). */
  delta?: PackerDelta;
}

/** Settings a preparer must share with the store it prepares for. */
export interface PrepareSettings {
  autocompleteKeys: readonly string[];
}

/**
 * Term hashes by interned id: a packer's ids never change, so each interned tag key, and each
 * interned value of a key, is hashed once rather than once per span.
 */
interface TermMemo {
  keys: number[];
  pairs: number[][];
}
const memos = new WeakMap<SpanPacker, TermMemo>();

/** Link flags: the span has a parent id. */
export const HAS_PARENT = 1;
/** Link flags: the span is shared (a server reusing its client's span id). */
export const SHARED_SPAN = 2;
/** Link flags: the span has an "error" tag. */
export const ERROR_TAG = 4;
/** Link flags: the kind code (1 CLIENT, 2 SERVER, 3 PRODUCER, 4 CONSUMER, 0 none) is above these bits. */
export const KIND_SHIFT = 3;

/** What dependency linking reads of a span besides its ids and endpoints, as one small integer. */
export function linkFlags(hasParent: boolean, shared: boolean, error: boolean, kind: number): number {
  return (hasParent ? HAS_PARENT : 0) | (shared ? SHARED_SPAN : 0) | (error ? ERROR_TAG : 0) | (kind << KIND_SHIFT);
}

/** Width of the windows time bases are taken from (µs, about 36 minutes). */
const WINDOW = 2 ** 31;

/**
 * The base of a span's packed times: the start of the window its timestamp (else its first
 * annotation's) falls in. A function of the span alone, so a packer needs to know nothing of the
 * trace it joins, equal spans pack alike, and times relative to it stay small integers, which
 * V8 writes and reads several times faster than larger numbers. A trace is kept relative to its
 * first span's base; the rare span of another window is rebased when stored.
 */
export function timeBase(span: Span): number {
  return windowBase(span.timestamp ?? span.annotations?.[0]?.timestamp ?? 0);
}

/** The start of the window a time (µs) falls in: timeBase of a span anchored there. */
export function windowBase(anchor: number): number {
  return Math.floor(anchor / WINDOW) * WINDOW;
}

/** Span i's name (what 0), local service (1) or remote service (2), '' when absent; read with the packer that prepared the batch, or a replica that applied its delta. */
export function batchLabel(packer: SpanPacker, batch: PreparedBatch, i: number, what: 0 | 1 | 2): string {
  const ref = batch.labels[i * 3 + what] as number;
  if (ref === 0) return '';
  if (ref < 0) return batch.strings[-ref - 1] as string;
  return what === 0 ? packer.nameOf(ref) : packer.serviceOf(ref);
}

/** Each span of a batch: its trace id and packed text (for tests and tools; the store reads the runs). */
export function spanTexts(batch: PreparedBatch): { traceId: string; packed: string }[] {
  const out: { traceId: string; packed: string }[] = [];
  for (let r = 0; r < batch.runs.length; r++) {
    const texts = (batch.packed[r] as string).split('\n');
    if (texts.length !== batch.runs[r]) throw new Error(`run ${r} holds ${texts.length} packed spans, not ${batch.runs[r]}`);
    for (const packed of texts) out.push({ traceId: batch.traceIds[r] as string, packed });
  }
  return out;
}

/** Prepares spans with this packer (on whichever thread owns it). */
export function prepareBatch(packer: SpanPacker, spans: readonly Span[], settings: PrepareSettings): PreparedBatch {
  const n = spans.length;
  const traceIds: string[] = [], packed: string[] = [], runs: number[] = [];
  let run: string[] = [];
  const labels = new Int32Array(n * 3);
  const locals = new Int32Array(n);
  const strings: string[] = [];
  const ids = packer.lastIds;
  const times = new Float64Array(n * 4);
  const termEnds = new Int32Array(n);
  let terms = new Int32Array(Math.max(64, n * 16));
  let t = 0;
  const autocomplete: string[] = [];
  const keys = settings.autocompleteKeys;
  let lastService = '';
  let qualifier = 0;
  let memo = memos.get(packer);
  if (memo === undefined) memos.set(packer, (memo = { keys: [], pairs: [] }));
  const tagsOf = packer.lastTags;
  for (let i = 0; i < n; i++) {
    const span = spans[i] as Span;
    if (i === 0 || span.traceId !== traceIds[traceIds.length - 1]) {
      if (i > 0) packed.push(run.join('\n'));
      traceIds.push(span.traceId);
      runs.push(0);
      run = [];
    }
    runs[runs.length - 1] = (runs[runs.length - 1] as number) + 1;
    const base = timeBase(span);
    run.push(packer.pack(span, span.traceId, base));
    const service = span.localEndpoint?.serviceName ?? '';
    const name = span.name ?? '';
    const remote = span.remoteEndpoint?.serviceName ?? '';
    labels[i * 3] = name === '' ? 0 : ids.name !== 0 ? ids.name : -strings.push(name);
    labels[i * 3 + 1] = service === '' ? 0 : ids.local !== 0 ? ids.local : -strings.push(service);
    labels[i * 3 + 2] = remote === '' ? 0 : ids.remote !== 0 ? ids.remote : -strings.push(remote);
    locals[i] = span.localEndpoint === undefined ? 0 : ids.local !== 0 ? ids.local : -1;
    times[i * 4] = span.timestamp ?? Number.NaN;
    times[i * 4 + 1] = span.duration ?? Number.NaN;
    const error = span.tags !== undefined && Object.prototype.hasOwnProperty.call(span.tags, 'error');
    times[i * 4 + 2] = linkFlags(span.parentId !== undefined, span.shared === true, error, span.kind === undefined ? 0 : KIND_CODE[span.kind]);
    times[i * 4 + 3] = span.timestamp !== undefined || (span.annotations?.length ?? 0) > 0 ? base : Number.NaN;
    if (service !== lastService) {
      lastService = service;
      qualifier = service === '' ? 0 : hash32(service);
    }
    // Each term is indexed for any service, and for the service whose span recorded it: two
    // hashes per term (a bare tag key, "key=value", or an annotation value). The tags are the
    // ones pack() just read, with their interned ids.
    const annotations = span.annotations;
    const tagCount = tagsOf.count;
    const most = 2 * (annotations?.length ?? 0) + 4 * tagCount;
    if (t + most > terms.length) {
      const bigger = new Int32Array(Math.max(terms.length * 2, t + most));
      bigger.set(terms);
      terms = bigger;
    }
    for (let j = 0; j < tagCount; j++) {
      const key = tagsOf.keys[j] as string;
      const value = tagsOf.values[j] as string;
      const kid = tagsOf.keyIds[j] as number | string;
      const vid = tagsOf.valueIds[j] as number | string;
      let k: number;
      if (typeof kid === 'number') {
        const known = memo.keys[kid];
        k = known ?? (memo.keys[kid] = keyHash(key));
      } else k = keyHash(key);
      let h = bareHash(k);
      terms[t++] = h;
      if (service !== '') terms[t++] = qualifiedHash(h, qualifier);
      if (value === '') continue;
      if (typeof kid === 'number' && typeof vid === 'number') {
        const row = memo.pairs[kid] ?? (memo.pairs[kid] = []);
        const known = row[vid];
        h = known ?? (row[vid] = pairHash(k, value));
      } else h = pairHash(k, value);
      terms[t++] = h;
      if (service !== '') terms[t++] = qualifiedHash(h, qualifier);
      if (keys.length > 0 && keys.includes(key)) autocomplete.push(key, value);
    }
    if (annotations !== undefined) {
      for (const a of annotations) {
        const h = bareHash(keyHash(a.value));
        terms[t++] = h;
        if (service !== '') terms[t++] = qualifiedHash(h, qualifier);
      }
    }
    termEnds[i] = t;
  }
  if (n > 0) packed.push(run.join('\n'));
  const batch: PreparedBatch = {
    count: n, traceIds, packed, runs: Int32Array.from(runs), labels, strings, locals, times, terms: terms.slice(0, t), termEnds, autocomplete,
  };
  return batch;
}
