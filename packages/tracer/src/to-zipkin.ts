import type { Annotation, Endpoint, Span, SpanKind } from '@skein/model';
import type { SkeinSpan } from './span.js';

const KINDS: Record<string, SpanKind> = {
  client: 'CLIENT',
  server: 'SERVER',
  producer: 'PRODUCER',
  consumer: 'CONSUMER',
};

function tagString(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return '';
    default:
      if (value instanceof Error) return value.message || value.name;
      try {
        return JSON.stringify(value) ?? String(value);
      } catch {
        return String(value);
      }
  }
}

function ipv4(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) {
    const n = value >>> 0;
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  return typeof value === 'string' && /^\d{1,3}(?:\.\d{1,3}){3}$/.test(value) ? value : undefined;
}

/** The message of an `event: 'error'` log, or undefined when the log is not an error. */
function errorMessage(fields: Record<string, unknown>): string | undefined {
  if (fields.event !== 'error') return undefined;
  const obj = fields['error.object'];
  if (obj instanceof Error) return obj.message || obj.name;
  if (typeof fields.message === 'string') return fields.message;
  if (obj !== undefined) return tagString(obj);
  if (typeof fields.stack === 'string') return fields.stack.split('\n', 1)[0] ?? 'error';
  return 'error';
}

function annotationValue(fields: Record<string, unknown>): string {
  const keys = Object.keys(fields);
  if (keys.length === 1 && keys[0] === 'event') return tagString(fields.event);
  let out = '';
  for (const k of keys) {
    if (k === 'error.object' || k === 'stack') continue;
    out += (out === '' ? '' : ' ') + k + '=' + tagString(fields[k]);
  }
  return out === '' ? 'log' : out;
}

/**
 * Turns a finished span into a Zipkin v2 span, applying OpenTracing's semantic conventions:
 * span.kind → kind; peer.* → remoteEndpoint; error tag or error log → the `error` tag;
 * logs → annotations; process tags added to every span.
 */
export function toZipkinSpan(span: SkeinSpan, local: Endpoint, processTags: Readonly<Record<string, string>> | undefined): Span {
  const ctx = span.ctx;
  const out: Span = { traceId: ctx.traceId, id: ctx.spanId };
  if (ctx.parentId !== undefined) out.parentId = ctx.parentId;
  out.name = span.name;
  out.timestamp = span.startMicros;
  out.duration = span.durationMicros;
  out.localEndpoint = local;
  let tags: Record<string, string> | undefined = processTags === undefined ? undefined : { ...processTags };
  let remote: Endpoint | undefined;
  let errorTag: string | undefined;
  const list = span.tagList;
  if (list !== null) {
    for (let i = 0; i < list.length; i += 2) {
      const key = list[i] as string;
      const value = list[i + 1];
      switch (key) {
        case 'span.kind': {
          const kind = KINDS[tagString(value).toLowerCase()];
          if (kind !== undefined) out.kind = kind;
          continue;
        }
        case 'peer.service':
          (remote ??= {}).serviceName = tagString(value);
          continue;
        case 'peer.ipv4': {
          const ip = ipv4(value);
          if (ip !== undefined) {
            (remote ??= {}).ipv4 = ip;
            continue;
          }
          break;
        }
        case 'peer.ipv6':
          (remote ??= {}).ipv6 = tagString(value);
          continue;
        case 'peer.port': {
          const port = Number(value);
          if (Number.isInteger(port) && port > 0 && port < 65536) {
            (remote ??= {}).port = port;
            continue;
          }
          break;
        }
        case 'error':
          if (value === false || value === 'false') continue;
          errorTag = value === true || value === 'true' ? (errorTag ?? 'true') : tagString(value);
          continue;
      }
      (tags ??= {})[key] = tagString(value);
    }
  }
  const logs = span.logList;
  if (logs !== null) {
    const annotations: Annotation[] = [];
    for (let i = 0; i < logs.length; i += 2) {
      const fields = logs[i + 1] as Record<string, unknown>;
      const message = errorMessage(fields);
      if (message !== undefined) errorTag = errorTag === undefined || errorTag === 'true' ? message : errorTag;
      annotations.push({ timestamp: logs[i] as number, value: message !== undefined ? 'error' : annotationValue(fields) });
    }
    out.annotations = annotations;
  }
  if (errorTag !== undefined) (tags ??= {}).error = errorTag;
  if (remote !== undefined) out.remoteEndpoint = remote;
  if (tags !== undefined) out.tags = tags;
  if (ctx.flags & 4) out.debug = true;
  return out;
}
