import { FORMAT_BINARY, FORMAT_HTTP_HEADERS, FORMAT_TEXT_MAP } from 'opentracing';
import { FLAG_REMOTE, SkeinSpanContext } from '../span-context.js';
import { extractB3Multi, extractB3Single, injectB3Multi, injectB3Single } from './b3.js';
import { decodeBinary, encodeBinary } from './binary.js';
import { carrierSetter, readCarrier, type HeaderBag } from './carrier.js';
import type { WireIds } from './ids-wire.js';
import { extractUberBaggage, extractUberTraceId, injectJaeger } from './jaeger.js';
import { extractBaggage, extractTraceparent, injectBaggage, injectTraceparent } from './w3c.js';

/** A header format: `b3` (multi-header X-B3-*), `b3-single`, `w3c` (traceparent, tracestate, baggage), `jaeger`. */
export type PropagationFormat = 'b3' | 'b3-single' | 'w3c' | 'jaeger';

/** Every header format, in the default extraction order. */
export const PROPAGATION_FORMATS: readonly PropagationFormat[] = ['w3c', 'b3-single', 'b3', 'jaeger'];

function idsFrom(format: PropagationFormat, bag: HeaderBag): WireIds | null {
  switch (format) {
    case 'w3c':
      return bag.traceparent === undefined ? null : extractTraceparent(bag.traceparent);
    case 'b3-single':
      return bag.b3 === undefined ? null : extractB3Single(bag.b3);
    case 'b3':
      return extractB3Multi(bag);
    case 'jaeger':
      return bag.uberTraceId === undefined ? null : extractUberTraceId(bag.uberTraceId);
  }
}

/** Injects and extracts span contexts for the OpenTracing carrier formats. Never throws on bad input. */
export class Propagator {
  private readonly inject: readonly PropagationFormat[];

  /**
   * `formats` are injected, in order. Extraction tries every format, in the fixed order
   * w3c, b3-single, b3, jaeger (B3's spec: the single header wins over the multi-header form).
   */
  constructor(formats: readonly PropagationFormat[]) {
    this.inject = formats;
  }

  /** Writes ctx into the carrier; unknown formats and unusable carriers are ignored. */
  injectInto(ctx: SkeinSpanContext, format: string, carrier: unknown): void {
    if (ctx.traceId === '') return;
    if (format === FORMAT_BINARY) {
      if (carrier !== null && typeof carrier === 'object') (carrier as { buffer?: unknown }).buffer = encodeBinary(ctx);
      return;
    }
    if (format !== FORMAT_HTTP_HEADERS && format !== FORMAT_TEXT_MAP) return;
    const set = carrierSetter(carrier);
    if (set === undefined) return;
    let baggageDone = false;
    for (const f of this.inject) {
      switch (f) {
        case 'b3':
          injectB3Multi(ctx, set);
          break;
        case 'b3-single':
          injectB3Single(ctx, set);
          break;
        case 'w3c':
          injectTraceparent(ctx, set);
          if (ctx.baggage !== undefined && !baggageDone) injectBaggage(ctx.baggage, set);
          baggageDone = true;
          break;
        case 'jaeger':
          injectJaeger(ctx, set);
          break;
      }
    }
  }

  /** Reads a context from the carrier, or null when none is there or it is malformed. */
  extractFrom(format: string, carrier: unknown): SkeinSpanContext | null {
    let baggage: Record<string, string> | undefined;
    let ids: WireIds | null = null;
    let traceState: string | undefined;
    if (format === FORMAT_HTTP_HEADERS || format === FORMAT_TEXT_MAP) {
      const bag = readCarrier(carrier);
      if (bag === null) return null;
      for (let i = 0; i < PROPAGATION_FORMATS.length; i++) {
        const f = PROPAGATION_FORMATS[i] as PropagationFormat;
        ids = idsFrom(f, bag);
        if (ids !== null) {
          if (f === 'w3c' && bag.tracestate !== undefined) traceState = bag.tracestate.trim();
          break;
        }
      }
      if (ids === null) return null;
      if (bag.baggage !== undefined) extractBaggage(bag.baggage, (baggage ??= {}));
      if (bag.uberctx !== undefined) extractUberBaggage(bag.uberctx, (baggage ??= {}));
    } else if (format === FORMAT_BINARY) {
      if (carrier === null || typeof carrier !== 'object') return null;
      baggage = {};
      ids = decodeBinary((carrier as { buffer?: unknown }).buffer, baggage);
      if (ids === null) return null;
    } else {
      return null;
    }
    if (baggage !== undefined && Object.keys(baggage).length === 0) baggage = undefined;
    return new SkeinSpanContext(ids.traceId, ids.spanId, ids.parentId, ids.flags | FLAG_REMOTE, baggage, traceState);
  }
}
