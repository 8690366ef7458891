import { normalizeAnnotations, setTag } from '@skein/model';
import type { Annotation, Endpoint, Span, SpanKind } from '@skein/model';
import type { V1Annotation, V1Span } from './v1-span.js';
import { sameEndpoint } from './v1-span.js';

/** One v2 span being assembled from a v1 span (one per local endpoint). */
interface Builder {
  localEndpoint?: Endpoint;
  remoteEndpoint?: Endpoint;
  kind?: SpanKind;
  timestamp: number;
  duration: number;
  annotations: Annotation[];
  tags: Record<string, string>;
  hasTags: boolean;
  shared: boolean;
}

function newBuilder(local?: Endpoint): Builder {
  const b: Builder = { timestamp: 0, duration: 0, annotations: [], tags: {}, hasTags: false, shared: false };
  if (local !== undefined) b.localEndpoint = local;
  return b;
}

function sameService(a: Endpoint | undefined, b: Endpoint | undefined): boolean {
  return a?.serviceName === b?.serviceName;
}

/**
 * Converts v1 spans to v2 the way Zipkin's V1SpanConverter does: core annotations (cs, sr, ss,
 * cr, ms, mr, ws, wr) become kind, timestamp and duration; ca/sa/ma become remote endpoints;
 * annotations at different services split the span, so a v1 span shared by client and server
 * becomes a CLIENT span and a SERVER span marked shared.
 */
export class V1ToV2 {
  private first = newBuilder();
  private spans: Builder[] = [];
  private cs: V1Annotation | undefined;
  private sr: V1Annotation | undefined;
  private ss: V1Annotation | undefined;
  private cr: V1Annotation | undefined;
  private ms: V1Annotation | undefined;
  private mr: V1Annotation | undefined;
  private ws: V1Annotation | undefined;
  private wr: V1Annotation | undefined;

  /** Appends the v2 spans of `source` to `out`. */
  convert(source: V1Span, out: Span[]): void {
    this.first = newBuilder();
    this.spans = [];
    this.cs = this.sr = this.ss = this.cr = this.ms = this.mr = this.ws = this.wr = undefined;
    this.processAnnotations(source);
    this.processBinaryAnnotations(source);
    out.push(build(this.first, source));
    for (const b of this.spans) out.push(build(b, source));
  }

  private forEndpoint(e: Endpoint | undefined): Builder {
    if (e === undefined) return this.first;
    if (closeEnough(this.first, e)) return this.first;
    for (const b of this.spans) if (closeEnough(b, e)) return b;
    return this.fork(e);
  }

  private fork(e: Endpoint): Builder {
    const b = newBuilder(e);
    this.spans.push(b);
    return b;
  }

