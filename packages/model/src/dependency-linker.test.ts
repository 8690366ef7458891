import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DependencyLinker, linkDependencies, mergeDependencyLinks, subtractDependencyLinks } from './dependency-linker.js';
import type { DependencyLink, Span, SpanKind } from './span.js';

function span(
  parentId: string | undefined, id: string, kind: SpanKind | undefined,
  local: string | undefined, remote: string | undefined, error = false,
): Span {
  const s: Span = { traceId: '000000000000000a', id: id.padStart(16, '0') };
  if (parentId !== undefined) s.parentId = parentId.padStart(16, '0');
  if (kind !== undefined) s.kind = kind;
  if (local !== undefined) s.localEndpoint = { serviceName: local };
  if (remote !== undefined) s.remoteEndpoint = { serviceName: remote };
  if (error) s.tags = { error: '' };
  return s;
}

function link(parent: string, child: string, callCount: number, errorCount = 0): DependencyLink {
  return errorCount > 0 ? { parent, child, callCount, errorCount } : { parent, child, callCount };
}

const sorted = (links: DependencyLink[]): DependencyLink[] =>
  [...links].sort((a, b) => `${a.parent}/${a.child}`.localeCompare(`${b.parent}/${b.child}`));

function fixture(name: string): Span[] {
  return JSON.parse(readFileSync(new URL(`../testdata/zipkin-lens/${name}.json`, import.meta.url), 'utf8')) as Span[];
}

// Reported in reverse, as instrumentation usually does (children finish first).
const TRACE: Span[] = [
  span('b', 'c', 'CLIENT', 'app', 'db', true),
  { ...span('a', 'b', 'SERVER', 'app', 'web'), shared: true },
  span('a', 'b', 'CLIENT', 'web', 'app'),
  span(undefined, 'a', 'SERVER', 'web', undefined),
];

