import type { Span } from '@skein/model';
import {
  KIND_CLIENT,
  KIND_CONSUMER,
  KIND_INTERNAL,
  KIND_PRODUCER,
  KIND_SERVER,
  STATUS_ERROR,
  STATUS_OK,
  STATUS_UNSET,
  type OtlpAttribute,
  type OtlpEvent,
  type OtlpLink,
  type OtlpResourceSpans,
  type OtlpScopeSpans,
  type OtlpSpan,
} from './model.js';
import { localEndpoint, remoteEndpointOf } from './endpoints.js';
import { attributesFromJson } from './values.js';

const KIND_OF = { CLIENT: KIND_CLIENT, SERVER: KIND_SERVER, PRODUCER: KIND_PRODUCER, CONSUMER: KIND_CONSUMER } as const;
const LINK_KEY = /^otlp\.link\.\d+$/;
const LINK_VALUE = /^([0-9a-f]*)\|([0-9a-f]*)\|([^|]*)\|(\{.*\})\|(\d+)$/s;
const EVENT_VALUE = /^(.*)\|(\{.*\})\|(\d+)$/s;

/**
 * Maps Skein spans to OTLP, the reverse of toSkeinSpans: one ResourceSpans per local service
 * (service.name), one ScopeSpans per otel.scope.name/version, and the tags the decoder derives
 * (status, links, dropped counts, trace state) turned back into their OTLP fields.
 */
export function fromSkeinSpans(spans: readonly Span[]): OtlpResourceSpans[] {
  const resources = new Map<string, Map<string, OtlpScopeSpans>>();
  for (const span of spans) {
    const service = span.localEndpoint?.serviceName ?? '';
    let scopes = resources.get(service);
    if (scopes === undefined) resources.set(service, (scopes = new Map()));
    const tags = span.tags;
    const scopeName = tags?.['otel.scope.name'] ?? '';
    const scopeVersion = tags?.['otel.scope.version'] ?? '';
    const scopeKey = `${scopeName}\0${scopeVersion}`;
    let ss = scopes.get(scopeKey);
    if (ss === undefined) {
      ss = { scope: { name: scopeName, version: scopeVersion, attributes: [] }, spans: [] };
      scopes.set(scopeKey, ss);
    }
    ss.spans.push(toOtlpSpan(span));
  }
  const out: OtlpResourceSpans[] = [];
  for (const [service, scopes] of resources) {
    const attributes: OtlpAttribute[] = service === '' ? [] : [{ key: 'service.name', value: service }];
    out.push({ attributes, scopeSpans: [...scopes.values()] });
  }
  return out;
}

function pad(id: string, len: number): string {
  return id.length >= len ? id : id.padStart(len, '0');
}

