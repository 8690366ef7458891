/**
 * Zipkin proto3 ListOfSpans decode speed: our hand-written reader against protobufjs reading the
 * same bytes with the real zipkin.proto, plus the full decode (wire + normalizeSpan) and encode.
 * The spans are Zipkin's own benchmark spans (packages/model/testdata/zipkin-bench), repeated.
 *
 * Run: npm run bench:codec   (prints; never asserts)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normalizeSpans } from '@skein/model';
import protobuf from 'protobufjs';
import { ZIPKIN_PROTO3 } from '../src/zipkin-proto3/index.js';
import { readListOfSpans } from '../src/zipkin-proto3/read.js';
import { measure } from './measure.js';
import { toHex } from '../src/internal/hex.js';
import { ipv4Text, ipv6Text } from '../src/internal/ip.js';

interface PbEndpoint { serviceName?: string; ipv4?: Uint8Array; ipv6?: Uint8Array; port?: number }
interface PbSpan {
  traceId: Uint8Array; parentId?: Uint8Array; id: Uint8Array; kind?: number; name?: string;
  timestamp?: { low: number; high: number } | number; duration?: { low: number; high: number } | number;
  localEndpoint?: PbEndpoint; remoteEndpoint?: PbEndpoint; annotations?: { timestamp: { low: number; high: number } | number; value: string }[];
  tags?: Record<string, string>; debug?: boolean; shared?: boolean;
}
interface PbList { spans: PbSpan[] }
const KINDS = [undefined, 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];
const num = (v: { low: number; high: number } | number): number => (typeof v === 'number' ? v : v.high * 4294967296 + (v.low >>> 0));
function endpoint(e: PbEndpoint): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (e.serviceName) o.serviceName = e.serviceName;
  if (e.ipv4?.length === 4) o.ipv4 = ipv4Text(e.ipv4);
  if (e.ipv6?.length === 16) Object.assign(o, ipv6Text(e.ipv6));
  if (e.port) o.port = e.port;
  return o;
}
/** What protobufjs would still need: the conversion our reader does while reading. */
function toRaw(list: PbList): Record<string, unknown>[] {
  return list.spans.map((s) => {
    const o: Record<string, unknown> = { traceId: toHex(s.traceId), id: toHex(s.id) };
    if (s.parentId?.length) o.parentId = toHex(s.parentId);
    if (s.kind) o.kind = KINDS[s.kind];
    if (s.name) o.name = s.name;
    if (s.timestamp) o.timestamp = num(s.timestamp);
    if (s.duration) o.duration = num(s.duration);
    if (s.localEndpoint) o.localEndpoint = endpoint(s.localEndpoint);
    if (s.remoteEndpoint) o.remoteEndpoint = endpoint(s.remoteEndpoint);
    if (s.annotations?.length) o.annotations = s.annotations.map((a) => ({ timestamp: num(a.timestamp), value: a.value }));
    if (s.tags) o.tags = s.tags;
    return o;
  });
}

async function main(): Promise<void> {
  const file = fileURLToPath(new URL('../../model/testdata/zipkin-bench/zipkin2-client.json', import.meta.url));
  const [one] = normalizeSpans([JSON.parse(readFileSync(file, 'utf8'))]);
  const spans = Array.from({ length: 100 }, (_, i) => ({ ...one!, id: (i + 1).toString(16).padStart(16, '0') }));
  const body = ZIPKIN_PROTO3.encode(spans);
  const root = await protobuf.load(fileURLToPath(new URL('../testdata/zipkin/zipkin.proto', import.meta.url)));
  const ListOfSpans = root.lookupType('zipkin.proto3.ListOfSpans');

  console.log(`Zipkin proto3 ListOfSpans: ${spans.length} spans, ${body.length} bytes`);
  const peer = measure('  protobufjs Type.decode (real zipkin.proto, baseline)', spans.length, () => ListOfSpans.decode(body));
  const ours = measure('  skein readListOfSpans (hand-written)', spans.length, () => readListOfSpans(body));
  console.log(`  ratio skein / protobufjs: ${(ours / peer).toFixed(2)}x (protobufjs leaves ids and IPs as bytes)`);
  const peerFull = measure('  protobufjs decode + the same hex/IP/shape conversion', spans.length, () =>
    toRaw(ListOfSpans.decode(body) as unknown as PbList),
  );
  console.log(`  ratio skein / (protobufjs + conversion): ${(ours / peerFull).toFixed(2)}x`);
  measure('  ZIPKIN_PROTO3.decode (wire + normalizeSpan)', spans.length, () => ZIPKIN_PROTO3.decode(body));
  measure('  ZIPKIN_PROTO3.encode', spans.length, () => ZIPKIN_PROTO3.encode(spans));
}

void main();
