import { isSpanId, normalizeWireTraceId } from '../ids.js';
import { FLAG_DEBUG, FLAG_DECIDED, FLAG_SAMPLED, type Baggage, type SkeinSpanContext } from '../span-context.js';
import type { HeaderSetter } from './carrier.js';
import type { WireIds } from './ids-wire.js';

const HEX_RE = /^[0-9a-f]{1,32}$/;

function pad(hex: string, width: number): string {
  return hex.length >= width ? hex : '0'.repeat(width - hex.length) + hex;
}

function decode(s: string): string | undefined {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** Reads Jaeger's `uber-trace-id: {trace}:{span}:{parent}:{flags}` (hex, leading zeros optional). */
export function extractUberTraceId(value: string): WireIds | null {
  const v = decode(value.trim());
  if (v === undefined) return null;
  const parts = v.toLowerCase().split(':');
  if (parts.length !== 4) return null;
  const [t, s, p, f] = parts as [string, string, string, string];
  if (!HEX_RE.test(t) || !HEX_RE.test(s) || s.length > 16 || !HEX_RE.test(p) || p.length > 16) return null;
  const traceId = normalizeWireTraceId(pad(t, t.length > 16 ? 32 : 16));
  const spanId = pad(s, 16);
  if (traceId === undefined || !isSpanId(spanId)) return null;
  const parentId = /^0+$/.test(p) ? undefined : pad(p, 16);
  if (!/^[0-9a-f]{1,2}$/.test(f)) return null;
  const bits = parseInt(f, 16);
  let flags = FLAG_DECIDED;
  if (bits & 1) flags |= FLAG_SAMPLED;
  if (bits & 2) flags |= FLAG_SAMPLED | FLAG_DEBUG;
  return { traceId, spanId, parentId, flags };
}

/** Adds `uberctx-*` entries ([key, value, ...]) to `into`. */
export function extractUberBaggage(entries: readonly string[], into: Record<string, string>): void {
  for (let i = 0; i + 1 < entries.length; i += 2) {
    const v = decode(entries[i + 1] ?? '');
    if (v !== undefined) into[entries[i] ?? ''] = v;
  }
}

/** Writes `uber-trace-id` and `uberctx-*`. */
export function injectJaeger(ctx: SkeinSpanContext, set: HeaderSetter): void {
  const flags = (ctx.flags & FLAG_SAMPLED ? 1 : 0) | (ctx.flags & FLAG_DEBUG ? 2 : 0);
  set('uber-trace-id', [ctx.traceId, ctx.spanId, ctx.parentId ?? '0', flags].join(':'));
  const baggage: Baggage | undefined = ctx.baggage;
  if (baggage !== undefined) {
    for (const key of Object.keys(baggage)) set('uberctx-' + key, encodeURIComponent(baggage[key] ?? ''));
  }
}
