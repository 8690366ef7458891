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
