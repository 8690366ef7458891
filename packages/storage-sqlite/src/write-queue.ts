import type { Span } from '@skein/model';

interface Job {
  spans: readonly Span[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Groups concurrent accept() calls into one transaction: calls made in the same turn of the event
 * loop (or while a transaction runs) are committed together, and each call resolves only once its
 * spans are committed, or rejects when that transaction failed (then nothing of it was stored).
 */
export class WriteQueue {
  private pending: Job[] = [];
  private pendingSpans = 0;
  private scheduled = false;

  constructor(private readonly commit: (spans: readonly Span[]) => void, private readonly maxSpans = 5_000) {}

  /** Queues spans; resolves once they are committed. */
  enqueue(spans: readonly Span[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ spans, resolve, reject });
      this.pendingSpans += spans.length;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const jobs: Job[] = [];
    let n = 0;
    // Take jobs up to maxSpans (at least one), leaving the rest for the next turn.
    while (this.pending.length > 0 && (jobs.length === 0 || n + (this.pending[0] as Job).spans.length <= this.maxSpans)) {
      const job = this.pending.shift() as Job;
      jobs.push(job);
      n += job.spans.length;
    }
    this.pendingSpans -= n;
    if (this.pending.length > 0) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    const spans = jobs.length === 1 ? (jobs[0] as Job).spans : jobs.flatMap((j) => j.spans);
    try {
      this.commit(spans);
    } catch (err) {
      for (const j of jobs) j.reject(err);
      return;
    }
    for (const j of jobs) j.resolve();
  }

  /** Spans waiting for a transaction. */
  get size(): number {
    return this.pendingSpans;
  }
}
