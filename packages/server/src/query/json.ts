import { ZIPKIN_JSON_V2 } from '@skein/codec';
import type { DependencyLink, Span } from '@skein/model';

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** A trace as Zipkin v2 JSON: the list of its spans. */
export function writeTrace(spans: readonly Span[]): Buffer {
  const bytes = ZIPKIN_JSON_V2.encode(spans);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A list of traces as Zipkin v2 JSON: `[` + the encoded traces joined by `,` + `]`. */
export function writeTraces(traces: readonly (readonly Span[])[]): Buffer {
  const parts: Buffer[] = [OPEN];
  for (let i = 0; i < traces.length; i++) {
    if (i > 0) parts.push(COMMA);
    parts.push(writeTrace(traces[i] ?? []));
  }
  parts.push(CLOSE);
  return Buffer.concat(parts);
}

/** Dependency links as Zipkin writes them: errorCount only when not zero. */
export function writeLinks(links: readonly DependencyLink[]): string {
  return JSON.stringify(
    links.map((l) =>
      l.errorCount
        ? { parent: l.parent, child: l.child, callCount: l.callCount, errorCount: l.errorCount }
        : { parent: l.parent, child: l.child, callCount: l.callCount },
    ),
  );
}

/** A sorted JSON array of names, as Zipkin answers its name endpoints. */
export function writeNames(names: readonly string[]): string {
  return JSON.stringify([...names].sort());
}
