import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTracer, instrumentHttp, type SkeinTracer } from '@skein/tracer';

/** A traced HTTP service: its own tracer reporting to SKEIN_ENDPOINT, instrumented node:http and fetch. */
export interface Service {
  tracer: SkeinTracer;
  url: string;
}

/** Creates the tracer for `name` from the environment (SKEIN_ENDPOINT). */
export function tracerFor(name: string): SkeinTracer {
  return createTracer({
    serviceName: name,
    reporter: { endpoint: process.env.SKEIN_ENDPOINT ?? 'http://localhost:9411/api/v2/spans', flushIntervalMs: 200 },
    tags: { example: 'hello' },
  });
}

/**
 * Starts `handler` on 127.0.0.1:$PORT (0 = any), prints `READY <url>` for the demo runner, and on
 * SIGTERM stops taking requests, delivers the queued spans and exits.
 */
export async function serve(name: string, handler: (tracer: SkeinTracer, req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>): Promise<Service> {
  const tracer = tracerFor(name);
  instrumentHttp(tracer);
  const server = http.createServer((req, res) => {
    handler(tracer, req, res).catch((err: Error) => {
      tracer.activeSpan()?.log({ event: 'error', 'error.object': err });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: err.message }));
    });
  });
  await new Promise<void>((r) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.stdout.write(`READY ${url}\n`);
  process.once('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void tracer.close().then(() => process.exit(0));
  });
  return { tracer, url };
}

/** Sleeps ms (stands in for real work). */
export function work(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
