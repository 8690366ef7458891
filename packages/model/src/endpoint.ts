import { SpanValidationError } from './errors.js';
import { isRecord, typeError, wholeNumber } from './fields.js';
import { parseIp } from './ip.js';
import type { ParsedIp } from './ip.js';

// The same few host addresses arrive over and over; remember their parse (bounded).
const ipCache = new Map<string, ParsedIp | null>();

function cachedParseIp(s: string): ParsedIp | undefined {
  if (s.length > 45) return undefined; // longer than any IP literal; never cache junk
  const hit = ipCache.get(s);
  if (hit !== undefined) return hit ?? undefined;
  const parsed = parseIp(s);
  if (ipCache.size >= 4096) ipCache.clear();
  ipCache.set(s, parsed ?? null);
  return parsed;
}
import type { Endpoint } from './span.js';

/**
 * Validates and normalizes an endpoint as Zipkin does: service name lower-cased (empty is
 * absent), an unparseable IP dropped, port 0 or negative absent, port over 65535 an error.
 * Returns undefined when nothing is left.
 */
export function normalizeEndpoint(input: unknown, index: number, field: string): Endpoint | undefined {
  if (input === undefined || input === null) return undefined;
  if (!isRecord(input)) throw typeError(index, field, 'an object', input);
  let serviceName: string | undefined;
  let ipv4: string | undefined;
  let ipv6: string | undefined;
  let port = 0;
  const sn = input.serviceName;
  if (sn !== undefined && sn !== null) {
    if (typeof sn !== 'string') throw typeError(index, `${field}.serviceName`, 'a string', sn);
    if (sn.length > 0) serviceName = sn.toLowerCase();
  }
  // Zipkin reads ipv4 and ipv6 through one parser: an address lands in the family it is.
  const v4 = input.ipv4;
  if (v4 !== undefined && v4 !== null) {
    if (typeof v4 !== 'string') throw typeError(index, `${field}.ipv4`, 'a string', v4);
    const ip = cachedParseIp(v4);
    if (ip?.ipv4 !== undefined) ipv4 = ip.ipv4;
    else if (ip?.ipv6 !== undefined) ipv6 = ip.ipv6;
  }
  const v6 = input.ipv6;
  if (v6 !== undefined && v6 !== null) {
    if (typeof v6 !== 'string') throw typeError(index, `${field}.ipv6`, 'a string', v6);
    const ip = cachedParseIp(v6);
    if (ip?.ipv4 !== undefined) ipv4 = ip.ipv4;
    else if (ip?.ipv6 !== undefined) ipv6 = ip.ipv6;
  }
  const p = input.port;
  if (p !== undefined && p !== null) {
    port = wholeNumber(p, index, `${field}.port`);
    if (port > 0xffff) {
      throw new SpanValidationError('SPAN_INVALID_PORT', index, `${field}.port`, `${field}.port ${port} is over 65535`);
    }
  }
  if (serviceName === undefined && ipv4 === undefined && ipv6 === undefined && port <= 0) return undefined;
  const out: Endpoint = {};
  if (serviceName !== undefined) out.serviceName = serviceName;
  if (ipv4 !== undefined) out.ipv4 = ipv4;
  if (ipv6 !== undefined) out.ipv6 = ipv6;
  if (port > 0) out.port = port;
  return out;
}
