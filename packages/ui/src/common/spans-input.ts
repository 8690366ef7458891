import type { Span } from '@skein/model';

/** Spans that could be used, and what was wrong with the others. */
export interface SpansInput {
  spans: Span[];
  /** One line per rejected span (at most 20), e.g. "span 3: id is missing". */
  rejected: string[];
  rejectedCount: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const HEX = /^[0-9a-fA-F]{1,32}$/;

function whyNot(v: unknown): string | undefined {
  if (!isObj(v)) return 'is not an object';
  if (typeof v['traceId'] !== 'string' || !HEX.test(v['traceId'])) return 'traceId is missing or not hex';
  if (typeof v['id'] !== 'string' || !HEX.test(v['id']) || v['id'].length > 16) return 'id is missing or not 16 hex characters';
  if (v['parentId'] !== undefined && (typeof v['parentId'] !== 'string' || !HEX.test(v['parentId']))) return 'parentId is not hex';
  if (v['timestamp'] !== undefined && typeof v['timestamp'] !== 'number') return 'timestamp is not a number';
  if (v['duration'] !== undefined && typeof v['duration'] !== 'number') return 'duration is not a number';
  if (v['tags'] !== undefined && !isObj(v['tags'])) return 'tags is not an object';
  if (v['annotations'] !== undefined && !Array.isArray(v['annotations'])) return 'annotations is not a list';
  return undefined;
}

function tidy(v: Record<string, unknown>): Span {
  const s = v as unknown as Span;
  let out = s;
  if (s.tags) {
    for (const [k, val] of Object.entries(s.tags)) {
      if (typeof val !== 'string') { out = { ...out, tags: Object.fromEntries(Object.entries(s.tags).map(([a, b]) => [a, String(b)])) }; break; }
      void k;
    }
  }
  if (s.annotations && s.annotations.some((a) => !isObj(a) || typeof a.timestamp !== 'number')) {
    out = { ...out, annotations: s.annotations.filter((a) => isObj(a) && typeof a.timestamp === 'number').map((a) => ({ timestamp: a.timestamp, value: String(a.value) })) };
  }
  return out;
}

/** Keeps the well-formed Zipkin v2 spans of a decoded JSON value and says why others were left out. */
export function readSpans(value: unknown): SpansInput {
  const list = Array.isArray(value) ? value : [];
  const spans: Span[] = [];
  const rejected: string[] = [];
  let rejectedCount = 0;
  for (let i = 0; i < list.length; i++) {
    const why = whyNot(list[i]);
    if (why === undefined) spans.push(tidy(list[i] as Record<string, unknown>));
    else {
      rejectedCount++;
      if (rejected.length < 20) rejected.push(`span ${i}: ${why}`);
    }
  }
  return { spans, rejected, rejectedCount };
}
