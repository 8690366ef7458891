import { describe } from 'vitest';
import { useStorage } from './assertions.js';
import type { NewStorage } from './assertions.js';
import { autocompleteDisabledTests, autocompleteTests } from './autocomplete-tests.js';
import { dependenciesTests } from './dependencies-tests.js';
import { namesTests } from './names-tests.js';
import { searchTests } from './search-tests.js';
import { strictTraceIdFalseTests } from './strict-trace-id-false-tests.js';
import { traceTests } from './trace-tests.js';

export type { NewStorage } from './assertions.js';

/** What an adapter passes to the conformance suite. */
export interface StorageTestOptions {
  /** Shown in the test names, e.g. "memory". */
  name: string;
  /** Returns a fresh, empty store with these options; the suite closes it after each test. */
  newStorage: NewStorage;
}

/**
 * Registers the storage conformance suite (Vitest describe/it) for one adapter. Every adapter
 * must answer every query identically. The suite feeds already-normalized spans, expects
 * accept() to resolve only once reads see the spans, and creates a new store for each test.
 */
export function runStorageTests({ name, newStorage }: StorageTestOptions): void {
  describe(`storage conformance: ${name}`, () => {
    describe('strictTraceId = true', () => {
      const store = useStorage(newStorage, { strictTraceId: true, autocompleteKeys: [] });
      traceTests(store);
      searchTests(store);
      namesTests(store);
      dependenciesTests(store);
      autocompleteDisabledTests(store);
    });
    describe('strictTraceId = false', () => {
      strictTraceIdFalseTests(useStorage(newStorage, { strictTraceId: false, autocompleteKeys: [] }));
    });
    describe('autocompleteKeys', () => {
      autocompleteTests(useStorage(newStorage, { strictTraceId: true, autocompleteKeys: ['http.host', 'environment'] }));
    });
  });
}
