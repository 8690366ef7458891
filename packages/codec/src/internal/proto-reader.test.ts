import { describe, expect, it } from 'vitest';
import { LEN, ProtoReader } from './proto-reader.js';

/** A message of length-delimited field-1 strings, as raw bytes. */
function stringsMessage(values: readonly Uint8Array[]): Uint8Array {
  const parts: number[] = [];
  for (const v of values) {
    parts.push((1 << 3) | LEN);
    let n = v.length;
    while (n >= 0x80) {
      parts.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    parts.push(n, ...v);
  }
  return Uint8Array.from(parts);
}

function readAll(buf: Uint8Array): string[] {
  const r = new ProtoReader(buf, 'test');
  const out: string[] = [];
  while (r.pos < buf.length) {
    r.tag();
    out.push(r.string());
  }
  return out;
}

describe('ProtoReader.string', () => {
  it('decodes every string as UTF-8, through the short-string cache and past it', () => {
    // Enough distinct short strings that many share a cache slot, each read twice (a hit must
    // return the right string, never a colliding one), plus multi-byte and long strings.
    let seed = 7;
    const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const texts: string[] = ['', 'a', 'http.method', 'GET', 'x'.repeat(32), 'y'.repeat(33), 'héllo', '日本語', 'e\u0301', '\u007f'];
    for (let i = 0; i < 20_000; i++) {
      const len = 1 + Math.floor(random() * 32);
      let s = '';
      for (let k = 0; k < len; k++) s += String.fromCharCode(32 + Math.floor(random() * 95));
      texts.push(s);
    }
    const bytes = texts.map((t) => new TextEncoder().encode(t));
    const message = stringsMessage([...bytes, ...bytes.slice().reverse()]);
    expect(readAll(message)).toEqual([...texts, ...texts.slice().reverse()]);
  });

  it('reads invalid UTF-8 as U+FFFD, also for short strings', () => {
    expect(readAll(stringsMessage([Uint8Array.from([0x61, 0xff, 0x62])]))).toEqual(['a\ufffdb']);
  });

  it('refuses a string longer than the bytes left', () => {
    const r = new ProtoReader(Uint8Array.from([(1 << 3) | LEN, 5, 0x61]), 'test');
    r.tag();
    expect(() => r.string()).toThrow(/length 5 exceeds the 1 bytes left/);
  });
});
