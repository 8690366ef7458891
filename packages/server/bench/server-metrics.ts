/** Reading a running server's /metrics, for the ingest benchmarks. */

/** The value of an unlabelled metric in a server's /metrics (NaN when absent). */
export async function metricValue(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ').pop() ?? NaN);
}

/** Seconds the server's ingest thread has been busy (skein_ingest_thread_busy_seconds_total). */
export function ingestThreadBusy(url: string): Promise<number> {
  return metricValue(url, 'skein_ingest_thread_busy_seconds_total');
}

/** The share of wall time the server's ingest thread was busy between two readings of its busy seconds. */
export function busyShare(busyBefore: number, busyAfter: number, elapsedMs: number): string {
  return `ingest thread busy ${Math.round((100 * (busyAfter - busyBefore)) / (elapsedMs / 1000))} %`;
}

/** Event-loop GC pauses so far, by kind (prom-client's nodejs_gc_duration_seconds: minor, major, incremental, weakcb). */
export interface GcPauses {
  /** Seconds paused, by kind. */
  seconds: Record<string, number>;
  /** Collections, by kind. */
  count: Record<string, number>;
}

/** The server's event-loop GC pauses so far (from its /metrics). */
export async function gcPauses(url: string): Promise<GcPauses> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: GcPauses = { seconds: {}, count: {} };
  for (const line of text.split('\n')) {
    const m = /^nodejs_gc_duration_seconds_(sum|count)\{kind="(\w+)"\} (\S+)$/.exec(line);
    if (m === null) continue;
    (m[1] === 'sum' ? out.seconds : out.count)[m[2] as string] = Number(m[3]);
  }
  return out;
}

/** What the event loop spent in GC pauses between two readings, for a report line. */
export function gcBetween(before: GcPauses, after: GcPauses, spans: number): string {
  const ms = (kind: string): number => 1000 * ((after.seconds[kind] ?? 0) - (before.seconds[kind] ?? 0));
  const n = (kind: string): number => (after.count[kind] ?? 0) - (before.count[kind] ?? 0);
  const total = Object.keys(after.seconds).reduce((sum, kind) => sum + ms(kind), 0);
  const perSpan = spans > 0 ? ((total * 1000) / spans).toFixed(2) : '-';
  return `${Math.round(total).toLocaleString('en-US')} ms (${perSpan} µs per stored span): minor ${Math.round(ms('minor'))} ms in ${n('minor')}, major ${Math.round(ms('major'))} ms in ${n('major')}, incremental ${Math.round(ms('incremental'))} ms`;
}
