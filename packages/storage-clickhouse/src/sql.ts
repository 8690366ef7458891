// Values are written into SQL text: ClickHouse 18.16 does not know query parameters ({name:Type}).

/** A ClickHouse string literal. */
export function str(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\0/g, '\\0')}'`;
}

/** A non-negative integer literal (throws on anything else, so no text reaches the SQL unchecked). */
export function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer: ${n}`);
  return String(n);
}

/** A quoted identifier (database or table names). */
export function ident(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

/** Lower-hex of a 64-bit id (16 chars) as a UInt64 decimal literal. */
export function u64(hex: string): string {
  return BigInt(`0x${hex}`).toString();
}

/** Microseconds per day; day numbers are days since 1970-01-01 (UTC). */
export const DAY_US = 86_400_000_000;

/** The day number of a microsecond timestamp. */
export function dayOf(us: number): number {
  return Math.floor(us / DAY_US);
}
