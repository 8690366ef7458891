/**
 * A lean gRPC client for the ingest benchmark: HTTP/2 frames written by hand on one TCP socket,
 * one unary call at a time, as keep-alive-client.ts does for HTTP/1.1. node:http2's client costs
 * about 170 µs of CPU per call, which on a 2-core machine is taken from the server being measured.
 * The request headers are encoded once (HPACK literals, no Huffman); the answer's headers are not
 * decoded: a call succeeded when the server sent its one response message (grpc-js sends it only
 * when the handler succeeds; a failure is a trailers-only answer or a reset). The benchmark's
 * stored check (every acknowledged span stored, none more) would catch a wrong verdict.
 */
import { connect, type Socket } from 'node:net';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const DATA = 0;
const HEADERS = 1;
const RST_STREAM = 3;
const SETTINGS = 4;
const PING = 6;
const GOAWAY = 7;
const WINDOW_UPDATE = 8;
const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;
/** The largest window HTTP/2 allows: the client never has to send WINDOW_UPDATE again. */
const MAX_WINDOW = 2 ** 31 - 1;

function frameHeader(length: number, type: number, flags: number, stream: number): Buffer {
  const h = Buffer.allocUnsafe(9);
  h.writeUIntBE(length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream, 5);
  return h;
}

/** An HPACK string literal without Huffman coding (lengths under 127 only, as here). */
function literal(s: string): Buffer {
  const b = Buffer.from(s, 'latin1');
  if (b.length >= 127) throw new Error(`header too long for this encoder: ${s}`);
  return Buffer.concat([Buffer.from([b.length]), b]);
}

/** The header block of a gRPC POST to path: indexed :method POST and :scheme http, literals for the rest. */
function requestHeaders(authority: string, path: string): Buffer {
  return Buffer.concat([
    Buffer.from([0x83, 0x86]), // :method POST, :scheme http (static table 3 and 6)
    Buffer.from([0x04]), literal(path), // :path (static name 4), literal without indexing
    Buffer.from([0x01]), literal(authority), // :authority (static name 1)
    Buffer.from([0x0f, 0x10]), literal('application/grpc'), // content-type (static name 31)
    Buffer.from([0x00]), literal('te'), literal('trailers'),
  ]);
}

interface Call {
  stream: number;
  /** Bytes of the framed message still to send. */
  rest: Buffer;
  gotMessage: boolean;
  resolve: (ok: boolean) => void;
}

/** One HTTP/2 connection making unary calls of one gRPC method, one after another. */
export class RawGrpcConnection {
  private socket: Socket | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private nextStream = 1;
  private connectionWindow = 65_535;
  private streamWindow = 65_535;
  /** Send window of the current call's stream. */
  private callWindow = 0;
  private maxFrame = 16_384;
  private call: Call | undefined;
  private readonly host: string;
  private readonly port: number;
  /** HPACK block of every call's request headers. */
  private readonly headerBlock: Buffer;

  /** A connection to address ("host:port") for calls of the method at path ("/package.Service/Method"). */
  constructor(address: string, path: string) {
    const colon = address.lastIndexOf(':');
    this.host = address.slice(0, colon);
    this.port = Number(address.slice(colon + 1));
    this.headerBlock = requestHeaders(address, path);
  }

