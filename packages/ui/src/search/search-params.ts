import { parseDuration } from '../common/format.js';

/** Lookback presets, label → milliseconds. */
export const LOOKBACKS: Record<string, number> = {
  '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000, '2h': 7_200_000, '6h': 21_600_000,
  '12h': 43_200_000, '1d': 86_400_000, '2d': 172_800_000, '7d': 604_800_000,
};

/** The search form as it lives in the URL (strings, so links are readable). */
export interface SearchForm {
  serviceName: string;
  spanName: string;
  remoteServiceName: string;
  annotationQuery: string;
  minDuration: string;
  maxDuration: string;
  lookback: string;
  start: string;
  end: string;
  limit: string;
  sort: string;
}

const KEYS: (keyof SearchForm)[] = ['serviceName', 'spanName', 'remoteServiceName', 'annotationQuery', 'minDuration', 'maxDuration', 'lookback', 'start', 'end', 'limit', 'sort'];

/** Reads the form from URL parameters, with defaults (1 hour, 10 results, newest first). */
export function formFromParams(params: URLSearchParams): SearchForm {
  const f: SearchForm = { serviceName: '', spanName: '', remoteServiceName: '', annotationQuery: '', minDuration: '', maxDuration: '', lookback: '1h', start: '', end: '', limit: '10', sort: 'newest' };
  for (const k of KEYS) { const v = params.get(k); if (v !== null) f[k] = v; }
  return f;
}

/** Writes the non-default fields of the form as URL parameters. */
export function formToParams(f: SearchForm): Record<string, string> {
  const out: Record<string, string> = {};
  const def = formFromParams(new URLSearchParams());
  for (const k of KEYS) if (f[k] !== def[k] && f[k] !== '') out[k] = f[k];
  return out;
}

/** The /api/v2/traces parameters for a form, or the problems that stop the search. */
export function apiParams(f: SearchForm, nowMs: number): { params: Record<string, string | number>; errors: string[] } {
  const errors: string[] = [];
  const params: Record<string, string | number> = {};
  if (f.serviceName) params['serviceName'] = f.serviceName;
  if (f.spanName) params['spanName'] = f.spanName;
  if (f.remoteServiceName) params['remoteServiceName'] = f.remoteServiceName;
  if (f.annotationQuery.trim()) params['annotationQuery'] = f.annotationQuery.trim();
  for (const k of ['minDuration', 'maxDuration'] as const) {
    if (!f[k]) continue;
    const us = parseDuration(f[k]);
    if (us === undefined) errors.push(`${k === 'minDuration' ? 'Min' : 'Max'} duration “${f[k]}” is not a duration like 250ms, 1.5s or 800µs.`);
    else params[k] = us;
  }
  if (f.lookback === 'custom') {
    const start = Date.parse(f.start), end = f.end ? Date.parse(f.end) : nowMs;
    if (Number.isNaN(start) || Number.isNaN(end)) errors.push('Custom range needs a valid start (and end) time.');
    else if (end <= start) errors.push('Custom range: the end must be after the start.');
    else { params['endTs'] = end; params['lookback'] = end - start; }
  } else {
    params['endTs'] = nowMs;
    params['lookback'] = LOOKBACKS[f.lookback] ?? 3_600_000;
  }
  const limit = Number(f.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) errors.push('Limit must be a whole number from 1 to 1000.');
  else params['limit'] = limit;
  return { params, errors };
}
