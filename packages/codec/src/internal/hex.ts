const BYTE_HEX: string[] = [];
for (let i = 0; i < 256; i++) BYTE_HEX.push(i.toString(16).padStart(2, '0'));

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[97 + i] = 10 + i;
  NIBBLE[65 + i] = 10 + i;
}

/** Lower-hex of bytes [start, end) of buf. */
export function toHex(buf: Uint8Array, start = 0, end = buf.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += BYTE_HEX[buf[i]!]!;
  return s;
}

/** Decodes an even-length hex string (either case) into out at offset; false if not hex. */
export function hexInto(hex: string, out: Uint8Array, offset: number): boolean {
  const n = hex.length;
  if (n % 2 !== 0) return false;
  for (let i = 0, j = offset; i < n; i += 2, j++) {
    const a = hex.charCodeAt(i);
    const b = hex.charCodeAt(i + 1);
    const hi = a < 128 ? NIBBLE[a]! : -1;
    const lo = b < 128 ? NIBBLE[b]! : -1;
    if (hi < 0 || lo < 0) return false;
    out[j] = (hi << 4) | lo;
  }
  return true;
}
