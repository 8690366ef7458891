/** Decides whether a new trace (or a trace joined from a remote caller) is recorded. */
export interface Sampler {
  /**
   * `parentSampled` is the remote caller's decision, or undefined for a new root or a deferred
   * decision. Children of local spans inherit their parent's decision without asking.
   */
  shouldSample(traceId: string, operationName: string, parentSampled: boolean | undefined): boolean;
  /** Stops background work (the remote sampler's polling). */
  close?(): void;
}

/** Always the same decision. */
export class ConstSampler implements Sampler {
  constructor(private readonly decision: boolean) {}

  shouldSample(): boolean {
    return this.decision;
  }
}

/** Respects the caller's decision when there is one; otherwise asks `root`. */
export class ParentBasedSampler implements Sampler {
  constructor(private readonly root: Sampler) {}

  shouldSample(traceId: string, operationName: string, parentSampled: boolean | undefined): boolean {
    return parentSampled ?? this.root.shouldSample(traceId, operationName, undefined);
  }

  close(): void {
    this.root.close?.();
  }
}
