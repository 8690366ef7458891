import { afterEach, beforeEach, expect } from 'vitest';
import type { DependencyLink, Span } from '@skein/model';
import type { Storage, StorageOptions } from '../storage.js';

/** Creates a fresh, empty store for one test. */
export type NewStorage = (options: StorageOptions) => Promise<Storage>;

/** Returns the store of the running test; a new one is made before and closed after each test. */
export function useStorage(newStorage: NewStorage, options: StorageOptions): () => Storage {
  let current: Storage | undefined;
  beforeEach(async () => {
    current = await newStorage(options);
  });
  afterEach(async () => {
    const s = current;
    current = undefined;
    if (s !== undefined) await s.close();
  });
  return () => {
    if (current === undefined) throw new Error('storage used outside a test');
    return current;
  };
}

function spanKey(s: Span): string {
  return `${s.traceId}|${s.id}|${s.shared === true ? 1 : 0}|${JSON.stringify(s, sortedKeys)}`;
}

/** JSON.stringify replacer writing every object's keys in order: spans sharing an id sort alike whatever order a store writes their fields in. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = (value as Record<string, unknown>)[k];
  return out;
}

/** A span with its tags in key order, so comparisons ignore the order a store returns them in. */
function sortedSpan(s: Span): Span {
  if (s.tags === undefined) return s;
  const tags: Record<string, string> = {};
  for (const k of Object.keys(s.tags).sort()) tags[k] = s.tags[k] as string;
  return { ...s, tags };
}

/** A trace's spans in a canonical order, for comparing traces that stores return in any order. */
export function canonical(trace: readonly Span[]): Span[] {
  return [...trace].map(sortedSpan).sort((a, b) => (spanKey(a) < spanKey(b) ? -1 : spanKey(a) > spanKey(b) ? 1 : 0));
}

function traceKey(trace: readonly Span[]): string {
  return JSON.stringify(canonical(trace));
}

/** Expects exactly these traces, each whole, in any order. */
export function expectTraces(actual: readonly (readonly Span[])[], ...expected: (readonly Span[])[]): void {
  expect(actual.map(canonical).sort((a, b) => traceKey(a).localeCompare(traceKey(b))))
    .toEqual(expected.map(canonical).sort((a, b) => traceKey(a).localeCompare(traceKey(b))));
}

/** Expects exactly these traces, each whole, in this order. */
export function expectTracesInOrder(actual: readonly (readonly Span[])[], ...expected: (readonly Span[])[]): void {
  expect(actual.map(canonical)).toEqual(expected.map(canonical));
}

/** Expects one trace with exactly these spans (in any order). */
export function expectTrace(actual: readonly Span[], expected: readonly Span[]): void {
  expect(canonical(actual)).toEqual(canonical(expected));
}

function canonicalLinks(links: readonly DependencyLink[]): DependencyLink[] {
  return links
    .map((l) => ({ parent: l.parent, child: l.child, callCount: l.callCount, errorCount: l.errorCount ?? 0 }))
    .sort((a, b) => `${a.parent}\u0000${a.child}`.localeCompare(`${b.parent}\u0000${b.child}`));
}

/** Expects exactly these links in any order; an absent errorCount equals 0. */
export function expectLinks(actual: readonly DependencyLink[], expected: readonly DependencyLink[]): void {
  expect(canonicalLinks(actual)).toEqual(canonicalLinks(expected));
}
