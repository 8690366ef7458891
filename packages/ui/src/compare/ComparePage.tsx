import { buildSpanTree, compareTraces, summarizeTrace, type Span, type TraceSummary } from '@skein/model';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, ApiError } from '../common/api.js';
import { serviceColor } from '../common/colors.js';
import { formatDuration } from '../common/format.js';
import { Link } from '../common/Link.js';
import { Message } from '../common/Message.js';
import { href, navigate, useLocation } from '../common/router.js';
import { readSpans } from '../common/spans-input.js';

type Loaded = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ok'; spans: Span[] };

function useTrace(id: string): Loaded {
  const [s, set] = useState<Loaded>({ kind: 'loading' });
  useEffect(() => {
    if (!/^[0-9a-fA-F]{1,32}$/.test(id)) { set({ kind: 'error', message: `“${id.slice(0, 80)}” is not a trace ID (16 or 32 hex characters).` }); return; }
    set({ kind: 'loading' });
    const ctl = new AbortController();
    api.trace(id, ctl.signal).then((json) => {
      const r = readSpans(json);
      set(r.spans.length ? { kind: 'ok', spans: r.spans } : { kind: 'error', message: `Trace ${id} has no readable spans.` });
    }).catch((err: unknown) => {
      if (err instanceof DOMException && err.name === 'AbortError') return;
      set({ kind: 'error', message: err instanceof ApiError && err.status === 404 ? `Trace ${id} was not found.` : String(err instanceof Error ? err.message : err) });
    });
    return () => ctl.abort();
  }, [id]);
  return s;
}

function Side(p: { label: string; id: string; sum: TraceSummary }) {
  return (
    <div className="cmp-side">
      <div className="muted">{p.label}</div>
      <Link to={`/traces/${p.id}`}><code>{p.id}</code></Link>
      <div><span className="svc-dot" style={{ background: serviceColor(p.sum.rootService) }} />{p.sum.rootService}: <b>{p.sum.rootName}</b></div>
      <div className="muted">{formatDuration(p.sum.duration)} · {p.sum.spanCount} spans · {p.sum.services.length} services · depth {p.sum.depth} · {p.sum.errorCount} errors</div>
    </div>
  );
}

/** /compare?a=&b= : two traces matched by service and operation, with count and duration differences. */
export function ComparePage() {
  const { params } = useLocation();
  const a = params.get('a') ?? '', b = params.get('b') ?? '';
  const [fa, setFa] = useState(a), [fb, setFb] = useState(b);
  const submit = (e: FormEvent): void => { e.preventDefault(); navigate(href('/compare', { a: fa.trim(), b: fb.trim() })); };
  return (
    <div className="cmp-page">
      <form className="toolbar" onSubmit={submit}>
        <label>Trace A <input value={fa} onChange={(e) => setFa(e.target.value)} placeholder="trace ID" data-testid="cmp-a" /></label>
        <label>Trace B <input value={fb} onChange={(e) => setFb(e.target.value)} placeholder="trace ID" data-testid="cmp-b" /></label>
        <button type="submit" className="primary" data-testid="cmp-go">Compare</button>
      </form>
      {a && b ? <Comparison a={a} b={b} /> : <Message kind="info" title="Enter two trace IDs to compare them." />}
    </div>
  );
}

function Comparison(p: { a: string; b: string }) {
  const ta = useTrace(p.a), tb = useTrace(p.b);
  const result = useMemo(() => {
    if (ta.kind !== 'ok' || tb.kind !== 'ok') return null;
    const x = buildSpanTree(ta.spans), y = buildSpanTree(tb.spans);
    return { sa: summarizeTrace(x), sb: summarizeTrace(y), cmp: compareTraces(x, y) };
  }, [ta, tb]);
  for (const [label, t] of [['A', ta], ['B', tb]] as const) if (t.kind === 'error') return <Message kind="error" title={`Trace ${label} could not be loaded.`} testId="cmp-error">{t.message}</Message>;
  if (!result) return <div className="loading">Loading both traces…</div>;
  const { sa, sb, cmp } = result;
  const max = Math.max(1, ...cmp.rows.map((r) => Math.max(r.durationA, r.durationB)));
  return (
    <section data-testid="cmp-result">
      <div className="cmp-sides">
        <Side label="A" id={p.a} sum={sa} />
        <div className="cmp-delta">
          <b className={sb.duration > sa.duration ? 'worse' : 'better'}>{sb.duration >= sa.duration ? '+' : ''}{formatDuration(sb.duration - sa.duration)}</b>
          <span className="muted">B − A</span>
          <span className="muted">{cmp.both} shared · {cmp.onlyA} only A · {cmp.onlyB} only B</span>
        </div>
        <Side label="B" id={p.b} sum={sb} />
      </div>
      <table className="cmp-table">
        <thead><tr><th>Service</th><th>Operation</th><th>A spans</th><th>B spans</th><th>A time</th><th className="cmp-bars-h">A vs B</th><th>B time</th><th>Δ time</th></tr></thead>
        <tbody>
          {cmp.rows.map((r) => (
            <tr key={`${r.service}\u0000${r.name}`} className={`cmp-${r.presence}`} data-presence={r.presence}>
              <td><span className="svc-dot" style={{ background: serviceColor(r.service) }} />{r.service}</td>
              <td>{r.name || '(no name)'}{r.presence !== 'both' ? <span className="pill">{r.presence === 'only-a' ? 'only in A' : 'only in B'}</span> : null}</td>
              <td className={r.countA !== r.countB ? 'num diff' : 'num'}>{r.countA}</td>
              <td className={r.countA !== r.countB ? 'num diff' : 'num'}>{r.countB}</td>
              <td className="num">{r.countA ? formatDuration(r.durationA) : '–'}</td>
              <td className="cmp-bars"><div className="bar-a" style={{ width: `${(r.durationA / max) * 100}%` }} /><div className="bar-b" style={{ width: `${(r.durationB / max) * 100}%` }} /></td>
              <td className="num">{r.countB ? formatDuration(r.durationB) : '–'}</td>
              <td className={`num ${r.delta > 0 ? 'worse' : r.delta < 0 ? 'better' : ''}`}>{r.delta > 0 ? '+' : ''}{formatDuration(r.delta)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
