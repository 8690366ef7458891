import { quote, SpanValidationError } from './errors.js';
import { isRecord, typeError, typeName } from './fields.js';

function copyOf(tags: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) setTag(out, k, tags[k] as string);
  return out;
}

/** Sets a tag as an own data property, so a key like `__proto__` stays data. */
export function setTag(tags: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(tags, key, { value, enumerable: true, writable: true, configurable: true });
  else tags[key] = value;
}

/**
 * Validates tags as Zipkin's JSON reader does: string values kept, numbers converted to
 * their string form, null and other types an error. Empty tags are absent (undefined).
 * A JSON-parsed object that is already valid is returned as is (no copy on the hot path).
 */
export function normalizeTags(input: unknown, index: number): Record<string, string> | undefined {
  if (input === undefined || input === null) return undefined;
  if (!isRecord(input)) throw typeError(index, 'tags', 'an object', input);
  const keys = Object.keys(input);
  if (keys.length === 0) return undefined;
  let copy: Record<string, string> | undefined;
  for (const k of keys) {
    const v = input[k];
    if (typeof v === 'string') continue;
    if (typeof v === 'number') {
      copy ??= copyOf(input, keys);
      setTag(copy, k, String(v));
      continue;
    }
    const field = `tags[${quote(k)}]`;
    throw new SpanValidationError('SPAN_INVALID_TAG', index, field,
      v === null ? `${field} is null; a tag value must be a string` : `${field} must be a string, not ${typeName(v)}`);
  }
  if (copy !== undefined) return copy;
  const proto: unknown = Object.getPrototypeOf(input);
  return proto === Object.prototype || proto === null ? (input as Record<string, string>) : copyOf(input, keys);
}
