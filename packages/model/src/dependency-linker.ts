import type { DependencyLink, Endpoint, Span, SpanKind } from './span.js';

// Service dependency links from traces, with the rules of Zipkin's DependencyLinker: each trace is
// cleaned (pieces of one span merged), turned into a span tree, and walked breadth-first. Links
// come from SERVER/CONSUMER spans (parent = caller) and from leaf CLIENT/PRODUCER spans (child =
// remote service, which covers uninstrumented servers and brokers).

interface Node {
  readonly span: Span | undefined;
  parent: Node | undefined;
  children: Node[];
}

function newNode(span: Span | undefined): Node {
  return { span, parent: undefined, children: [] };
}

function endpointKey(e: Endpoint | undefined): string {
  if (e === undefined) return '';
  return `\u0001${e.serviceName ?? ''}\u0001${e.ipv4 ?? ''}\u0001${e.ipv6 ?? ''}\u0001${e.port ?? 0}`;
}

/** A span id qualified by endpoint when shared: a server may reuse (share) its client's id. */
function nodeKey(id: string, shared: boolean, endpoint: Endpoint | undefined): string {
  return shared ? `${id}\u0000${endpointKey(endpoint)}` : id;
}

function compareOptional(a: string | undefined, b: string | undefined): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders pieces so that merge candidates are adjacent: by id, unshared (client first), endpoint. */
function cleanupOrder(a: Span, b: Span): number {
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  const as = a.shared === true, bs = b.shared === true;
  if (as !== bs) return as ? 1 : -1;
  if (!as) {
    const ac = a.kind === 'CLIENT', bc = b.kind === 'CLIENT';
    if (ac !== bc) return ac ? -1 : 1;
  }
  const ae = a.localEndpoint, be = b.localEndpoint;
  if (ae === undefined || be === undefined) return ae === be ? 0 : ae === undefined ? -1 : 1;
  return compareOptional(ae.serviceName, be.serviceName)
    || compareOptional(ae.ipv4, be.ipv4)
    || compareOptional(ae.ipv6, be.ipv6);
}

/** Tracks an endpoint sent in pieces; refuses a piece that names a different host or service. */
class EndpointTracker {
  private readonly merged: Endpoint = {};

  tryMerge(e: Endpoint | undefined): boolean {
    if (e === undefined) return true;
    const m = this.merged;
    if (m.serviceName !== undefined && e.serviceName !== undefined && m.serviceName !== e.serviceName) return false;
    if (m.ipv4 !== undefined && e.ipv4 !== undefined && m.ipv4 !== e.ipv4) return false;
    if (m.ipv6 !== undefined && e.ipv6 !== undefined && m.ipv6 !== e.ipv6) return false;
    if (m.port !== undefined && e.port !== undefined && m.port !== e.port) return false;
    Object.assign(m, { ...e, ...m });
    return true;
  }
}

function mergeEndpoint(a: Endpoint | undefined, b: Endpoint | undefined): Endpoint | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return { ...b, ...a };
}

/** Merges a later piece into a span: absent fields are filled, tags are united. */
function mergePiece(into: Span, piece: Span): Span {
  const merged: Span = { ...piece, ...into };
  const local = mergeEndpoint(into.localEndpoint, piece.localEndpoint);
  const remote = mergeEndpoint(into.remoteEndpoint, piece.remoteEndpoint);
  if (local !== undefined) merged.localEndpoint = local;
  if (remote !== undefined) merged.remoteEndpoint = remote;
  if (into.tags !== undefined || piece.tags !== undefined) merged.tags = { ...into.tags, ...piece.tags };
  if (into.annotations !== undefined || piece.annotations !== undefined) {
    merged.annotations = [...(into.annotations ?? []), ...(piece.annotations ?? [])];
  }
  return merged;
}

/** Merges pieces of the same span and backfills what servers forget (shared flag, parent id). */
function cleanTrace(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort(cleanupOrder);
  const result: Span[] = [];
  let last: Span | undefined;
  for (let i = 0; i < sorted.length; i++) {
    let span = sorted[i] as Span;
    let shared = span.shared === true;
    let tracker: EndpointTracker | undefined;
    while (i + 1 < sorted.length) {
      const next = sorted[i + 1] as Span;
      if (next.id !== span.id) break;
      if (tracker === undefined) {
        tracker = new EndpointTracker();
        tracker.tryMerge(span.localEndpoint);
      }
      if (shared !== (next.shared === true) || !tracker.tryMerge(next.localEndpoint)) break;
      span = mergePiece(span, next);
      i++;
    }
    if (last !== undefined && last.id === span.id) {
      if (last.kind === 'CLIENT' && span.kind === 'SERVER' && !shared) {
        shared = true;
        span = { ...span, shared: true };
      }
      if (shared && span.parentId === undefined && last.parentId !== undefined) {
        span = { ...span, parentId: last.parentId };
      }
    }
    result.push(span);
    last = span;
  }
  return result;
}

