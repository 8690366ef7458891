import { DependencyLinker } from '@skein/model';
import type { Span } from '@skein/model';
import type { NameTable } from './names.js';

/** Dependency links of one trace as stored: [parentId, childId, calls, errors] with interned names. */
export type StoredLinks = [number, number, number, number][];

/** Ten minutes in microseconds: the finer granularity (level 0) of the dep_buckets aggregate. */
export const BUCKET_US = 600_000_000;

/** Bucket sizes of each dep_buckets level, in µs: 10 minutes, then one hour. */
export const LEVEL_US: readonly number[] = [BUCKET_US, 6 * BUCKET_US];

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

/** The dep_buckets bucket of a trace timestamp in µs. */
export function bucketOf(tsMicros: number): number {
  return Math.floor(tsMicros / BUCKET_US);
}
