/** The result of parsing an IP literal the way Zipkin's Endpoint.parseIp does. */
export interface ParsedIp {
  ipv4?: string;
  ipv6?: string;
}

/** True for a dotted-quad IPv4 literal: four decimal words of 1-3 digits, each at most 255. */
export function isIpv4(s: string, from = 0, to = s.length): boolean {
  const len = to - from;
  if (len < 7 || len > 15) return false;
  let words = 0;
  let digits = 0;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || value > 255) return false;
      words++;
      digits = 0;
      value = 0;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return false;
      value = value * 10 + (c - 48);
    } else {
      return false;
    }
  }
  return words === 3 && digits > 0 && value <= 255;
}

function isHexChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Parses an IPv6 literal (no embedded IPv4) to 8 hextets, or undefined when invalid. */
function parseIpv6(s: string): number[] | undefined {
  const parts = s.split(':');
  if (parts.length < 3 || parts.length > 9) return undefined;
  let skip = -1;
  for (let i = 1; i < parts.length - 1; i++) {
    if (parts[i] === '') {
      if (skip >= 0) return undefined;
      skip = i;
    }
  }
  let hi: number;
  let lo: number;
  if (skip >= 0) {
    hi = skip;
    lo = parts.length - skip - 1;
    if (parts[0] === '' && --hi !== 0) return undefined;
    if (parts[parts.length - 1] === '' && --lo !== 0) return undefined;
  } else {
    hi = parts.length;
    lo = 0;
  }
  const skipped = 8 - (hi + lo);
  if (skip >= 0 ? skipped < 1 : skipped !== 0) return undefined;
  const out: number[] = [];
  const hextet = (p: string): number => {
    if (p.length < 1 || p.length > 4) return -1;
    for (let i = 0; i < p.length; i++) if (!isHexChar(p.charCodeAt(i))) return -1;
    return parseInt(p, 16);
  };
  for (let i = 0; i < hi; i++) out.push(hextet(parts[i] ?? ''));
  for (let i = 0; i < skipped; i++) out.push(0);
  for (let i = lo; i > 0; i--) out.push(hextet(parts[parts.length - i] ?? ''));
  return out.includes(-1) ? undefined : out;
}

/** Writes 8 hextets in RFC 5952 form: lower-case, longest zero run compressed as `::`. */
function formatIpv6(h: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (h[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && h[j] === 0) j++;
    // Zipkin's writer only compresses a trailing zero run when no earlier run exists; match it.
    if (j === 8 && bestStart >= 0) break;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen === 8) return '::';
  const hex = (from: number, to: number): string => h.slice(from, to).map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/**
 * Parses an IP literal like Zipkin: a valid IPv4 is kept as written; an IPv4-mapped or
 * -compatible IPv6 written with a dotted quad (`::ffff:1.2.3.4`, `::1.2.3.4`) becomes IPv4;
 * other IPv6 is normalized to its compressed lower-case form. Invalid input gives undefined.
 */
export function parseIp(s: string): ParsedIp | undefined {
  if (s.length === 0) return undefined;
  let hasColon = false;
  let hasDot = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) hasDot = true;
    else if (c === 58) {
      if (hasDot) return undefined;
      hasColon = true;
    } else if (!isHexChar(c)) return undefined;
  }
  if (!hasColon) return hasDot && isIpv4(s) ? { ipv4: s } : undefined;
  if (hasDot) {
    const last = s.lastIndexOf(':');
    if (!isIpv4(s, last + 1)) return undefined;
    if (last === 1 && s.charCodeAt(0) === 58) return { ipv4: s.slice(2) };
    if (last !== 6 || !s.startsWith('::')) return undefined;
    for (let i = 2; i < 6; i++) {
      const c = s[i];
      if (c !== 'f' && c !== 'F' && c !== '0') return undefined;
    }
    return { ipv4: s.slice(7) };
  }
  const hextets = parseIpv6(s);
  return hextets === undefined ? undefined : { ipv6: formatIpv6(hextets) };
}
