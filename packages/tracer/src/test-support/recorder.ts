import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the recording backend answers one request. */
export type Behavior = 'ok' | 'reset' | '400' | '500' | '503' | { status: number; retryAfter?: string } | { slowMs: number };

/**
 * A real HTTP backend for reporter tests: it answers requests per a script of behaviors (then 'ok'),
 * records the spans of every request it accepted (202), and counts all requests.
 */
export class Recorder {
  /** Span ids of accepted requests, in arrival order. */
  readonly accepted: string[] = [];
  /** Accepted request bodies (parsed JSON). */
  readonly bodies: unknown[] = [];
  /** Arrival time (ms) of every request. */
  readonly arrivals: number[] = [];
  /** Content types seen. */
  readonly contentTypes: string[] = [];
  /** Behaviors still to play, first to last. */
  script: Behavior[] = [];
  private readonly server: http.Server;
  url = '';

  constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.arrivals.push(Date.now());
        this.contentTypes.push(String(req.headers['content-type']));
        const b = this.script.shift() ?? 'ok';
        const accept = (): void => {
          const body = Buffer.concat(chunks);
          if (String(req.headers['content-type']).includes('json')) {
            const parsed = JSON.parse(body.toString('utf8')) as unknown;
            this.bodies.push(parsed);
            if (Array.isArray(parsed)) for (const s of parsed as Array<{ id: string }>) this.accepted.push(s.id);
          } else {
            this.bodies.push(body);
          }
          res.writeHead(202).end();
        };
        if (b === 'ok') accept();
        else if (b === 'reset') req.socket.destroy();
        else if (typeof b === 'string') res.writeHead(Number(b)).end('no');
        else if ('slowMs' in b) setTimeout(accept, b.slowMs);
        else res.writeHead(b.status, b.retryAfter !== undefined ? { 'retry-after': b.retryAfter } : {}).end('busy');
      });
    });
  }

  /** Starts listening on 127.0.0.1, a free port; url is the Zipkin spans endpoint. */
  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v2/spans`;
    return this;
  }

  /** Number of requests that arrived. */
  get requests(): number {
    return this.arrivals.length;
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }
}