  private processAnnotations(source: V1Span): void {
    for (const a of source.annotations) {
      const span = this.forEndpoint(a.endpoint);
      // core annotations need an endpoint; without one they are plain annotations
      const core = a.value.length === 2 && a.endpoint !== undefined ? a.value : '';
      switch (core) {
        case 'cs': span.kind = 'CLIENT'; this.cs = a; break;
        case 'sr': span.kind = 'SERVER'; this.sr = a; break;
        case 'ss': span.kind = 'SERVER'; this.ss = a; break;
        case 'cr': span.kind = 'CLIENT'; this.cr = a; break;
        case 'ms': span.kind = 'PRODUCER'; this.ms = a; break;
        case 'mr': span.kind = 'CONSUMER'; this.mr = a; break;
        case 'ws': this.ws = a; break;
        case 'wr': this.wr = a; break;
        default: span.annotations.push({ timestamp: a.timestamp, value: a.value });
      }
    }
    const { cr, ss } = this;
    // bridging from an event model can lose the start annotation; the span's own times restore it
    if (this.cs === undefined && cr !== undefined && endReflectsDuration(cr, source)) {
      this.cs = { timestamp: source.timestamp, value: 'cs', ...(cr.endpoint ? { endpoint: cr.endpoint } : {}) };
    }
    if (this.sr === undefined && ss !== undefined && endReflectsDuration(ss, source)) {
      this.sr = { timestamp: source.timestamp, value: 'sr', ...(ss.endpoint ? { endpoint: ss.endpoint } : {}) };
    }
    const { cs, sr } = this;
    if (cs !== undefined && sr !== undefined) {
      // in a shared span the client side owns the span's timestamp and duration
      this.maybeTimestampDuration(source, cs, cr);
      const client = this.forEndpoint(cs.endpoint);
      let server: Builder;
      if (sameService(cs.endpoint, sr.endpoint)) {
        client.kind = 'CLIENT';
        server = this.fork(sr.endpoint as Endpoint);
        server.kind = 'SERVER';
      } else {
        server = this.forEndpoint(sr.endpoint);
      }
      server.shared = true;
      server.timestamp = sr.timestamp;
      if (ss !== undefined) server.duration = ss.timestamp - sr.timestamp;
      if (cr === undefined && source.duration === 0) client.duration = 0; // one-way: no duration
    } else if (cs !== undefined && cr !== undefined) {
      this.maybeTimestampDuration(source, cs, cr);
    } else if (sr !== undefined && ss !== undefined) {
      this.maybeTimestampDuration(source, sr, ss);
    } else {
      this.handleIncompleteRpc(source);
    }
    // v1 had no shared flag: a server side without the span's own timestamp implied it
    if (cs === undefined && sr !== undefined && (source.timestamp === 0 || (ss !== undefined && source.duration === 0))) {
      this.forEndpoint(sr.endpoint).shared = true;
    }
    this.processMessaging(source);
  }

  private processMessaging(source: V1Span): void {
    const { ms, mr, ws, wr } = this;
    if (ms !== undefined && mr !== undefined) {
      const producer = this.forEndpoint(ms.endpoint);
      let consumer: Builder;
      if (sameService(ms.endpoint, mr.endpoint)) {
        producer.kind = 'PRODUCER';
        consumer = this.fork(mr.endpoint as Endpoint);
        consumer.kind = 'CONSUMER';
      } else {
        consumer = this.forEndpoint(mr.endpoint);
      }
      consumer.shared = true;
      if (wr !== undefined) {
        consumer.timestamp = wr.timestamp;
        consumer.duration = mr.timestamp - wr.timestamp;
      } else {
        consumer.timestamp = mr.timestamp;
      }
      producer.timestamp = ms.timestamp;
      producer.duration = ws !== undefined ? ws.timestamp - ms.timestamp : 0;
    } else if (ms !== undefined) {
      this.maybeTimestampDuration(source, ms, ws);
    } else if (mr !== undefined) {
      if (wr !== undefined) this.maybeTimestampDuration(source, wr, mr);
      else this.maybeTimestampDuration(source, mr, undefined);
    } else {
      if (ws !== undefined) this.forEndpoint(ws.endpoint).annotations.push({ timestamp: ws.timestamp, value: ws.value });
      if (wr !== undefined) this.forEndpoint(wr.endpoint).annotations.push({ timestamp: wr.timestamp, value: wr.value });
    }
  }

  private handleIncompleteRpc(source: V1Span): void {
    this.incomplete(this.first);
    for (const b of this.spans) this.incomplete(b);
    if (source.timestamp !== 0) {
      this.first.timestamp = source.timestamp;
      this.first.duration = source.duration;
    }
  }

  private incomplete(b: Builder): void {
    if (b.kind === 'CLIENT') {
      if (this.cs !== undefined) b.timestamp = this.cs.timestamp;
      if (this.cr !== undefined) b.annotations.push({ timestamp: this.cr.timestamp, value: this.cr.value });
    } else if (b.kind === 'SERVER') {
      if (this.sr !== undefined) b.timestamp = this.sr.timestamp;
      if (this.ss !== undefined) b.annotations.push({ timestamp: this.ss.timestamp, value: this.ss.value });
    }
  }

  private maybeTimestampDuration(source: V1Span, begin: V1Annotation, end: V1Annotation | undefined): void {
    const b = this.forEndpoint(begin.endpoint);
    if (source.timestamp !== 0 && source.duration !== 0) {
      b.timestamp = source.timestamp;
      b.duration = source.duration;
    } else {
      b.timestamp = begin.timestamp;
      if (end !== undefined) b.duration = end.timestamp - begin.timestamp;
    }
  }

