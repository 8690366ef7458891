import { describe, expect, it } from 'vitest';
import { isIpv4, parseIp } from './ip.js';

describe('isIpv4', () => {
  it('accepts dotted quads with words up to 255', () => {
    expect(isIpv4('1.2.3.4')).toBe(true);
    expect(isIpv4('255.255.255.255')).toBe(true);
    expect(isIpv4('256.1.1.1')).toBe(false);
    expect(isIpv4('1.2.3')).toBe(false);
    expect(isIpv4('1.2.3.4.5')).toBe(false);
    expect(isIpv4('1..3.4')).toBe(false);
    expect(isIpv4('1.2.3.1000')).toBe(false);
    expect(isIpv4('a.b.c.d')).toBe(false);
  });
});

describe('parseIp', () => {
  it('keeps a valid IPv4 as written', () => {
    expect(parseIp('192.168.99.101')).toEqual({ ipv4: '192.168.99.101' });
  });
  it('normalizes IPv6 to compressed lower case', () => {
    expect(parseIp('2001:DB8:0:0:0:0:0:1')).toEqual({ ipv6: '2001:db8::1' });
    expect(parseIp('::1')).toEqual({ ipv6: '::1' });
    expect(parseIp('0:0:0:0:0:0:0:0')).toEqual({ ipv6: '::' });
    expect(parseIp('fe80::0202:b3ff:fe1e:8329')).toEqual({ ipv6: 'fe80::202:b3ff:fe1e:8329' });
  });
  it('compresses the first longest zero run, and a trailing run only when it is the only one (as Zipkin)', () => {
    expect(parseIp('1:0:0:2:0:0:0:3')).toEqual({ ipv6: '1:0:0:2::3' });
    expect(parseIp('1:0:2:3:4:0:0:0')).toEqual({ ipv6: '1::2:3:4:0:0:0' });
    expect(parseIp('1:2:3:4:5:0:0:0')).toEqual({ ipv6: '1:2:3:4:5::' });
  });
  it('turns IPv4-mapped and -compatible dotted forms into IPv4', () => {
    expect(parseIp('::ffff:1.2.3.4')).toEqual({ ipv4: '1.2.3.4' });
    expect(parseIp('::FFFF:1.2.3.4')).toEqual({ ipv4: '1.2.3.4' });
    expect(parseIp('::1.2.3.4')).toEqual({ ipv4: '1.2.3.4' });
  });
  it('drops invalid addresses', () => {
    for (const bad of ['', 'localhost', '1.2.3', '1:2', '1::2::3', '12345::1', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', '1.2.3.4:80', ':1:2:3:4:5:6:7', '::ffff:1.2.3']) {
      expect(parseIp(bad), bad).toBeUndefined();
    }
  });
});
