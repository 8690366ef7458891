import { DependencyLinker } from '@skein/model';
import type { DependencyLink, Endpoint, Span, SpanKind } from '@skein/model';

const KINDS: readonly (SpanKind | undefined)[] = [undefined, 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];
const ZERO = '0000000000000000';

/**
 * What the dependency linker reads of a span, one TabSeparated line per span: trace (low 64 bits),
 * ids, kind, shared flag, local endpoint, remote service, and whether it has an error tag.
 */
export const LINK_SELECT = `lower(hex(trace_lo)), lower(hex(id)), lower(hex(parent_id)), kind, flags,
  local_service, local_ipv4, local_ipv6, local_port, remote_service, has(tag_keys, 'error')`;

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0', '\\': '\\', "'": "'" };

/** A TabSeparated field as text. */
function unescape(field: string): string {
  return field.includes('\\') ? field.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c) : field;
}

const pad = (hex: string): string => (hex.length === 16 ? hex : hex.padStart(16, '0'));

/** Links the traces in LINK_SELECT rows (TabSeparated text); identical rows count once. */
export function linkRows(tsv: string): DependencyLink[] {
  const byTrace = new Map<string, Span[]>();
  const seen = new Set<string>();
  for (const line of tsv.split('\n')) {
    if (line === '' || seen.has(line)) continue;
    seen.add(line);
    const f = line.split('\t');
    const [lo, id, parent, kind, flags, ls, l4, l6, lp, rs, err] = f as [string, string, string, string, string, string, string, string, string, string, string];
    const s: Span = { traceId: lo, id: pad(id) };
    const p = pad(parent);
    if (p !== ZERO) s.parentId = p;
    const k = KINDS[Number(kind)];
    if (k !== undefined) s.kind = k;
    if ((Number(flags) & 2) !== 0) s.shared = true;
    if (ls !== '' || l4 !== '' || l6 !== '' || lp !== '0') {
      const e: Endpoint = {};
      if (ls !== '') e.serviceName = unescape(ls);
      if (l4 !== '') e.ipv4 = l4;
      if (l6 !== '') e.ipv6 = l6;
      if (lp !== '0') e.port = Number(lp);
      s.localEndpoint = e;
    }
    if (rs !== '') s.remoteEndpoint = { serviceName: unescape(rs) };
    if (err === '1') s.tags = { error: '' };
    const g = byTrace.get(lo);
    if (g === undefined) byTrace.set(lo, [s]);
    else g.push(s);
  }
  const linker = new DependencyLinker();
  for (const trace of byTrace.values()) linker.putTrace(trace);
  return linker.link();
}
