import type { Span } from '@skein/model';

interface Job {
  spans: readonly Span[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces concurrent accept() calls into few large INSERTs: ClickHouse stores far more spans per
 * second in few large inserts than in many small ones. One insert is in flight at a time and the
 * calls made meanwhile go together into the next; a second runs only for a big backlog. Each call
 * resolves once the insert holding its spans was acknowledged, or rejects with its error.
 */
export class InsertQueue {
  private pending: Job[] = [];
  private pendingSpans = 0;
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly insert: (spans: readonly Span[]) => Promise<void>,
    private readonly maxSpans = 100_000,
    private readonly maxInFlight = 2,
    private readonly concurrentAbove = 20_000,
  ) {}

  /** Queues spans; resolves once ClickHouse acknowledged them. */
  enqueue(spans: readonly Span[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ spans, resolve, reject });
      this.pendingSpans += spans.length;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0 || this.inFlight >= this.maxInFlight) return;
    if (this.inFlight > 0 && this.pendingSpans < this.concurrentAbove) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight >= this.maxInFlight || this.pending.length === 0) return;
    const jobs: Job[] = [];
    let n = 0;
    while (this.pending.length > 0 && (jobs.length === 0 || n + (this.pending[0] as Job).spans.length <= this.maxSpans)) {
      const job = this.pending.shift() as Job;
      jobs.push(job);
      n += job.spans.length;
    }
    this.pendingSpans -= n;
    this.inFlight++;
    try {
      await this.insert(jobs.length === 1 ? (jobs[0] as Job).spans : jobs.flatMap((j) => j.spans));
      for (const j of jobs) j.resolve();
    } catch (err) {
      for (const j of jobs) j.reject(err);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  /** Resolves once every queued insert finished (successfully or not). */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.inFlight > 0) await new Promise<void>((r) => setTimeout(r, 5));
  }
}
