import { describe, expect, it } from 'vitest';
import type { Storage } from '../storage.js';
import { frontendSpan, newTrace, spanId } from './test-data.js';

/** Autocomplete with autocompleteKeys = ['http.host', 'environment'], as Zipkin's ITAutocompleteTags. */
export function autocompleteTests(store: () => Storage): void {
  describe('autocomplete tags', () => {
    it('offers the configured keys', async () => {
      await store().accept([frontendSpan({ tags: { 'http.method': 'GET', 'http.host': 'host1' } })]);
      expect([...(await store().getKeys())].sort()).toEqual(['environment', 'http.host']);
    });

    it('ignores values of keys that are not configured', async () => {
      await store().accept([frontendSpan({ tags: { 'http.method': 'GET' } })]);
      expect(await store().getKeys()).not.toContain('http.method');
      expect(await store().getValues('http.method')).toEqual([]);
    });

    it('lists the values of a configured key once each, sorted', async () => {
      for (let i = 0; i < 2; i++) {
        await store().accept([
          frontendSpan({ id: spanId(1), tags: { 'http.method': 'GET', 'http.host': 'host1' } }),
          frontendSpan({ id: spanId(2), tags: { 'http.host': 'b-host' } }),
          frontendSpan({ id: spanId(3), tags: { 'http.host': 'host1', environment: 'prod' } }),
        ]);
      }
      expect(await store().getValues('http.host')).toEqual(['b-host', 'host1']);
      expect(await store().getValues('environment')).toEqual(['prod']);
      expect(await store().getValues('unknown')).toEqual([]);
    });
  });
}

/** Autocomplete when no keys are configured. */
export function autocompleteDisabledTests(store: () => Storage): void {
  describe('autocomplete tags when no keys are configured', () => {
    it('offers no keys and no values', async () => {
      await store().accept(newTrace());
      await store().accept([frontendSpan({ tags: { 'http.host': 'host1' } })]);
      expect(await store().getKeys()).toEqual([]);
      expect(await store().getValues('http.host')).toEqual([]);
    });
  });
}
