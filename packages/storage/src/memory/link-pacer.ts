// How much of the event loop linking ahead may take while spans keep arriving. A fixed tenth
// was too little under moderate load: at 60,000 spans/s the loop had half its time free, yet
// linking fell behind and the first dependencies query after 13 s of it had 2.4 s of linking
// left to do. Now linking ahead takes what keeps the loop at most TARGET_BUSY busy in all, never
// less than MIN_AHEAD_SHARE (it must progress at full ingest speed too) nor more than
// MAX_AHEAD_SHARE (so a request never waits behind more than about one slice).

/** The share linking ahead gets however busy the event loop is with everything else. */
export const MIN_AHEAD_SHARE = 0.1;
/** The share linking ahead gets at most, however idle the event loop is otherwise. */
export const MAX_AHEAD_SHARE = 0.5;
/** How busy the event loop may be in all, linking ahead included, before linking gives way. */
export const TARGET_BUSY = 0.8;
/** How long a window the share is measured over (ms of event-loop time). */
const WINDOW_MS = 250;

/** The share of the event loop linking ahead may take, given the share everything else took. */
export function aheadShare(otherBusy: number): number {
  return Math.min(MAX_AHEAD_SHARE, Math.max(MIN_AHEAD_SHARE, TARGET_BUSY - otherBusy));
}

/** Measures, window by window, how busy the event loop is with everything but linking, and so the share linking ahead may take. */
export class LinkPacer {
  private mark = performance.eventLoopUtilization();
  private linkedMs = 0;
  /** The share linking ahead may take now (see aheadShare). */
  share = MIN_AHEAD_SHARE;

  /** Records a slice of linking (ms); at the end of a window, updates share and starts the next. */
  linked(ms: number): number {
    this.linkedMs += ms;
    const d = performance.eventLoopUtilization(this.mark);
    const total = d.active + d.idle;
    if (total >= WINDOW_MS) {
      this.share = aheadShare(Math.max(0, d.active - this.linkedMs) / total);
      this.mark = performance.eventLoopUtilization();
      this.linkedMs = 0;
    }
    return this.share;
  }
}