  private open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true }, () => {
        // Our receive windows (stream and connection) at the maximum, push off.
        const settings = Buffer.alloc(12);
        settings.writeUInt16BE(2, 0); // ENABLE_PUSH = 0
        settings.writeUInt32BE(0, 2);
        settings.writeUInt16BE(4, 6); // INITIAL_WINDOW_SIZE
        settings.writeUInt32BE(MAX_WINDOW, 8);
        const increment = Buffer.alloc(4);
        increment.writeUInt32BE(MAX_WINDOW - 65_535, 0);
        socket.write(Buffer.concat([PREFACE, frameHeader(12, SETTINGS, 0, 0), settings, frameHeader(4, WINDOW_UPDATE, 0, 0), increment]));
        resolve(socket);
      });
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      socket.on('error', (err) => {
        this.failAll();
        reject(err);
      });
      socket.on('close', () => this.failAll());
      this.socket = socket;
    });
  }

  /** Calls the method with one message (the body); resolves to whether the call succeeded. */
  async unary(body: Buffer): Promise<boolean> {
    const socket = this.socket ?? (await this.open());
    const stream = this.nextStream;
    this.nextStream += 2;
    const framed = Buffer.allocUnsafe(5 + body.length);
    framed[0] = 0;
    framed.writeUInt32BE(body.length, 1);
    body.copy(framed, 5);
    return new Promise<boolean>((resolve) => {
      this.call = { stream, rest: framed, gotMessage: false, resolve };
      this.callWindow = this.streamWindow;
      socket.write(Buffer.concat([frameHeader(this.headerBlock.length, HEADERS, END_HEADERS, stream), this.headerBlock]));
      this.sendData();
    });
  }

  /** Sends as much of the current call's message as the windows allow, in one write. */
  private sendData(): void {
    const call = this.call;
    const socket = this.socket;
    if (call === undefined || socket === undefined || call.rest.length === 0) return;
    const parts: Buffer[] = [];
    while (call.rest.length > 0) {
      const n = Math.min(call.rest.length, this.maxFrame, this.connectionWindow, this.callWindow);
      if (n <= 0) break;
      const last = n === call.rest.length;
      parts.push(frameHeader(n, DATA, last ? END_STREAM : 0, call.stream), call.rest.subarray(0, n));
      call.rest = call.rest.subarray(n);
      this.connectionWindow -= n;
      this.callWindow -= n;
    }
    if (parts.length > 0) socket.write(Buffer.concat(parts));
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    let at = 0;
    while (this.buffered.length - at >= 9) {
      const length = this.buffered.readUIntBE(at, 3);
      if (this.buffered.length - at < 9 + length) break;
      const type = this.buffered[at + 3] as number;
      const flags = this.buffered[at + 4] as number;
      const stream = this.buffered.readUInt32BE(at + 5) & 0x7fffffff;
      const payload = this.buffered.subarray(at + 9, at + 9 + length);
      at += 9 + length;
      this.onFrame(type, flags, stream, payload);
    }
    this.buffered = at === this.buffered.length ? Buffer.alloc(0) : this.buffered.subarray(at);
  }

  private onFrame(type: number, flags: number, stream: number, payload: Buffer): void {
    const call = this.call !== undefined && this.call.stream === stream ? this.call : undefined;
    switch (type) {
      case SETTINGS:
        if ((flags & ACK) !== 0) return;
        for (let i = 0; i + 6 <= payload.length; i += 6) {
          const id = payload.readUInt16BE(i);
          const value = payload.readUInt32BE(i + 2);
          if (id === 4) {
            if (this.call !== undefined) this.callWindow += value - this.streamWindow;
            this.streamWindow = value;
          } else if (id === 5) this.maxFrame = value;
        }
        this.socket?.write(frameHeader(0, SETTINGS, ACK, 0));
        this.sendData();
        return;
      case WINDOW_UPDATE: {
        const increment = payload.readUInt32BE(0) & 0x7fffffff;
        if (stream === 0) this.connectionWindow += increment;
        else if (call !== undefined) this.callWindow += increment;
        this.sendData();
        return;
      }
      case PING:
        if ((flags & ACK) === 0) this.socket?.write(Buffer.concat([frameHeader(8, PING, ACK, 0), payload]));
        return;
      case DATA:
        // The answer's one message: the empty response, 5 bytes of framing.
        if (call !== undefined && payload.length > 0) call.gotMessage = true;
        if (call !== undefined && (flags & END_STREAM) !== 0) this.finish(false);
        return;
      case HEADERS:
        if (call !== undefined && (flags & END_STREAM) !== 0) this.finish(call.gotMessage);
        return;
      case RST_STREAM:
        if (call !== undefined) this.finish(false);
        return;
      case GOAWAY:
        this.failAll();
        this.close();
        return;
      default:
    }
  }

  private finish(ok: boolean): void {
    const call = this.call;
    this.call = undefined;
    call?.resolve(ok);
  }

  private failAll(): void {
    this.socket = undefined;
    this.finish(false);
  }

  /** Closes the connection. */
  close(): void {
    const s = this.socket;
    this.socket = undefined;
    s?.destroy();
  }
}
