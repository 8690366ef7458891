/** Lower-hex, padded to 16 or 32 chars; 32 chars whose high 64 bits are zero become 16 (Zipkin's rule). */
export function normalizeTraceId(traceId: string): string {
  const lower = traceId.toLowerCase();
  if (lower.length <= 16) return lower.padStart(16, '0');
  const padded = lower.padStart(32, '0');
  return padded.startsWith('0000000000000000') ? padded.slice(16) : padded;
}

/** The low 64 bits of a normalized trace id, as 16 hex chars. */
export function lowTraceId(traceId: string): string {
  return traceId.length === 32 ? traceId.slice(16) : traceId;
}

/** 16 or fewer hex chars as 8 bytes. */
export function hexToBlob(hex: string): Buffer {
  return Buffer.from(hex.length === 16 ? hex : hex.padStart(16, '0'), 'hex');
}

/** 8 bytes back to 16 hex chars. */
export function blobToHex(blob: Buffer): string {
  return blob.toString('hex');
}

/** FNV-1a over UTF-16 code units, as an unsigned 32-bit integer. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A 53-bit hash (two independent 32-bit mixes) for span identity within a trace. */
export function hash53(s: string): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}
