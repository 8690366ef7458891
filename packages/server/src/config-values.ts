/**
 * Value parsers for configuration options. Each turns the text of a flag or environment
 * variable into a typed value, or returns an error sentence naming what is allowed.
 */

/** The outcome of parsing one option's text. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses and describes one kind of option value. */
export interface ValueParser<T> {
  /** Short type name shown by --help, e.g. "int" or "bytes". */
  readonly type: string;
  /** Whether a bare flag (no value) means true. Only booleans. */
  readonly bare?: boolean;
  parse(text: string): Parsed<T>;
  /** How a value is shown in --help. */
  show(value: T): string;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** An integer within [min, max]. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): ValueParser<number> {
  return {
    type: 'int',
    parse(text) {
      const t = text.trim().replace(/_/g, '');
      if (!/^-?\d+$/.test(t)) return fail(`must be a whole number between ${min} and ${max}`);
      const n = Number(t);
      if (n < min || n > max) return fail(`must be between ${min} and ${max}`);
      return ok(n);
    },
    show: String,
  };
}

/** A decimal number within [min, max]. */
export function decimal(min: number, max: number): ValueParser<number> {
  return {
    type: 'number',
    parse(text) {
      const t = text.trim();
      const n = t === '' ? NaN : Number(t);
      if (!Number.isFinite(n) || n < min || n > max) return fail(`must be a number from ${min} to ${max}`);
      return ok(n);
    },
    show: (v) => (Number.isInteger(v) ? v.toFixed(1) : String(v)),
  };
}

/** true/false (also 1/0, yes/no, on/off). */
export function boolean(): ValueParser<boolean> {
  return {
    type: 'bool',
    bare: true,
    parse(text) {
      const t = text.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(t)) return ok(true);
      if (['false', '0', 'no', 'off'].includes(t)) return ok(false);
      return fail('must be true or false');
    },
    show: String,
  };
}

/** Any non-empty string. */
export function text(): ValueParser<string> {
  return {
    type: 'string',
    parse: (t) => (t.trim() === '' ? fail('must not be empty') : ok(t.trim())),
    show: (v) => v,
  };
}

/** One of a fixed set of words. */
export function oneOf<T extends string>(choices: readonly T[]): ValueParser<T> {
  return {
    type: choices.join('|'),
    parse(t) {
      const v = t.trim().toLowerCase();
      const found = choices.find((c) => c === v);
      return found === undefined ? fail(`must be one of ${choices.join(', ')}`) : ok(found);
    },
    show: (v) => v,
  };
}

/** A comma-separated list of non-empty words (empty text → empty list). */
export function list(): ValueParser<readonly string[]> {
  return {
    type: 'list',
    parse: (t) => ok(t.split(',').map((s) => s.trim()).filter((s) => s !== '')),
    show: (v) => (v.length === 0 ? '(none)' : v.join(',')),
  };
}

const BYTE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3,
};

/** A byte size: 1048576, 512kb, 5MiB, 1g (binary units), at least min. */
export function bytes(min: number): ValueParser<number> {
  return {
    type: 'bytes',
    parse(text) {
      const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
      const unit = BYTE_UNITS[(m?.[2] ?? '').toLowerCase()];
      if (m === null || unit === undefined) return fail('must be a size such as 1048576, 512kb or 5mb');
      const n = Math.floor(Number(m[1]) * unit);
      if (n < min || !Number.isSafeInteger(n)) return fail(`must be at least ${min} bytes`);
      return ok(n);
    },
    show(v) {
      if (v % 1024 ** 2 === 0) return `${v / 1024 ** 2}mb`;
      if (v % 1024 === 0) return `${v / 1024}kb`;
      return String(v);
    },
  };
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration in ms: 30m, 12h, 7d, 90s, 500ms (a bare number is ms); 0 allowed when min is 0. */
export function duration(min: number): ValueParser<number> {
  return {
    type: 'duration',
    parse(text) {
      const m = /^\s*(\d+)\s*(ms|s|m|h|d|)\s*$/i.exec(text);
      if (m === null) return fail('must be a duration such as 30m, 12h or 7d (units ms, s, m, h, d)');
      const n = Number(m[1]) * (DURATION_UNITS[(m[2] ?? '').toLowerCase()] ?? 1);
      if (n < min || !Number.isSafeInteger(n)) return fail(`must be at least ${min} ms`);
      return ok(n);
    },
    show(v) {
      for (const [unit, ms] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
        if (v > 0 && v % ms === 0) return `${v / ms}${unit}`;
      }
      return `${v}ms`;
    },
  };
}