/** Builds the span tree of one trace; the root is synthetic (no span) when no root span exists. */
function buildTree(spans: readonly Span[]): Node {
  const cleaned = cleanTrace(spans);
  const spanToParent = new Map<string, string | undefined>();
  const keyToNode = new Map<string, Node>();
  // Ids of shared spans, and their keys by index in cleaned (only shared spans have compound keys).
  let sharedIds: Set<string> | undefined;
  const sharedKeys: string[] = [];
  for (let i = 0; i < cleaned.length; i++) {
    const span = cleaned[i] as Span;
    if (span.shared === true) {
      const key = nodeKey(span.id, true, span.localEndpoint);
      (sharedIds ??= new Set()).add(span.id);
      sharedKeys[i] = key;
      spanToParent.set(key, span.id);
    } else spanToParent.set(span.id, span.parentId);
  }
  let root: Node | undefined;
  for (let i = 0; i < cleaned.length; i++) {
    const span = cleaned[i] as Span;
    const shared = span.shared === true;
    const endpoint = span.localEndpoint;
    const key = shared ? (sharedKeys[i] as string) : span.id;
    const noEndpointKey = endpoint !== undefined ? nodeKey(span.id, shared, undefined) : key;
    let parent: string | undefined;
    if (shared) {
      parent = span.id; // a shared (server) span's parent is the client with the same id
    } else if (span.parentId !== undefined) {
      // Prefer a shared server span on the same endpoint as parent (a local span inside a server).
      // Only a shared span's key can match, so the key is built only when the parent id is one.
      const sharedParent = sharedIds?.has(span.parentId) === true ? nodeKey(span.parentId, true, endpoint) : undefined;
      if (sharedParent !== undefined && spanToParent.has(sharedParent)) {
        spanToParent.set(noEndpointKey, sharedParent);
        parent = sharedParent;
      } else {
        parent = span.parentId;
      }
    }
    const node = newNode(span);
    if (parent === undefined && root === undefined) {
      root = node;
      spanToParent.delete(noEndpointKey);
    } else {
      keyToNode.set(noEndpointKey, node);
      if (shared) keyToNode.set(key, node);
    }
  }
  const tree = root ?? newNode(undefined);
  for (const [childKey, parentKey] of spanToParent) {
    const child = keyToNode.get(childKey);
    if (child === undefined || child === tree || child.parent !== undefined) continue;
    const parent = (parentKey !== undefined ? keyToNode.get(parentKey) : undefined) ?? tree;
    if (parent === child) continue;
    parent.children.push(child);
    child.parent = parent;
  }
  return tree;
}

function byTimestamp(a: Node, b: Node): number {
  return (a.span?.timestamp ?? 0) - (b.span?.timestamp ?? 0);
}

function firstRemoteAncestor(node: Node): Span | undefined {
  for (let a = node.parent; a !== undefined; a = a.parent) {
    if (a.span !== undefined && a.span.kind !== undefined) return a.span;
  }
  return undefined;
}

function isError(span: Span): boolean {
  return span.tags !== undefined && Object.prototype.hasOwnProperty.call(span.tags, 'error');
}

/** Accumulates dependency links over traces; call putTrace per trace, then link(). */
export class DependencyLinker {
  /** Links in the order first seen, and the same entries by parent then child (no key string to build per call). */
  private readonly calls: { parent: string; child: string; calls: number; errors: number }[] = [];
  private readonly byParent = new Map<string, Map<string, { parent: string; child: string; calls: number; errors: number }>>();

  /** Adds the links of one trace; all spans must share a trace id (or its low 64 bits). */
  putTrace(spans: readonly Span[]): this {
    if (spans.length === 0) return this;
    const tree = buildTree(spans);
    const queue: Node[] = tree.span === undefined ? [...tree.children] : [tree];
    for (let q = 0; q < queue.length; q++) {
      const node = queue[q] as Node;
      if (node.children.length > 1) node.children.sort(byTimestamp);
      for (const c of node.children) queue.push(c);
      this.linkNode(node, node === tree);
    }
    return this;
  }

