import type { DependencyLink, Span } from '@skein/model';

/** An API call that failed: the HTTP status (0 for network errors) and the server's message. */
export class ApiError extends Error {
  /** Stable code: API_NOT_FOUND, API_BAD_REQUEST, API_SERVER, API_NETWORK or API_BAD_JSON. */
  readonly code: string;
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

declare global {
  interface Window {
    /** A trace request started by index.html before the app loaded (see there). */
    __skeinPrefetch?: { id: string; response: Promise<Response> } | undefined;
  }
}

/** The prefetched response for this path, once: later loads of the same trace fetch again. */
function takePrefetch(path: string): Promise<Response> | undefined {
  const pre = window.__skeinPrefetch;
  if (!pre || path !== `/api/v2/trace/${encodeURIComponent(pre.id)}`) return undefined;
  window.__skeinPrefetch = undefined;
  return pre.response;
}

async function get(path: string, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await (takePrefetch(path) ?? fetch(path, signal ? { signal, headers: { accept: 'application/json' } } : { headers: { accept: 'application/json' } }));
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'API_NETWORK', `Could not reach the Skein server (${String(err)}).`);
  }
  if (!res.ok) {
    const text = (await res.text()).slice(0, 500);
    const code = res.status === 404 ? 'API_NOT_FOUND' : res.status < 500 ? 'API_BAD_REQUEST' : 'API_SERVER';
    throw new ApiError(res.status, code, text || `${res.status} ${res.statusText}`);
  }
  return res;
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await get(path, signal);
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError(res.status, 'API_BAD_JSON', `The server answered ${path} with invalid JSON.`);
  }
}

const q = (params: Record<string, string | number | undefined>): string => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
};

/** The Zipkin v2 query API, as the UI uses it. */
export const api = {
  services: (): Promise<string[]> => getJson('/api/v2/services'),
  spanNames: (serviceName: string): Promise<string[]> => getJson(`/api/v2/spans${q({ serviceName })}`),
  remoteServices: (serviceName: string): Promise<string[]> => getJson(`/api/v2/remoteServices${q({ serviceName })}`),
  autocompleteKeys: (): Promise<string[]> => getJson('/api/v2/autocompleteKeys'),
  autocompleteValues: (key: string): Promise<string[]> => getJson(`/api/v2/autocompleteValues${q({ key })}`),
  traces: (params: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<Span[][]> =>
    getJson(`/api/v2/traces${q(params)}`, signal),
  trace: (traceId: string, signal?: AbortSignal): Promise<Span[]> =>
    getJson(`/api/v2/trace/${encodeURIComponent(traceId)}`, signal),
  dependencies: (endTs: number, lookback: number, signal?: AbortSignal): Promise<DependencyLink[]> =>
    getJson(`/api/v2/dependencies${q({ endTs, lookback })}`, signal),
};
