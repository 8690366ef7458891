import { parseIp } from '@skein/model';
import { KIND_CLIENT, KIND_PRODUCER } from './model.js';

type Tags = Record<string, string>;

/**
 * The local endpoint: the resource's service plus the local address attributes. Keys whose value
 * moved into the endpoint are pushed to `consumed` (the caller drops them from the tags).
 */
export function localEndpoint(serviceName: string, tags: Tags, consumed?: string[], side: Tags = NONE): Record<string, unknown> {
  const ep: Record<string, unknown> = { serviceName };
  addAddress(ep, side, tags, LOCAL_ADDRESS, consumed);
  addPort(ep, side, tags, LOCAL_PORT, consumed);
  return ep;
}

/** An empty, frozen tag set: "no span attributes set aside". */
export const NONE: Tags = Object.freeze({}) as Tags;
const LOCAL_ADDRESS = ['net.host.ip', 'network.local.address'];
const LOCAL_PORT = ['net.host.port', 'network.local.port'];

const PEER_ADDRESS = ['network.peer.address', 'net.peer.ip', 'net.sock.peer.addr'];
const PEER_PORT = ['network.peer.port', 'net.peer.port', 'net.sock.peer.port'];
const OUTGOING_PEER_PORT = ['network.peer.port', 'net.peer.port', 'server.port', 'net.sock.peer.port'];

/**
 * The remote endpoint from the peer attributes, in the OTel Zipkin spec's order. server.* name
 * the remote side only for CLIENT/PRODUCER spans (on a SERVER span they are the local server),
 * and being semantic conventions of their own they stay tags; peer.service and the peer
 * address/port attributes move into the endpoint (pushed to `consumed`), as the OTel
 * Collector's Zipkin exporter does.
 */
export function remoteEndpointOf(tags: Tags, kind: number, consumed?: string[], side: Tags = NONE): Record<string, unknown> | undefined {
  const outgoing = kind === KIND_CLIENT || kind === KIND_PRODUCER;
  const ep: Record<string, unknown> = {};
  const peerService = side['peer.service'] ?? tags['peer.service'];
  if (peerService !== undefined && peerService !== '') {
    ep.serviceName = peerService;
    consumed?.push('peer.service');
  } else {
    const name = (outgoing ? tags['server.address'] : undefined) ?? tags['net.peer.name'];
    if (name !== undefined && name !== '') ep.serviceName = name;
  }
  addAddress(ep, side, tags, PEER_ADDRESS, consumed);
  addPort(ep, side, tags, outgoing ? OUTGOING_PEER_PORT : PEER_PORT, consumed);
  return Object.keys(ep).length > 0 ? ep : undefined;
}

/** The first of keys present in side (span attributes) or tags, and its value. */
function first(side: Tags, tags: Tags, keys: readonly string[]): [string, string] | undefined {
  for (const k of keys) {
    const v = side[k] ?? tags[k];
    if (v !== undefined) return [k, v];
  }
  return undefined;
}

function addAddress(ep: Record<string, unknown>, side: Tags, tags: Tags, keys: readonly string[], consumed?: string[]): void {
  const found = first(side, tags, keys);
  if (found === undefined) return;
  const [key, value] = found;
  const ip = parseIp(value);
  if (ip === undefined) return;
  if (ip.ipv4 !== undefined) ep.ipv4 = ip.ipv4;
  else if (ip.ipv6 !== undefined) ep.ipv6 = ip.ipv6;
  consumed?.push(key);
}

function addPort(ep: Record<string, unknown>, side: Tags, tags: Tags, keys: readonly string[], consumed?: string[]): void {
  const found = first(side, tags, keys);
  if (found === undefined) return;
  const [key, text] = found;
  if (!/^\d{1,5}$/.test(text)) return;
  const port = Number(text);
  if (port < 1 || port > 65535) return;
  ep.port = port;
  if (key !== 'server.port') consumed?.push(key);
}

/** Attribute keys whose value can move into an endpoint (see localEndpoint, remoteEndpointOf). */
export const CONSUMABLE = new Set(['peer.service', ...PEER_ADDRESS, ...PEER_PORT, ...LOCAL_ADDRESS, ...LOCAL_PORT]);
