/** What was wrong with a trace's structure; the view still shows every span. */
export type TreeProblemCode = 'MISSING_PARENT' | 'MISSING_ROOT' | 'MULTIPLE_ROOTS' | 'CYCLE' | 'NO_TIMESTAMP';

/** One kind of structural problem, with how many spans it affected and a few of their ids. */
export interface TreeProblem {
  code: TreeProblemCode;
  count: number;
  spanIds: string[];
  message: string;
}

const MESSAGES: Record<TreeProblemCode, string> = {
  MISSING_PARENT: 'the parent is not in the trace; shown under the root',
  MISSING_ROOT: 'the trace has no root span (headless); the root-most spans are shown at the top level',
  MULTIPLE_ROOTS: 'more than one root span in the trace',
  CYCLE: 'parents form a cycle; the cycle was cut here to show it',
  NO_TIMESTAMP: 'no timestamp; placed at the parent\'s start',
};

/** Collects problems by code, keeping at most a few example span ids per code. */
export class TreeProblemLog {
  private readonly byCode = new Map<TreeProblemCode, TreeProblem>();

  /** Records one span affected by a problem. */
  add(code: TreeProblemCode, spanId: string): void {
    let p = this.byCode.get(code);
    if (!p) { p = { code, count: 0, spanIds: [], message: MESSAGES[code] }; this.byCode.set(code, p); }
    p.count++;
    if (p.spanIds.length < 5) p.spanIds.push(spanId);
  }

  /** The problems found, in a stable order. */
  list(): TreeProblem[] {
    return [...this.byCode.values()];
  }
}
