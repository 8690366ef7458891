import { describe, expect, it } from 'vitest';
import type { Span } from '@skein/model';
import type { Storage } from '../storage.js';
import { BACKEND, clientSpan, frontendSpan, newTrace, spanId } from './test-data.js';

/** Service, remote service and span names, as Zipkin's ITServiceAndSpanNames. */
export function namesTests(store: () => Storage): void {
  describe('service and span names', () => {
    it('lists local service names, sorted and distinct, without remote-only or empty names', async () => {
      expect(await store().getServiceNames()).toEqual([]);
      const { localEndpoint: _l, ...noService } = frontendSpan();
      await store().accept([noService]);
      expect(await store().getServiceNames()).toEqual([]);
      await store().accept([...newTrace(), ...newTrace(), clientSpan({ localEndpoint: { serviceName: 'zeta' } })]);
      // db appears only as a remote endpoint
      expect(await store().getServiceNames()).toEqual(['backend', 'frontend', 'zeta']);
    });

    it('lists remote service names of a service, sorted and distinct', async () => {
      const span = clientSpan();
      expect(await store().getRemoteServiceNames('frontend')).toEqual([]);
      await store().accept([span]);
      expect(await store().getRemoteServiceNames('frontend1')).toEqual([]);
      expect(await store().getRemoteServiceNames('frontend')).toEqual(['backend']);
      expect(await store().getRemoteServiceNames('backend')).toEqual([]);
    });

    it('returns all remote service names, without a store-side limit, deduplicated', async () => {
      const spans: Span[] = [];
      for (let i = 50; i >= 0; i--) {
        spans.push(frontendSpan({ id: spanId(i + 1), remoteEndpoint: { serviceName: `yak${String(i).padStart(2, '0')}` } }));
        spans.push(frontendSpan({ id: spanId(i + 100), remoteEndpoint: BACKEND }));
      }
      await store().accept(spans);
      const expected = ['backend', ...Array.from({ length: 51 }, (_, i) => `yak${String(i).padStart(2, '0')}`)].sort();
      expect(await store().getRemoteServiceNames('frontend')).toEqual(expected);
    });

    it('lists span names of a service, sorted and distinct, not mixing in remote services', async () => {
      expect(await store().getSpanNames('frontend')).toEqual([]);
      const { name: _n, ...unnamed } = frontendSpan();
      await store().accept([unnamed]);
      expect(await store().getSpanNames('frontend')).toEqual([]);
      const spans: Span[] = [];
      for (let i = 50; i >= 0; i--) {
        spans.push(frontendSpan({ id: spanId(i + 1), name: `yak${String(i).padStart(2, '0')}` }));
        spans.push(frontendSpan({ id: spanId(i + 100), name: 'get' }));
      }
      await store().accept([...spans, clientSpan()]);
      const expected = ['get', 'get /foo', ...Array.from({ length: 51 }, (_, i) => `yak${String(i).padStart(2, '0')}`)].sort();
      expect(await store().getSpanNames('frontend')).toEqual(expected);
      expect(await store().getSpanNames('frontend1')).toEqual([]);
      expect(await store().getSpanNames('backend')).toEqual([]);
    });

    it('looks names up by lower-cased service name', async () => {
      await store().accept([clientSpan()]);
      expect(await store().getSpanNames('FrontEnd')).toEqual(['get /foo']);
      expect(await store().getRemoteServiceNames('FRONTEND')).toEqual(['backend']);
    });
  });
}
