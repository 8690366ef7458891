import { useEffect, useState } from 'react';

/** The current location: path and query parameters. */
export interface Location {
  path: string;
  params: URLSearchParams;
}

const read = (): Location => ({ path: window.location.pathname, params: new URLSearchParams(window.location.search) });
const listeners = new Set<() => void>();

/** Navigates within the app; `replace` updates the URL without a history entry (page state). */
export function navigate(to: string, replace = false): void {
  if (to === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const l of listeners) l();
}

/** Subscribes a component to the URL. */
export function useLocation(): Location {
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const update = (): void => setLoc(read());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => { listeners.delete(update); window.removeEventListener('popstate', update); };
  }, []);
  return loc;
}

/** Builds "path?a=b" from parameters, leaving out empty values. */
export function href(path: string, params: Record<string, string | number | undefined | null> = {}): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `${path}?${s}` : path;
}

/** Sets or clears one query parameter of the current URL, without a history entry. */
export function setParam(name: string, value: string | null): void {
  const params = new URLSearchParams(window.location.search);
  if (value === null || value === '') params.delete(name); else params.set(name, value);
  const s = params.toString();
  navigate(s ? `${window.location.pathname}?${s}` : window.location.pathname, true);
}