  private processBinaryAnnotations(source: V1Span): void {
    let ca: Endpoint | undefined;
    let sa: Endpoint | undefined;
    let ma: Endpoint | undefined;
    for (const b of source.binaryAnnotations) {
      if (b.key === 'ca') { ca = b.endpoint; continue; }
      if (b.key === 'sa') { sa = b.endpoint; continue; }
      if (b.key === 'ma') { ma = b.endpoint; continue; }
      const span = this.forEndpoint(b.endpoint);
      const value = b.value ?? '';
      if (b.key === 'lc' && value === '') continue; // "lc" with no value only marks the local endpoint
      setTag(span.tags, b.key, value);
      span.hasTags = true;
    }
    const { cs, cr, ss, sr, ms, mr } = this;
    if (cs === undefined && cr === undefined && ss === undefined && sr === undefined && (ca !== undefined || sa !== undefined)) {
      if (ca !== undefined && sa !== undefined) {
        this.forEndpoint(ca).remoteEndpoint = sa;
      } else if (sa !== undefined) {
        this.forEndpoint(undefined).remoteEndpoint = sa; // "sa" alone is just a remote address
      } else if (ca !== undefined) {
        const b = this.forEndpoint(undefined);
        b.kind = 'SERVER';
        b.remoteEndpoint = ca;
      }
      return;
    }
    const server = sr ?? ss;
    if (ca !== undefined && server !== undefined && !sameEndpoint(ca, server.endpoint)) {
      // Finagle puts the server's own service name on "ca"; dropping it avoids loopback links
      const remote = sameService(ca, server.endpoint) ? withoutServiceName(ca) : ca;
      if (remote !== undefined) this.forEndpoint(server.endpoint).remoteEndpoint = remote;
    }
    if (sa !== undefined) {
      if (cs !== undefined) this.forEndpoint(cs.endpoint).remoteEndpoint = sa;
      else if (cr !== undefined) this.forEndpoint(cr.endpoint).remoteEndpoint = sa;
    }
    if (ma !== undefined) {
      // both sides of an (accidentally) shared messaging span get the broker address
      if (ms !== undefined) this.forEndpoint(ms.endpoint).remoteEndpoint = ma;
      if (mr !== undefined) this.forEndpoint(mr.endpoint).remoteEndpoint = ma;
    }
  }
}

function withoutServiceName(e: Endpoint): Endpoint | undefined {
  const out: Endpoint = {};
  if (e.ipv4 !== undefined) out.ipv4 = e.ipv4;
  if (e.ipv6 !== undefined) out.ipv6 = e.ipv6;
  if (e.port !== undefined) out.port = e.port;
  return Object.keys(out).length > 0 ? out : undefined;
}

function closeEnough(b: Builder, e: Endpoint): boolean {
  if (b.localEndpoint === undefined) {
    b.localEndpoint = e;
    return true;
  }
  return sameService(b.localEndpoint, e);
}

function endReflectsDuration(end: V1Annotation, source: V1Span): boolean {
  return source.timestamp !== 0 && source.duration !== 0 && source.timestamp + source.duration === end.timestamp;
}

function build(b: Builder, source: V1Span): Span {
  const span: Span = { traceId: source.traceId, id: source.id };
  if (source.parentId !== undefined && source.parentId !== source.id) span.parentId = source.parentId;
  if (b.kind !== undefined) span.kind = b.kind;
  if (source.name !== undefined) span.name = source.name;
  if (b.timestamp > 0) span.timestamp = b.timestamp;
  if (b.duration > 0) span.duration = b.duration;
  if (b.localEndpoint !== undefined) span.localEndpoint = b.localEndpoint;
  if (b.remoteEndpoint !== undefined) span.remoteEndpoint = b.remoteEndpoint;
  const annotations = normalizeAnnotations(b.annotations, -1);
  if (annotations !== undefined) span.annotations = annotations;
  if (b.hasTags) span.tags = b.tags;
  if (source.debug) span.debug = true;
  if (b.shared && b.kind !== 'CLIENT') span.shared = true;
  return span;
}
