import type { SkeinSpan } from '../span.js';

/** The path of a request target, without the query string. */
export function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q === -1 ? target : target.substring(0, q);
}

/** peer.ipv4/peer.ipv6 and peer.port tags for a socket address. */
export function peerTags(address: string | undefined, port: number | undefined): Record<string, string | number> {
  const tags: Record<string, string | number> = {};
  if (address !== undefined) {
    const v4 = address.startsWith('::ffff:') ? address.substring(7) : address;
    if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) tags['peer.ipv4'] = v4;
    else tags['peer.ipv6'] = address;
  }
  if (port !== undefined) tags['peer.port'] = port;
  return tags;
}

/** Marks a span failed with an exception (error tag + an error log). */
export function markError(span: SkeinSpan, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  span.log({ event: 'error', 'error.object': e, message: e.message });
  span.setTag('error', e.message || e.name);
}

/** True when the span already carries an error tag. */
export function hasError(span: SkeinSpan): boolean {
  const list = span.tagList;
  if (list === null) return false;
  for (let i = 0; i < list.length; i += 2) if (list[i] === 'error' && list[i + 1] !== false) return true;
  return false;
}
