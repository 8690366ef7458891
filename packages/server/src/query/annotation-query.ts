/** Splits like Java's String.split(separator, limit) with a positive limit. */
function splitLimit(text: string, separator: string, limit: number): string[] {
  const parts: string[] = [];
  let from = 0;
  while (parts.length < limit - 1) {
    const at = text.indexOf(separator, from);
    if (at === -1) break;
    parts.push(text.slice(from, at));
    from = at + separator.length;
  }
  parts.push(text.slice(from));
  return parts;
}

/**
 * Parses Zipkin's annotationQuery, e.g. `http.method=GET and error`: `key=value` terms match
 * tags, bare words match annotation values or tag keys (value ''). Terms are trimmed; a later
 * `key=value` replaces an earlier term, a bare word never replaces one. Unlike Zipkin's
 * in-memory store, empty terms (from `a and  and b` or a trailing ` and `) are ignored rather
 * than matching nothing.
 */
export function parseAnnotationQuery(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined || text === '') return undefined;
  const terms = new Map<string, string>();
  for (const term of splitLimit(text, ' and ', 100)) {
    const eq = term.indexOf('=');
    if (eq === -1) {
      const word = term.trim();
      if (!terms.has(word)) terms.set(word, '');
    } else {
      terms.set(term.slice(0, eq).trim(), term.slice(eq + 1).trim());
    }
  }
  terms.delete('');
  // fromEntries defines own properties, so keys like "__proto__" stay plain data.
  return terms.size === 0 ? undefined : Object.fromEntries(terms);
}
