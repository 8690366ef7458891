/** Formats a duration in microseconds with a unit that keeps 3 significant digits: 850µs, 12.3ms, 4.05s. */
export function formatDuration(us: number): string {
  if (!Number.isFinite(us)) return '–';
  const a = Math.abs(us);
  const sign = us < 0 ? '-' : '';
  if (a < 1000) return `${sign}${Math.round(a)}µs`;
  if (a < 1_000_000) return `${sign}${trim(a / 1000)}ms`;
  if (a < 60_000_000) return `${sign}${trim(a / 1_000_000)}s`;
  const min = Math.floor(a / 60_000_000);
  return `${sign}${min}m${Math.round((a % 60_000_000) / 1_000_000)}s`;
}

function trim(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** Formats an epoch-microsecond timestamp as local date and time with milliseconds. */
export function formatTimestamp(us: number): string {
  const d = new Date(us / 1000);
  if (Number.isNaN(d.getTime())) return '–';
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Formats how long ago an epoch-microsecond timestamp was, relative to `nowMs`. */
export function formatAgo(us: number, nowMs: number): string {
  const s = Math.round((nowMs - us / 1000) / 1000);
  if (s < 60) return `${Math.max(s, 0)}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

/** Formats a byte count: 512 B, 1.5 KB, 10.0 MB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Duration units accepted by the search form, in microseconds. */
export const DURATION_UNITS = { us: 1, ms: 1000, s: 1_000_000 } as const;

/** A unit of {@link DURATION_UNITS}. */
export type DurationUnit = keyof typeof DURATION_UNITS;

/** Parses "250ms", "1.5s", "800us"/"800µs" or a bare number of µs; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(µs|us|ms|s)?\s*$/.exec(text);
  if (!m) return undefined;
  const unit = (m[2] === 'µs' ? 'us' : m[2] ?? 'us') as DurationUnit;
  return Math.round(Number(m[1]) * DURATION_UNITS[unit]);
}
