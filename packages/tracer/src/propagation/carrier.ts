/** The propagation headers found in one carrier, read in a single case-insensitive pass. */
export interface HeaderBag {
  b3?: string;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  sampled?: string;
  flags?: string;
  traceparent?: string;
  tracestate?: string;
  baggage?: string;
  uberTraceId?: string;
  /** uberctx-* entries as [key, value, key, value, ...]. */
  uberctx?: string[];
}

/** Stores one header by its exact (lower-case or canonical) name; false when it is not one of ours. */
function assign(bag: HeaderBag, k: string, value: string): boolean {
  switch (k) {
    case 'b3':
      bag.b3 = value;
      return true;
    case 'x-b3-traceid':
    case 'X-B3-TraceId':
      bag.traceId = value;
      return true;
    case 'x-b3-spanid':
    case 'X-B3-SpanId':
      bag.spanId = value;
      return true;
    case 'x-b3-parentspanid':
    case 'X-B3-ParentSpanId':
      bag.parentSpanId = value;
      return true;
    case 'x-b3-sampled':
    case 'X-B3-Sampled':
      bag.sampled = value;
      return true;
    case 'x-b3-flags':
    case 'X-B3-Flags':
      bag.flags = value;
      return true;
    case 'traceparent':
      bag.traceparent = value;
      return true;
    case 'tracestate':
      bag.tracestate = bag.tracestate === undefined ? value : `${bag.tracestate},${value}`;
      return true;
    case 'baggage':
      bag.baggage = bag.baggage === undefined ? value : `${bag.baggage},${value}`;
      return true;
    case 'uber-trace-id':
      bag.uberTraceId = value;
      return true;
  }
  if (k.length > 8 && k.startsWith('uberctx-')) {
    (bag.uberctx ??= []).push(k.substring(8).toLowerCase(), value);
    return true;
  }
  return false;
}

function add(bag: HeaderBag, key: string, raw: unknown): void {
  // Every header we read starts with b, t, u or x (any case): skip the rest without lower-casing.
  const c0 = key.charCodeAt(0) | 0x20;
  if (c0 !== 0x62 && c0 !== 0x74 && c0 !== 0x75 && c0 !== 0x78) return;
  let value: string;
  if (typeof raw === 'string') value = raw;
  else if (Array.isArray(raw)) value = raw.filter((v) => typeof v === 'string').join(',');
  else return;
  // Exact names first (Node lower-cases incoming headers; injected ones are canonical), then any case.
  if (assign(bag, key, value)) return;
  const lower = key.toLowerCase();
  if (lower !== key) assign(bag, lower, value);
}

interface MapLike {
  get(name: string): unknown;
  forEach(cb: (value: unknown, key: unknown) => void): void;
}

function isMapLike(c: object): c is MapLike {
  return typeof (c as Partial<MapLike>).get === 'function' && typeof (c as Partial<MapLike>).forEach === 'function';
}

/** Reads a text-map carrier: a plain object, a Map, or a fetch Headers. Never throws. */
export function readCarrier(carrier: unknown): HeaderBag | null {
  if (carrier === null || typeof carrier !== 'object') return null;
  const bag: HeaderBag = {};
  try {
    if (isMapLike(carrier)) {
      carrier.forEach((value, key) => {
        if (typeof key === 'string') add(bag, key, value);
      });
    } else {
      const obj = carrier as Record<string, unknown>;
      for (const key in obj) add(bag, key, obj[key]);
    }
  } catch {
    return null;
  }
  return bag;
}

/** Sets one header on a text-map carrier (plain object, Map or Headers). */
export type HeaderSetter = (name: string, value: string) => void;

/** A setter for a carrier, or undefined when the carrier cannot hold headers. */
export function carrierSetter(carrier: unknown): HeaderSetter | undefined {
  if (carrier === null || typeof carrier !== 'object') return undefined;
  const c = carrier as { set?: unknown } & Record<string, unknown>;
  if (typeof c.set === 'function') {
    const set = c.set as (k: string, v: string) => void;
    return (k, v) => set.call(carrier, k, v);
  }
  return (k, v) => {
    c[k] = v;
  };
}