  private linkNode(node: Node, isRoot: boolean): void {
    const span = node.span as Span;
    let kind: SpanKind | undefined = span.kind;
    // A client with children defers to the server below it, which knows its own name.
    if (kind === 'CLIENT' && node.children.length > 0) return;
    const service = span.localEndpoint?.serviceName || undefined;
    const remote = span.remoteEndpoint?.serviceName || undefined;
    if (kind === undefined) {
      if (service === undefined || remote === undefined) return;
      kind = 'CLIENT'; // a span that knows both sides is treated as a client
    }
    let parent: string | undefined;
    let child: string | undefined;
    if (kind === 'SERVER' || kind === 'CONSUMER') {
      child = service;
      parent = remote;
      if (isRoot && parent === undefined) return;
    } else {
      parent = service;
      child = remote;
    }
    let error = isError(span);
    if (kind === 'PRODUCER' || kind === 'CONSUMER') {
      // Messaging links go through the broker (the remote service); never producer → consumer.
      if (parent !== undefined && child !== undefined) this.add(parent, child, error);
      return;
    }
    const ancestor = firstRemoteAncestor(node);
    const ancestorName = ancestor?.localEndpoint?.serviceName || undefined;
    if (ancestor !== undefined && ancestorName !== undefined) {
      if (kind === 'CLIENT' && service !== undefined && ancestorName !== service) {
        this.add(ancestorName, service, false); // the client span of this hop was never reported
      }
      if (kind === 'SERVER' || parent === undefined) parent = ancestorName;
      if (!error && ancestor.kind === 'CLIENT' && span.parentId !== undefined && span.parentId === ancestor.id) {
        error = isError(ancestor);
      }
    }
    if (parent === undefined || child === undefined) return;
    this.add(parent, child, error);
  }

  /** Counts one call from parent to child (with an error or not), as a trace put here would. */
  putLink(parent: string, child: string, error: boolean): this {
    this.add(parent, child, error);
    return this;
  }

  private add(parent: string, child: string, error: boolean): void {
    let children = this.byParent.get(parent);
    if (children === undefined) this.byParent.set(parent, (children = new Map()));
    let entry = children.get(child);
    if (entry === undefined) {
      entry = { parent, child, calls: 0, errors: 0 };
      children.set(child, entry);
      this.calls.push(entry);
    }
    entry.calls++;
    if (error) entry.errors++;
  }

  /** The links accumulated so far; errorCount is present only when non-zero. */
  link(): DependencyLink[] {
    return this.calls.map(toLink);
  }
}

function toLink(e: { parent: string; child: string; calls: number; errors: number }): DependencyLink {
  const link: DependencyLink = { parent: e.parent, child: e.child, callCount: e.calls };
  if (e.errors > 0) link.errorCount = e.errors;
  return link;
}

/** Dependency links of the given traces (each a list of spans of one trace). */
export function linkDependencies(traces: Iterable<readonly Span[]>): DependencyLink[] {
  const linker = new DependencyLinker();
  for (const trace of traces) linker.putTrace(trace);
  return linker.link();
}

/** Sums links with the same parent and child (e.g. links computed per time bucket). */
export function mergeDependencyLinks(links: Iterable<DependencyLink>): DependencyLink[] {
  const sums = new Map<string, { parent: string; child: string; calls: number; errors: number }>();
  for (const l of links) {
    const key = `${l.parent}\u0000${l.child}`;
    let e = sums.get(key);
    if (e === undefined) sums.set(key, (e = { parent: l.parent, child: l.child, calls: 0, errors: 0 }));
    e.calls += l.callCount;
    e.errors += l.errorCount ?? 0;
  }
  return [...sums.values()].map(toLink);
}

/**
 * Links less those of `minus` (links of some of the same traces): calls and errors per
 * parent/child pair taken off, pairs left with no calls dropped.
 */
export function subtractDependencyLinks(from: Iterable<DependencyLink>, minus: Iterable<DependencyLink>): DependencyLink[] {
  const taken = new Map<string, DependencyLink>();
  for (const l of minus) taken.set(`${l.parent}\u0000${l.child}`, l);
  const out: DependencyLink[] = [];
  for (const l of from) {
    const t = taken.get(`${l.parent}\u0000${l.child}`);
    const calls = l.callCount - (t?.callCount ?? 0);
    if (calls > 0) out.push(toLink({ parent: l.parent, child: l.child, calls, errors: (l.errorCount ?? 0) - (t?.errorCount ?? 0) }));
  }
  return out;
}
