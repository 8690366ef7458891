import { DependencyLinker } from '@skein/model';
import type { Span } from '@skein/model';
import type { NameTable } from './names.js';

/** Dependency links of one trace as stored: [parentId, childId, calls, errors] with interned names. */
export type StoredLinks = [number, number, number, number][];

/** One hour in microseconds: the granularity of the dep_hours aggregate. */
export const HOUR_US = 3_600_000_000;

/** Links of one trace group, as JSON for the traces table (null when there are none). */
export function traceLinks(spans: readonly Span[], names: NameTable): string | null {
  const links = new DependencyLinker().putTrace(spans).link();
  if (links.length === 0) return null;
  const stored: StoredLinks = links.map((l) => [names.intern(l.parent), names.intern(l.child), l.callCount, l.errorCount ?? 0]);
  return JSON.stringify(stored);
}

/** Parses the links column. */
export function parseLinks(json: string | null): StoredLinks {
  return json === null ? [] : (JSON.parse(json) as StoredLinks);
}

/** The hour bucket of a trace timestamp in µs. */
export function hourOf(tsMicros: number): number {
  return Math.floor(tsMicros / HOUR_US);
}
