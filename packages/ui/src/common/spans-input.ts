import type { Span } from '@skein/model';

/** Spans that could be used, and what was wrong with the others. */
export interface SpansInput {
  spans: Span[];
  /** One line per rejected span (at most 20), e.g. "span 3: id is missing". */
  rejected: string[];
  rejectedCount: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** 1..max hex characters, checked with a loop (this runs for every span of a 100,000-span trace). */
function isHex(v: unknown, max: number): v is string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i) | 32;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function whyNot(v: unknown): string | undefined {
  if (!isObj(v)) return 'is not an object';
  if (!isHex(v['traceId'], 32)) return 'traceId is missing or not hex';
  if (!isHex(v['id'], 16)) return 'id is missing or not 16 hex characters';
  if (v['parentId'] !== undefined && !isHex(v['parentId'], 16)) return 'parentId is not hex';
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
    for (const k in s.tags) {
      if (typeof s.tags[k] !== 'string') { out = { ...out, tags: Object.fromEntries(Object.entries(s.tags).map(([a, b]) => [a, String(b)])) }; break; }
    }
  }
  if (s.annotations && s.annotations.length > 0 && s.annotations.some((a) => !isObj(a) || typeof a.timestamp !== 'number')) {
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
