/**
 * A lean HTTP/1.1 keep-alive client for the ingest benchmarks: one socket, one request at a time,
 * each request written with a single write of prebuilt bytes, and only the status line and framing
 * of the answer read. node:http's client costs several times more CPU per request, which on a
 * 2-core machine is taken from the server being measured.
 */
import { connect, type Socket } from 'node:net';

const CRLF2 = Buffer.from('\r\n\r\n');

/** One keep-alive connection to a server. */
export class KeepAliveConnection {
  private socket: Socket | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: ((status: number) => void) | undefined;
  private failed: ((err: Error) => void) | undefined;

  constructor(private readonly host: string, private readonly port: number) {}

  private open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true }, () => resolve(socket));
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      socket.on('error', (err) => {
        this.socket = undefined;
        this.failed?.(err);
        reject(err);
      });
      socket.on('close', () => {
        if (this.socket === socket) this.socket = undefined;
        this.failed?.(new Error('connection closed'));
      });
      this.socket = socket;
    });
  }

  /** POSTs body; resolves to the answer's status once the whole answer was read. */
  async post(path: string, contentType: string, body: Buffer): Promise<number> {
    const socket = this.socket ?? (await this.open());
    const head = `POST ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`;
    return new Promise<number>((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
      socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
    });
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const end = this.buffered.indexOf(CRLF2);
    if (end < 0) return;
    const head = this.buffered.toString('latin1', 0, end).toLowerCase();
    const status = Number(head.slice(9, 12));
    let total: number;
    if (head.includes('transfer-encoding: chunked')) {
      const last = this.buffered.indexOf('0\r\n\r\n', end + 4);
      if (last < 0) return;
      total = last + 5;
    } else {
      const m = /content-length: *(\d+)/.exec(head);
      total = end + 4 + (m?.[1] !== undefined ? Number(m[1]) : 0);
      if (this.buffered.length < total) return;
    }
    this.buffered = this.buffered.subarray(total);
    const done = this.waiting;
    this.waiting = undefined;
    this.failed = undefined;
    if (head.includes('connection: close')) this.close();
    done?.(status);
  }

  /** Closes the socket. */
  close(): void {
    const s = this.socket;
    this.socket = undefined;
    s?.destroy();
  }
}
