import { isIPv6 } from 'node:net';
import { isIpv4 } from '@skein/model';

/** Dotted-quad text of 4 bytes at offset. */
export function ipv4Text(b: Uint8Array, offset = 0): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

/** Dotted-quad text of a packed big-endian 32-bit address (thrift Endpoint.ipv4). */
export function ipv4FromInt(v: number): string {
  return `${(v >>> 24) & 0xff}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

/** Addresses repeat across spans: encoders parse each text once (bounded, cleared when full). */
const parsed4 = new Map<string, Uint8Array | undefined>();
const parsed6 = new Map<string, Uint8Array | undefined>();

function cached(
  parsed: Map<string, Uint8Array | undefined>,
  ip: string,
  parse: (ip: string) => Uint8Array | undefined,
): Uint8Array | undefined {
  let b = parsed.get(ip);
  if (b === undefined && !parsed.has(ip)) {
    if (parsed.size >= 1024) parsed.clear();
    b = parse(ip);
    parsed.set(ip, b);
  }
  return b;
}

/** The 4 bytes of a dotted-quad (as the span model accepts it), or undefined when it is not one. */
export function ipv4Bytes(ip: string): Uint8Array | undefined {
  return cached(parsed4, ip, (text) => (isIpv4(text) ? Uint8Array.from(text.split('.').map(Number)) : undefined));
}

/** The packed big-endian 32-bit value of a dotted quad (0 when not one). */
export function ipv4ToInt(ip: string): number {
  const b = ipv4Bytes(ip);
  return b === undefined ? 0 : ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) | 0;
}

/**
 * RFC 5952 text of a 16-byte IPv6 address (longest run of two or more zero groups as "::"),
 * or the IPv4 text when it is an IPv4-mapped or -compatible address, as Zipkin does.
 */
export function ipv6Text(b: Uint8Array, offset = 0): { ipv4?: string; ipv6?: string } {
  let zeroPrefix = true;
  for (let i = 0; i < 10; i++) if (b[offset + i] !== 0) zeroPrefix = false;
  if (zeroPrefix) {
    const w5 = (b[offset + 10]! << 8) | b[offset + 11]!;
    if (w5 === 0xffff || (w5 === 0 && (b[offset + 12]! | b[offset + 13]!) !== 0)) return { ipv4: ipv4Text(b, offset + 12) };
  }
  // longest run of zero groups (two or more) becomes "::" (RFC 5952)
  let bestStart = -1;
  let bestLen = 0;
  let runStart = -1;
  for (let g = 0; g < 8; g++) {
    const zero = b[offset + g * 2] === 0 && b[offset + g * 2 + 1] === 0;
    if (zero && runStart < 0) runStart = g;
    if (runStart >= 0 && (!zero || g === 7)) {
      const len = (zero ? g + 1 : g) - runStart;
      if (len > bestLen) {
        bestStart = runStart;
        bestLen = len;
      }
      runStart = -1;
    }
  }
  if (bestLen < 2) bestStart = -1;
  let text = '';
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      text += '::';
      g += bestLen - 1;
      continue;
    }
    if (text !== '' && !text.endsWith(':')) text += ':';
    text += (((b[offset + g * 2]! << 8) | b[offset + g * 2 + 1]!)).toString(16);
  }
  return { ipv6: text };
}

/** The 16 bytes of an IPv6 text address, or undefined when it is not one. */
export function ipv6Bytes(ip: string): Uint8Array | undefined {
  return cached(parsed6, ip, parseIpv6);
}

function parseIpv6(ip: string): Uint8Array | undefined {
  if (!isIPv6(ip)) return undefined;
  let text = ip;
  const out = new Uint8Array(16);
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let tailWords: number[] = [];
  if (v4 !== null) {
    const b = ipv4Bytes(v4[1]!)!;
    tailWords = [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
    text = text.slice(0, -v4[1]!.length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const words = (s: string | undefined): number[] => (s === undefined || s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const hw = words(head);
  const tw = [...words(tail), ...tailWords];
  const all = tail === undefined ? [...hw, ...tailWords] : [...hw, ...new Array<number>(8 - hw.length - tw.length).fill(0), ...tw];
  for (let i = 0; i < 8; i++) {
    out[i * 2] = (all[i]! >>> 8) & 0xff;
    out[i * 2 + 1] = all[i]! & 0xff;
  }
  return out;
}
