import { networkInterfaces } from 'node:os';
import type { Endpoint } from '@skein/model';

/** The first non-internal IPv4 address of this host, if any. */
export function hostIpv4(): string | undefined {
  try {
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
    }
  } catch {
    // some sandboxes forbid listing interfaces
  }
  return undefined;
}

/** The local endpoint put on every span: the service name plus this host's address. */
export function localEndpoint(serviceName: string, override: Endpoint | undefined): Endpoint {
  const ep: Endpoint = { serviceName: serviceName.toLowerCase() };
  const ip = override?.ipv4 ?? hostIpv4();
  if (ip !== undefined) ep.ipv4 = ip;
  if (override?.ipv6 !== undefined) ep.ipv6 = override.ipv6;
  if (override?.port !== undefined) ep.port = override.port;
  return Object.freeze(ep);
}
