import { SpanValidationError } from './errors.js';
import { isRecord, typeError, typeName } from './fields.js';
import type { Annotation } from './span.js';

function compare(a: Annotation, b: Annotation): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  return a.value === b.value ? 0 : a.value < b.value ? -1 : 1;
}

function bad(index: number, field: string, rule: string): SpanValidationError {
  return new SpanValidationError('SPAN_INVALID_ANNOTATION', index, field, `${field} ${rule}`);
}

/**
 * Validates annotations and returns them as Zipkin stores them: sorted by timestamp then
 * value, exact duplicates removed. An empty list is absent (undefined).
 */
export function normalizeAnnotations(input: unknown, index: number): Annotation[] | undefined {
  if (input === undefined || input === null) return undefined;
  if (!Array.isArray(input)) throw typeError(index, 'annotations', 'an array', input);
  const n = input.length;
  if (n === 0) return undefined;
  const out: Annotation[] = [];
  let ordered = true;
  let prev: Annotation | undefined;
  for (let i = 0; i < n; i++) {
    const a: unknown = input[i];
    if (!isRecord(a)) throw bad(index, `annotations[${i}]`, `must be an object, not ${typeName(a)}`);
    const timestamp = a.timestamp;
    const value = a.value;
    if (typeof timestamp !== 'number') {
      throw bad(index, `annotations[${i}].timestamp`,
        timestamp === undefined || timestamp === null ? 'is missing' : `must be a number, not ${typeName(timestamp)}`);
    }
    if (!Number.isSafeInteger(timestamp)) {
      throw bad(index, `annotations[${i}].timestamp`, `must be a whole number of at most 16 digits, not ${timestamp}`);
    }
    if (typeof value !== 'string') {
      throw bad(index, `annotations[${i}].value`,
        value === undefined || value === null ? 'is missing' : `must be a string, not ${typeName(value)}`);
    }
    const ann: Annotation = { timestamp, value };
    if (prev !== undefined && compare(prev, ann) >= 0) ordered = false;
    out.push(ann);
    prev = ann;
  }
  if (ordered) return out;
  out.sort(compare);
  let j = 0;
  for (let i = 1; i < out.length; i++) {
    const a = out[i] as Annotation;
    if (compare(out[j] as Annotation, a) !== 0) out[++j] = a;
  }
  out.length = j + 1;
  return out;
}
