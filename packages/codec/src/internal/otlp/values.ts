import { OtlpKvList, type OtlpAttribute, type OtlpValue } from './model.js';

/**
 * The tag text of an attribute value, as OTel's Zipkin exporters render it: strings as they
 * are, booleans "true"/"false", numbers in decimal, bytes as base64, arrays and maps as JSON.
 */
export function valueText(v: OtlpValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'bigint') return v.toString();
  if (v === null) return '';
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  return valueJson(v);
}

function numberText(n: number): string {
  if (Number.isFinite(n)) return String(n);
  return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
}

/** The JSON text of a value: arrays as JSON arrays, maps as objects, bytes as base64 strings. */
function valueJson(v: OtlpValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(numberText(v));
  if (typeof v === 'bigint') return v.toString();
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return JSON.stringify(valueText(v));
  if (v instanceof OtlpKvList) return attributesJson(v.values);
  let s = '[';
  for (let i = 0; i < v.length; i++) {
    if (i > 0) s += ',';
    s += valueJson(v[i]!);
  }
  return s + ']';
}

/** A JSON object of attributes (later keys win, as in a map). */
export function attributesJson(attrs: readonly OtlpAttribute[]): string {
  const seen = new Map<string, OtlpValue>();
  for (const a of attrs) seen.set(a.key, a.value);
  let s = '{';
  let first = true;
  for (const [k, v] of seen) {
    if (!first) s += ',';
    first = false;
    s += JSON.stringify(k) + ':' + valueJson(v);
  }
  return s + '}';
}

/** Converts parsed JSON back to attribute values (used to re-read event and link attributes). */
export function attributesFromJson(obj: Record<string, unknown>): OtlpAttribute[] {
  const out: OtlpAttribute[] = [];
  for (const key of Object.keys(obj)) out.push({ key, value: valueFromJson(obj[key], 0) });
  return out;
}

function valueFromJson(v: unknown, depth: number): OtlpValue {
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (v === null || v === undefined || depth > 32) return null;
  if (Array.isArray(v)) return v.map((x) => valueFromJson(x, depth + 1));
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return new OtlpKvList(Object.keys(o).map((key) => ({ key, value: valueFromJson(o[key], depth + 1) })));
  }
  return null;
}
