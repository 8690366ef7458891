import { padTraceId32 } from '../ids.js';
import { FLAG_DECIDED, FLAG_SAMPLED, type Baggage, type SkeinSpanContext } from '../span-context.js';
import type { HeaderSetter } from './carrier.js';
import type { WireIds } from './ids-wire.js';

const TRACEPARENT_RE = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(?:-|$)/;
const ZERO32 = '00000000000000000000000000000000';

/**
 * Reads a W3C `traceparent`. Invalid versions, all-zero ids, upper-case hex or a wrong length for
 * version 00 give null (the spec says to ignore such a header and start a new trace).
 */
export function extractTraceparent(value: string): WireIds | null {
  const v = value.trim();
  // version(2) - trace-id(32) - parent-id(16) - flags(2) [ - future fields, versions > 00 only ]
  if (v.length < 55 || !TRACEPARENT_RE.test(v)) return null;
  const version = v.substring(0, 2);
  if (version === 'ff') return null;
  if (v.length > 55 && (version === '00' || v.charCodeAt(55) !== 45)) return null;
  const rawTrace = v.substring(3, 35);
  const spanId = v.substring(36, 52);
  if (rawTrace === ZERO32 || spanId === '0000000000000000') return null;
  const traceId = rawTrace.startsWith('0000000000000000') ? rawTrace.substring(16) : rawTrace;
  const last = v.charCodeAt(54); // the low bit of the flags byte is the low bit of its last hex digit
  const sampled = ((last <= 57 ? last : last + 1) & 1) === 1;
  return { traceId, spanId, parentId: undefined, flags: FLAG_DECIDED | (sampled ? FLAG_SAMPLED : 0) };
}

/** Writes `traceparent` (and `tracestate` when the context carries one). */
export function injectTraceparent(ctx: SkeinSpanContext, set: HeaderSetter): void {
  // join() builds a flat string; `+` would build a rope that is slow to read back char by char.
  set('traceparent', ['00', padTraceId32(ctx.traceId), ctx.spanId, ctx.flags & FLAG_SAMPLED ? '01' : '00'].join('-'));
  if (ctx.traceState !== undefined && ctx.traceState !== '') set('tracestate', ctx.traceState);
}

const MAX_BAGGAGE_ENTRIES = 180;
const MAX_BAGGAGE_BYTES = 8192;
const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function decode(s: string): string | undefined {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** Reads a W3C `baggage` header into `into`; malformed members are skipped. */
export function extractBaggage(value: string, into: Record<string, string>): void {
  if (value.length > MAX_BAGGAGE_BYTES) return;
  let count = 0;
  for (const member of value.split(',')) {
    if (++count > MAX_BAGGAGE_ENTRIES) return;
    const semi = member.indexOf(';');
    const pair = semi === -1 ? member : member.substring(0, semi);
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = pair.substring(0, eq).trim();
    if (!TOKEN_RE.test(key)) continue;
    const val = decode(pair.substring(eq + 1).trim());
    if (val === undefined) continue;
    into[key] = val;
  }
}

/** Writes W3C `baggage`, percent-encoding values; keys that are not tokens are left out. */
export function injectBaggage(baggage: Baggage, set: HeaderSetter): void {
  let out = '';
  for (const key of Object.keys(baggage)) {
    if (!TOKEN_RE.test(key)) continue;
    out += (out === '' ? '' : ',') + key + '=' + encodeURIComponent(baggage[key] ?? '');
  }
  if (out !== '') set('baggage', out);
}