function toOtlpSpan(span: Span): OtlpSpan {
  const tags = span.tags ?? {};
  const start = span.timestamp ?? 0;
  const end = start > 0 && span.duration !== undefined ? start + span.duration : 0;
  const s: OtlpSpan = {
    traceId: pad(span.traceId, 32),
    spanId: pad(span.id, 16),
    parentSpanId: span.parentId !== undefined ? pad(span.parentId, 16) : '',
    traceState: tags['w3c.tracestate'] ?? '',
    name: span.name ?? '',
    kind: span.kind !== undefined ? KIND_OF[span.kind] : KIND_INTERNAL,
    startUs: start,
    startRemNs: 0,
    endUs: end,
    endRemNs: 0,
    attributes: [],
    droppedAttributesCount: count(tags['otel.dropped_attributes_count']),
    events: [],
    droppedEventsCount: count(tags['otel.dropped_events_count']),
    links: [],
    droppedLinksCount: count(tags['otel.dropped_links_count']),
    statusCode: STATUS_UNSET,
    statusMessage: '',
  };

  const code = tags['otel.status_code'];
  const error = tags.error;
  const description = tags['otel.status_description'];
  let errorConsumed = false;
  if (code === 'ERROR' || (code === undefined && error !== undefined && error !== 'false')) {
    s.statusCode = STATUS_ERROR;
    s.statusMessage = description ?? (error !== undefined && error !== 'true' ? error : '');
    errorConsumed = error === undefined || error === 'true' || error === s.statusMessage;
  } else if (code === 'OK') {
    s.statusCode = STATUS_OK;
    s.statusMessage = description ?? '';
  } else if (description !== undefined) {
    s.statusMessage = description;
  }

  for (const key in tags) {
    const value = tags[key]!;
    switch (key) {
      case 'otel.scope.name':
      case 'otel.scope.version':
      case 'w3c.tracestate':
        continue;
      case 'otel.status_code':
        if (value === 'OK' || value === 'ERROR') continue;
        break;
      case 'otel.status_description':
        continue;
      case 'error':
        if (errorConsumed) continue;
        break;
      case 'otel.dropped_attributes_count':
      case 'otel.dropped_events_count':
      case 'otel.dropped_links_count':
        if (/^\d+$/.test(value)) continue;
        break;
      default:
        if (key.startsWith('otlp.link.') && LINK_KEY.test(key)) {
          const link = parseLink(value);
          if (link !== undefined) {
            s.links.push(link);
            continue;
          }
        }
    }
    s.attributes.push({ key, value });
  }

  addEndpointAttributes(s, span, tags);
  if (span.annotations !== undefined) {
    for (const a of span.annotations) s.events.push(toEvent(a.timestamp, a.value));
  }
  return s;
}

function count(text: string | undefined): number {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : 0;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function toEvent(timeUs: number, value: string): OtlpEvent {
  if (value.endsWith('}') || /\|\d+$/.test(value)) {
    const m = EVENT_VALUE.exec(value);
    const attrs = m !== null ? parseJsonObject(m[2]!) : undefined;
    // "name|{}|0" would decode back to just "name": keep such a value whole instead
    if (m !== null && attrs !== undefined && (Object.keys(attrs).length > 0 || m[3] !== '0')) {
      return { timeUs, name: m[1]!, attributes: attributesFromJson(attrs), droppedAttributesCount: Number(m[3]) };
    }
  }
  return { timeUs, name: value, attributes: [], droppedAttributesCount: 0 };
}

function parseLink(value: string): OtlpLink | undefined {
  const m = LINK_VALUE.exec(value);
  if (m === null || m[1]!.length !== 32 || m[2]!.length !== 16) return undefined;
  const attrs = parseJsonObject(m[4]!);
  if (attrs === undefined) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, traceState: m[3]!, attributes: attributesFromJson(attrs), droppedAttributesCount: Number(m[5]) };
}

/**
 * Adds peer/local address attributes for endpoint fields the decoder would not derive from the
 * tags already there, so decode(encode(span)) gives back the same endpoints without new tags.
 */
function addEndpointAttributes(s: OtlpSpan, span: Span, tags: Record<string, string>): void {
  const remote = span.remoteEndpoint;
  if (remote !== undefined) {
    const derived = remoteEndpointOf(tags, s.kind) ?? {};
    const name = remote.serviceName;
    if (name !== undefined && String(derived.serviceName ?? '').toLowerCase() !== name) {
      s.attributes.push({ key: 'peer.service', value: name });
    }
    const ip = remote.ipv4 ?? remote.ipv6;
    if (ip !== undefined && (derived.ipv4 ?? derived.ipv6) !== ip) s.attributes.push({ key: 'network.peer.address', value: ip });
    if (remote.port !== undefined && derived.port !== remote.port) s.attributes.push({ key: 'network.peer.port', value: remote.port });
  }
  const local = span.localEndpoint;
  if (local !== undefined) {
    const derived = localEndpoint('', tags);
    const ip = local.ipv4 ?? local.ipv6;
    if (ip !== undefined && (derived.ipv4 ?? derived.ipv6) !== ip) s.attributes.push({ key: 'network.local.address', value: ip });
    if (local.port !== undefined && derived.port !== local.port) s.attributes.push({ key: 'network.local.port', value: local.port });
  }
}