describe('linkDependencies', () => {
  it('returns nothing for no traces or an empty trace', () => {
    expect(linkDependencies([])).toEqual([]);
    expect(linkDependencies([[]])).toEqual([]);
  });

  it('links client and shared server spans, counting errors from the error tag', () => {
    expect(linkDependencies([TRACE])).toEqual([link('web', 'app', 1), link('app', 'db', 1, 1)]);
  });

  it('does not rely on trace id = root span id', () => {
    expect(linkDependencies([TRACE.map((s) => ({ ...s, traceId: '0000000000000123' }))]))
      .toEqual([link('web', 'app', 1), link('app', 'db', 1, 1)]);
  });

  it('resolves a shared server span whose parent id was not propagated', () => {
    const trace = [
      { ...span(undefined, 'b', 'SERVER', 'link', 'arn'), shared: true },
      span('a', 'b', 'CLIENT', 'arn', 'link'),
      span(undefined, 'a', 'SERVER', 'arn', undefined),
    ];
    expect(linkDependencies([trace])).toEqual([link('arn', 'link', 1)]);
  });

  it('links a lost client through the orphan shared server span', () => {
    const { parentId: _dropped, ...orphan } = TRACE[1] as Span;
    const trace = [TRACE[0] as Span, orphan, TRACE[3] as Span];
    expect(sorted(linkDependencies([trace]))).toEqual(sorted([link('web', 'app', 1), link('app', 'db', 1, 1)]));
  });

  it('links messaging spans only through the broker', () => {
    expect(linkDependencies([[span(undefined, 'a', 'PRODUCER', 'producer', undefined), span('a', 'b', 'CONSUMER', 'consumer', 'kafka')]]))
      .toEqual([link('kafka', 'consumer', 1)]);
    expect(linkDependencies([[span(undefined, 'a', 'PRODUCER', 'producer', 'kafka'), span('a', 'b', 'CONSUMER', 'consumer', undefined)]]))
      .toEqual([link('producer', 'kafka', 1)]);
    expect(linkDependencies([[span(undefined, 'a', 'PRODUCER', 'producer', 'kafka1'), span('a', 'b', 'CONSUMER', 'consumer', 'kafka2')]]))
      .toEqual([link('producer', 'kafka1', 1), link('kafka2', 'consumer', 1)]);
    expect(linkDependencies([[span(undefined, 'a', 'PRODUCER', 'producer', undefined), span('a', 'b', 'CONSUMER', 'consumer', undefined)]]))
      .toEqual([]);
  });

  it('links a producer to a server that handled its message as an RPC', () => {
    expect(linkDependencies([[span(undefined, 'a', 'PRODUCER', 'producer', undefined), span('a', 'b', 'SERVER', 'server', undefined)]]))
      .toEqual([link('producer', 'server', 1)]);
    expect(linkDependencies([[span(undefined, 'a', 'PRODUCER', 'producer', undefined), { ...span(undefined, 'a', 'SERVER', 'server', undefined), shared: true }]]))
      .toEqual([link('producer', 'server', 1)]);
  });

  it('does not link a client to a consumer', () => {
    expect(linkDependencies([[span(undefined, 'a', 'CLIENT', 'client', undefined), span('a', 'b', 'CONSUMER', 'consumer', undefined)]]))
      .toEqual([]);
  });

  it('links a lone root span that knows its peer, directed by kind', () => {
    expect(linkDependencies([[span(undefined, 'a', 'SERVER', 'server', 'client')]])).toEqual([link('client', 'server', 1)]);
    expect(linkDependencies([[span(undefined, 'a', 'CLIENT', 'client', 'server')]])).toEqual([link('client', 'server', 1)]);
  });

  it('counts each call, across spans and across traces', () => {
    const trace = [
      span(undefined, 'a', 'SERVER', 'client', undefined),
      span('a', 'b', 'CLIENT', undefined, 'server'),
      span('a', 'c', 'CLIENT', undefined, 'server'),
    ];
    expect(linkDependencies([trace])).toEqual([link('client', 'server', 2)]);
    expect(linkDependencies([trace.slice(0, 2), trace.slice(0, 2)])).toEqual([link('client', 'server', 2)]);
  });

  it('counts a call once when both sides are reported, and one error when both sides failed', () => {
    expect(linkDependencies([[span(undefined, 'a', 'CLIENT', 'client', undefined, true), span('a', 'b', 'SERVER', 'server', undefined, true)]]))
      .toEqual([link('client', 'server', 1, 1)]);
    expect(linkDependencies([[span(undefined, 'a', 'CLIENT', 'client', undefined, true), { ...span(undefined, 'a', 'SERVER', 'server', undefined, true), shared: true }]]))
      .toEqual([link('client', 'server', 1, 1)]);
  });

  it('prefers the server name over the name the client chose', () => {
    const trace = [
      span(undefined, 'a', 'CLIENT', 'client', 'server-as-client-calls-it'),
      span('a', 'b', 'SERVER', 'server', undefined),
      span('a', 'c', 'SERVER', 'server', undefined),
    ];
    expect(linkDependencies([trace])).toEqual([link('client', 'server', 2)]);
  });

  it('links clients below a local span to the nearest server', () => {
    const trace = [
      span(undefined, 'a', 'SERVER', 'client', undefined),
      span('a', 'b', undefined, undefined, undefined),
      span('b', 'c', 'CLIENT', 'server', undefined, true),
      span('b', 'd', 'CLIENT', 'server', undefined, true),
    ];
    // No remote side is known, so the errors cannot be attributed to a link.
    expect(linkDependencies([trace])).toEqual([link('client', 'server', 2)]);
  });

  it('counts errors on instrumented links', () => {
    const trace = [
      span(undefined, 'a', 'SERVER', 'foo', undefined),
      span('a', 'b', undefined, undefined, undefined),
      span('b', 'c', 'CLIENT', 'bar', 'baz', true),
      span('b', 'd', 'CLIENT', 'bar', 'baz'),
    ];
    expect(linkDependencies([trace])).toEqual([link('foo', 'bar', 2), link('bar', 'baz', 2, 1)]);
  });

  it('does not treat an annotation named error as an error', () => {
    const s = { ...span('b', 'c', 'CLIENT', 'foo', 'bar'), annotations: [{ timestamp: 1, value: 'error' }] };
    expect(linkDependencies([[s]])).toEqual([link('foo', 'bar', 1)]);
  });

  it('links loopback spans', () => {
    expect(linkDependencies([[span(undefined, 'a', 'SERVER', 'service', 'service')]])).toEqual([link('service', 'service', 1)]);
    expect(linkDependencies([[span(undefined, 'b', 'CLIENT', 'service', 'service')]])).toEqual([link('service', 'service', 1)]);
  });

  it('treats spans without kind but with both endpoints as clients', () => {
    const trace = [
      span(undefined, 'a', undefined, 'some-client', 'web'),
      span('a', 'b', undefined, 'web', 'app', true),
      span('b', 'c', undefined, 'app', 'db'),
    ];
    expect(linkDependencies([trace])).toEqual([link('some-client', 'web', 1), link('web', 'app', 1, 1), link('app', 'db', 1)]);
  });

  it('cannot link a single span without both service names', () => {
    for (const s of [
      span(undefined, 'a', 'SERVER', undefined, undefined),
      span(undefined, 'a', 'SERVER', 'server', undefined),
      span(undefined, 'a', 'SERVER', undefined, 'client'),
      span(undefined, 'a', 'CLIENT', undefined, undefined),
      span(undefined, 'a', 'CLIENT', 'client', undefined),
      span(undefined, 'a', 'CLIENT', undefined, 'server'),
    ]) {
      expect(linkDependencies([[s]])).toEqual([]);
    }
  });

  it('links related spans but not unrelated ones when the root is missing', () => {
    expect(linkDependencies([[span('a', 'b', 'SERVER', 'service1', undefined), span('a', 'c', 'SERVER', 'service2', undefined)]]))
      .toEqual([]);
    expect(linkDependencies([[span('a', 'b', 'SERVER', 'service1', undefined), span('b', 'c', 'SERVER', 'service2', undefined)]]))
      .toEqual([link('service1', 'service2', 1)]);
  });

  it('backfills a link for a missing client span', () => {
    expect(linkDependencies([[span(undefined, 'a', 'SERVER', 'web', undefined), span('a', 'b', 'CLIENT', 'app', undefined)]]))
      .toEqual([link('web', 'app', 1)]);
  });

  it('counts a span reported twice (or in pieces) once', () => {
    const once = linkDependencies([TRACE]);
    expect(linkDependencies([[...TRACE, ...TRACE]])).toEqual(once);
    const pieces = [
      ...TRACE,
      { traceId: '000000000000000a', id: '000000000000000c', timestamp: 5, duration: 1 },
    ];
    expect(linkDependencies([pieces])).toEqual(once);
  });

  it('does not hang on a parent cycle', () => {
    expect(linkDependencies([[span('b', 'a', 'SERVER', 'x', 'y'), span('a', 'b', 'SERVER', 'y', 'x')]])).toEqual([]);
  });

  it('links real traces from Zipkin test data', () => {
    expect(linkDependencies([fixture('messaging')])).toEqual([link('frontend', 'rabbitmq', 1), link('rabbitmq', 'backend', 1)]);
    expect(linkDependencies([fixture('skew')])).toEqual([link('servicea', 'serviceb', 1)]);
    expect(sorted(linkDependencies([fixture('messaging-kafka')]))).toEqual(
      sorted([link('kafka', 'servicea', 4), link('servicea', 'kafka', 9), link('kafka', 'serviceb', 3)]),
    );
    expect(sorted(linkDependencies([fixture('messaging2')]))).toEqual(sorted([
      link('mobile-gateway', 'auth-service', 1), link('mobile-gateway', 'transfer-service', 2),
      link('transfer-service', 'rabbitmq', 1), link('rabbitmq', 'notification-service', 1),
    ]));
    expect(linkDependencies([fixture('simple-db-p6')])).toEqual([link('bootifulmeters', 'app_db', 4)]);
    const big = linkDependencies([fixture('smartthings-mobile-web-install')]);
    expect(big).toContainEqual(link('execution', 'alice', 1, 1));
    // Regression pin for the 1,041-span trace (577 calls across 32 links, as linked on first run).
    expect(big.length).toBe(32);
    expect(big.reduce((n, l) => n + l.callCount, 0)).toBe(577);
  });

  it('links incrementally with the DependencyLinker class', () => {
    const linker = new DependencyLinker().putTrace(TRACE).putTrace(fixture('skew'));
    expect(sorted(linker.link())).toEqual(sorted([link('web', 'app', 1), link('app', 'db', 1, 1), link('servicea', 'serviceb', 1)]));
  });
});

describe('mergeDependencyLinks', () => {
  it('sums calls and errors per parent/child pair', () => {
    expect(mergeDependencyLinks([link('foo', 'bar', 2, 1), link('foo', 'bar', 2, 2), link('foo', 'foo', 1)]))
      .toEqual([link('foo', 'bar', 4, 3), link('foo', 'foo', 1)]);
  });
});

describe('subtractDependencyLinks', () => {
  it('takes calls and errors off per parent/child pair and drops pairs left with no calls', () => {
    const all = [link('foo', 'bar', 4, 3), link('foo', 'foo', 1), link('bar', 'baz', 2, 1)];
    expect(subtractDependencyLinks(all, [link('foo', 'bar', 1, 3), link('foo', 'foo', 1), link('bar', 'baz', 1)]))
      .toEqual([link('foo', 'bar', 3), link('bar', 'baz', 1, 1)]);
  });

  it('gives what linking the rest gives', () => {
    const rest = [TRACE];
    const outside = [fixture('skew')];
    const all = linkDependencies([...rest, ...outside]);
    expect(sorted(subtractDependencyLinks(all, linkDependencies(outside)))).toEqual(sorted(linkDependencies(rest)));
  });
});
