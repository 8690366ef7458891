import { describe, expect, it } from 'vitest';
import { normalizeEndpoint } from './endpoint.js';
import { SpanValidationError } from './errors.js';
import { normalizeSpan } from './normalize.js';

const base = { traceId: '463ac35c9f6413ad', id: '352bff9a74ca9ad2' };

function fails(fn: () => unknown): SpanValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SpanValidationError);
    return err as SpanValidationError;
  }
  throw new Error('expected a SpanValidationError');
}

describe('normalizeEndpoint', () => {
  it('lower-cases the service name; empty is absent', () => {
    expect(normalizeEndpoint({ serviceName: 'FrontEnd' }, 0, 'localEndpoint')).toEqual({ serviceName: 'frontend' });
    expect(normalizeEndpoint({ serviceName: '', ipv4: '1.2.3.4' }, 0, 'localEndpoint')).toEqual({ ipv4: '1.2.3.4' });
  });
  it('validates IPs as Zipkin does: invalid dropped, IPv6 normalized, mapped IPv4 moved to ipv4', () => {
    expect(normalizeEndpoint({ serviceName: 'a', ipv4: '300.1.1.1' }, 0, 'e')).toEqual({ serviceName: 'a' });
    expect(normalizeEndpoint({ serviceName: 'a', ipv6: '2001:DB8::0:1' }, 0, 'e')).toEqual({ serviceName: 'a', ipv6: '2001:db8::1' });
    expect(normalizeEndpoint({ ipv6: '::ffff:10.0.0.1' }, 0, 'e')).toEqual({ ipv4: '10.0.0.1' });
    expect(normalizeEndpoint({ ipv4: '1.2.3.4', ipv6: '::1' }, 0, 'e')).toEqual({ ipv4: '1.2.3.4', ipv6: '::1' });
  });
  it('makes port 0 or negative absent and rejects ports over 65535', () => {
    expect(normalizeEndpoint({ serviceName: 'a', port: 0 }, 0, 'e')).toEqual({ serviceName: 'a' });
    expect(normalizeEndpoint({ serviceName: 'a', port: -80 }, 0, 'e')).toEqual({ serviceName: 'a' });
    expect(normalizeEndpoint({ port: 8080 }, 0, 'e')).toEqual({ port: 8080 });
    const err = fails(() => normalizeEndpoint({ port: 65536 }, 3, 'remoteEndpoint'));
    expect(err).toMatchObject({ code: 'SPAN_INVALID_PORT', index: 3, field: 'remoteEndpoint.port' });
    expect(fails(() => normalizeEndpoint({ port: 80.5 }, 0, 'e')).code).toBe('SPAN_INVALID_NUMBER');
  });
  it('is absent when nothing is left', () => {
    expect(normalizeEndpoint({}, 0, 'e')).toBeUndefined();
    expect(normalizeEndpoint({ serviceName: '', ipv4: 'x', port: 0, other: 1 }, 0, 'e')).toBeUndefined();
    expect(normalizeEndpoint({ serviceName: null }, 0, 'e')).toBeUndefined();
    expect(normalizeSpan({ ...base, localEndpoint: {}, remoteEndpoint: { serviceName: '' } }, 0)).toEqual(base);
  });
  it('rejects wrong types, naming the field', () => {
    expect(fails(() => normalizeEndpoint('frontend', 1, 'localEndpoint'))).toMatchObject({ code: 'SPAN_INVALID_TYPE', field: 'localEndpoint' });
    expect(fails(() => normalizeEndpoint({ serviceName: 1 }, 1, 'localEndpoint')).field).toBe('localEndpoint.serviceName');
    expect(fails(() => normalizeEndpoint({ ipv4: 1 }, 1, 'localEndpoint')).field).toBe('localEndpoint.ipv4');
    expect(fails(() => normalizeEndpoint({ port: '80' }, 1, 'localEndpoint')).field).toBe('localEndpoint.port');
    expect(fails(() => normalizeSpan({ ...base, remoteEndpoint: [] }, 6)).message).toBe('span 6: remoteEndpoint must be an object, not an array');
  });
});
