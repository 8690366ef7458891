/**
 * Load generator of the ingest benchmark, run as its own process: `connections` keep-alive
 * connections each POST bodies back to back for `seconds`, then it prints one JSON line
 * with what was answered. Usage: node --import tsx ingest-load.ts '<json settings>'.
 */
import { readFileSync } from 'node:fs';
import { machineCpu } from './cpu-usage.js';
import { markPass, traceIdOffsets } from './ingest-data.js';
import { KeepAliveConnection } from './keep-alive-client.js';

/** Settings passed as the single argument. */
export interface LoadSettings {
  url: string;
  path: string;
  contentType: string;
  /** A file of bodies, one per line (JSON bodies have no raw newlines). */
  bodiesFile: string;
  spansPerBody: number;
  seconds: number;
  connections: number;
  /** Added to the round number written into trace ids, so separate runs never repeat ids. */
  roundOffset: number;
  /** Spans per second to send at most (requests are spaced out evenly); as fast as answered when absent. */
  rate?: number;
}

/** What the generator measured. */
export interface LoadResult {
  requests: number;
  accepted: number;
  spansAccepted: number;
  byStatus: Record<string, number>;
  elapsedMs: number;
  /** CPU the load generator itself used while sending (ms, user + system). */
  cpuMs: number;
  /** Share of the machine's cores (0-1) busy while sending, whatever used them. */
  machineBusy: number;
  p50Ms: number;
  p99Ms: number;
  /** Trace ids of some bodies answered 202, to read back. */
  sampleTraceIds: string[];
}

const settings = JSON.parse(process.argv[2] ?? '{}') as LoadSettings;
const bodies = readFileSync(settings.bodiesFile, 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => Buffer.from(l));
// Each pass over the bodies rewrites the first 6 hex digits of the low 64 bits of every trace id
// with the pass number, so no span is ever sent twice (all spans of a trace still share their id).
const offsetsOf = bodies.map(traceIdOffsets);
function prepare(index: number): Buffer {
  const body = bodies[index % bodies.length] as Buffer;
  markPass(body, offsetsOf[index % bodies.length] ?? [], settings.roundOffset + Math.floor(index / bodies.length));
  return body;
}
const target = new URL(settings.path, settings.url);

const result: LoadResult = {
  requests: 0,
  accepted: 0,
  spansAccepted: 0,
  byStatus: {},
  elapsedMs: 0,
  cpuMs: 0,
  machineBusy: 0,
  p50Ms: 0,
  p99Ms: 0,
  sampleTraceIds: [],
};
const latencies: number[] = [];
let next = 0;

async function worker(deadline: number): Promise<void> {
  const connection = new KeepAliveConnection(target.hostname, Number(target.port));
  const post = (body: Buffer): Promise<number> => connection.post(target.pathname, settings.contentType, body);
  while (performance.now() < deadline) {
    const index = next++;
    if (settings.rate !== undefined) {
      const wait = started + (index * settings.spansPerBody * 1000) / settings.rate - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (performance.now() >= deadline) break;
    }
    const body = prepare(index);
    const start = performance.now();
    let status: number;
    try {
      status = await post(body);
    } catch {
      status = 0;
    }
    latencies.push(performance.now() - start);
    result.requests++;
    result.byStatus[status] = (result.byStatus[status] ?? 0) + 1;
    if (status === 202) {
      result.accepted++;
      result.spansAccepted += settings.spansPerBody;
      if (index % 997 === 0) {
        const at = offsetsOf[index % bodies.length]?.[0] ?? 0;
        const start = body.lastIndexOf('"', at - 1) + 1;
        result.sampleTraceIds.push(body.toString('latin1', start, body.indexOf('"', at)));
      }
    }
  }
  connection.close();
}

const cpuBefore = process.cpuUsage();
const machineBefore = machineCpu();
const started = performance.now();
const deadline = started + settings.seconds * 1000;
await Promise.all(Array.from({ length: settings.connections }, () => worker(deadline)));
result.elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
result.cpuMs = (cpu.user + cpu.system) / 1000;
const machineAfter = machineCpu();
result.machineBusy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
latencies.sort((a, b) => a - b);
result.p50Ms = latencies[Math.floor(latencies.length * 0.5)] ?? 0;
result.p99Ms = latencies[Math.floor(latencies.length * 0.99)] ?? 0;
process.stdout.write(`${JSON.stringify(result)}\n`);
