import type { Endpoint, Span } from '../span.js';

/** A clock offset, in microseconds, to subtract from timestamps recorded on one host. */
export interface ClockSkew {
  endpoint: Endpoint;
  skew: number;
}

/**
 * Whether two endpoints are the same host (same clock). IPs decide when both have one; without
 * IPs we fall back to the service name (Zipkin compares only IPs, so it never corrects traces
 * from instrumentation that omits them).
 */
export function sameHost(a: Endpoint | undefined, b: Endpoint | undefined): boolean {
  if (!a || !b) return false;
  if (a.ipv6 && b.ipv6) return a.ipv6 === b.ipv6;
  if (a.ipv4 && b.ipv4) return a.ipv4 === b.ipv4;
  if (a.serviceName && b.serviceName) return a.serviceName === b.serviceName;
  return false;
}

/**
 * The skew of a SERVER span relative to its CLIENT parent, after Zipkin's rule: skew is only
 * visible across an RPC, when the server appears to start before its client. Network latency is
 * taken as half the difference of the two durations, so the corrected server sits centred in the
 * client. One-way (no durations) or async (server longer than client) RPCs are pushed 1 µs after.
 */
export function getClockSkew(client: Span, server: Span): ClockSkew | undefined {
  if (client.kind !== 'CLIENT' || server.kind !== 'SERVER') return undefined;
  const cs = client.timestamp, ss = server.timestamp;
  if (!cs || !ss || ss > cs) return undefined;
  const se = server.localEndpoint, ce = client.localEndpoint;
  if (!se || !ce || sameHost(se, ce)) return undefined;
  const cd = client.duration, sd = server.duration;
  if (!cd || !sd) {
    const latency = ss - cs;
    return latency > 0 ? undefined : { endpoint: se, skew: latency - 1 };
  }
  if (cd < sd) return { endpoint: se, skew: ss - cs - 1 };
  const latency = (cd - sd) / 2;
  const skew = ss - latency - cs;
  return skew !== 0 ? { endpoint: se, skew } : undefined;
}

/** Returns the span with its timestamp and annotations moved back by the skew, when on the skewed host. */
export function adjustForSkew(span: Span, skew: ClockSkew): Span {
  if (!sameHost(skew.endpoint, span.localEndpoint)) return span;
  const res: Span = { ...span };
  if (span.timestamp) res.timestamp = span.timestamp - skew.skew;
  if (span.annotations) res.annotations = span.annotations.map((a) => ({ timestamp: a.timestamp - skew.skew, value: a.value }));
  return res;
}

/**
 * Corrects clock skew down the tree (visiting `order`, parents before children): a skew found
 * on a server span applies to it and to its descendants on the same host, as Zipkin's
 * CorrectForClockSkew does. Replaces adjusted entries of `spans`; returns how many moved.
 */
export function correctClockSkewInPlace(spans: Span[], parent: Int32Array, order: Int32Array): number {
  const inherited: (ClockSkew | undefined)[] = new Array<ClockSkew | undefined>(spans.length);
  let moved = 0;
  for (let j = 0; j < order.length; j++) {
    const i = order[j] as number;
    const p = parent[i] as number;
    const fromParent = p >= 0 ? inherited[p] : undefined;
    const original = spans[i] as Span;
    let span = fromParent ? adjustForSkew(original, fromParent) : original;
    const own = p >= 0 ? getClockSkew(spans[p] as Span, span) : undefined;
    if (own) span = adjustForSkew(span, own);
    inherited[i] = own ?? fromParent;
    if (span !== original) { spans[i] = span; moved++; }
  }
  return moved;
}
