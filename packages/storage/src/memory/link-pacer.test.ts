import { describe, expect, it } from 'vitest';
import { LinkPacer, MAX_AHEAD_SHARE, MIN_AHEAD_SHARE, TARGET_BUSY, aheadShare } from './link-pacer.js';

/** Keeps the event loop busy for ms. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* busy */ }
}

describe('aheadShare', () => {
  it('gives linking ahead what keeps the loop at TARGET_BUSY, within its bounds', () => {
    expect(aheadShare(0)).toBe(MAX_AHEAD_SHARE);
    expect(aheadShare(1)).toBe(MIN_AHEAD_SHARE);
    expect(aheadShare(TARGET_BUSY - 0.25)).toBeCloseTo(0.25, 10);
    expect(aheadShare(TARGET_BUSY)).toBe(MIN_AHEAD_SHARE);
  });
});

describe('LinkPacer', () => {
  it('keeps the share until a window has passed, then sets it from how busy the loop was with other work', async () => {
    const pacer = new LinkPacer();
    expect(pacer.linked(0)).toBe(MIN_AHEAD_SHARE); // no window has passed yet
    spin(300); // other work: the loop is fully busy
    expect(pacer.linked(0)).toBe(MIN_AHEAD_SHARE);
    await new Promise((r) => setTimeout(r, 300)); // the loop idles
    expect(pacer.linked(0)).toBe(MAX_AHEAD_SHARE);
  });

  it('does not count linking itself as other work', () => {
    const pacer = new LinkPacer();
    spin(300);
    expect(pacer.linked(300)).toBe(MAX_AHEAD_SHARE);
  });
});
