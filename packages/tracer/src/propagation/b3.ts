import { isSpanId, normalizeWireTraceId } from '../ids.js';
import { FLAG_DEBUG, FLAG_DECIDED, FLAG_SAMPLED, type SkeinSpanContext } from '../span-context.js';
import type { HeaderBag, HeaderSetter } from './carrier.js';
import type { WireIds } from './ids-wire.js';

function samplingFlags(state: string): number | undefined {
  switch (state) {
    case '1':
    case 'true':
      return FLAG_DECIDED | FLAG_SAMPLED;
    case '0':
    case 'false':
      return FLAG_DECIDED;
    case 'd':
      return FLAG_DECIDED | FLAG_SAMPLED | FLAG_DEBUG;
    default:
      return undefined;
  }
}

/** Reads B3 multi-header (X-B3-*). Malformed values give null. */
export function extractB3Multi(bag: HeaderBag): WireIds | null {
  let flags = 0;
  if (bag.flags !== undefined && bag.flags.trim() === '1') flags = FLAG_DECIDED | FLAG_SAMPLED | FLAG_DEBUG;
  else if (bag.sampled !== undefined) {
    const s = samplingFlags(bag.sampled.trim().toLowerCase());
    if (s === undefined || s === (FLAG_DECIDED | FLAG_SAMPLED | FLAG_DEBUG)) return null;
    flags = s;
  }
  if (bag.traceId === undefined && bag.spanId === undefined) {
    return flags === 0 ? null : { traceId: '', spanId: '', parentId: undefined, flags };
  }
  if (bag.traceId === undefined || bag.spanId === undefined) return null;
  const traceId = normalizeWireTraceId(bag.traceId.trim());
  const spanId = bag.spanId.trim();
  if (traceId === undefined || !isSpanId(spanId)) return null;
  let parentId: string | undefined;
  if (bag.parentSpanId !== undefined) {
    parentId = bag.parentSpanId.trim();
    if (!isSpanId(parentId)) return null;
  }
  return { traceId, spanId, parentId, flags };
}

/** Reads the single `b3` header: `{traceId}-{spanId}[-{0|1|d}[-{parentSpanId}]]` or just `0|1|d`. */
export function extractB3Single(value: string): WireIds | null {
  const v = value.trim();
  if (v.length === 1) {
    const flags = samplingFlags(v);
    return flags === undefined ? null : { traceId: '', spanId: '', parentId: undefined, flags };
  }
  const d1 = v.indexOf('-');
  if (d1 !== 16 && d1 !== 32) return null;
  const traceId = normalizeWireTraceId(v.substring(0, d1));
  const spanId = v.substring(d1 + 1, d1 + 17);
  if (traceId === undefined || !isSpanId(spanId)) return null;
  let flags = 0;
  let parentId: string | undefined;
  const rest = v.length - (d1 + 17);
  if (rest !== 0) {
    // "-s" or "-s-{16 hex}"
    if ((rest !== 2 && rest !== 19) || v.charCodeAt(d1 + 17) !== 45) return null;
    const f = samplingFlags(v.charAt(d1 + 18));
    if (f === undefined) return null;
    flags = f;
    if (rest === 19) {
      if (v.charCodeAt(d1 + 19) !== 45) return null;
      parentId = v.substring(d1 + 20);
      if (!isSpanId(parentId)) return null;
    }
  }
  return { traceId, spanId, parentId, flags };
}

function stateOf(ctx: SkeinSpanContext): string | undefined {
  if (ctx.flags & FLAG_DEBUG) return 'd';
  if ((ctx.flags & FLAG_DECIDED) === 0) return undefined;
  return ctx.flags & FLAG_SAMPLED ? '1' : '0';
}

/** Writes X-B3-* headers. */
export function injectB3Multi(ctx: SkeinSpanContext, set: HeaderSetter): void {
  set('X-B3-TraceId', ctx.traceId);
  set('X-B3-SpanId', ctx.spanId);
  if (ctx.parentId !== undefined) set('X-B3-ParentSpanId', ctx.parentId);
  const state = stateOf(ctx);
  if (state === 'd') set('X-B3-Flags', '1');
  else if (state !== undefined) set('X-B3-Sampled', state);
}

/** Writes the single `b3` header. */
export function injectB3Single(ctx: SkeinSpanContext, set: HeaderSetter): void {
  const state = stateOf(ctx);
  // join() builds a flat string, which the receiving side reads faster than a `+` rope.
  const parts = [ctx.traceId, ctx.spanId];
  if (state !== undefined) {
    parts.push(state);
    if (ctx.parentId !== undefined) parts.push(ctx.parentId);
  }
  set('b3', parts.join('-'));
}
