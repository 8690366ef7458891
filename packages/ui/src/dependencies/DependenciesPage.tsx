import type { DependencyLink } from '@skein/model';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../common/api.js';
import { serviceColor } from '../common/colors.js';
import { Message } from '../common/Message.js';
import { setParam, useLocation } from '../common/router.js';
import { LOOKBACKS } from '../search/search-params.js';
import { DependencyGraph } from './DependencyGraph.js';
import { isErrorHeavy, layoutDependencies } from './layout.js';

type State = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ok'; links: DependencyLink[] };

/** /dependencies: the service graph for a time window; a selected service lists its callers and callees. */
export function DependenciesPage() {
  const { params } = useLocation();
  const lookback = params.get('lookback') ?? '1d';
  const endParam = params.get('endTs');
  const selected = params.get('service');
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [reload, setReload] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setState({ kind: 'loading' });
    const endTs = endParam && /^\d+$/.test(endParam) ? Number(endParam) : Date.now();
    api.dependencies(endTs, LOOKBACKS[lookback] ?? 86_400_000, ctl.signal)
      .then((links) => setState({ kind: 'ok', links: Array.isArray(links) ? links.filter((l) => l && typeof l.parent === 'string' && typeof l.child === 'string') : [] }))
      .catch((err: unknown) => {
        if (err instanceof DOMException && err.name === 'AbortError') return;
        setState({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
      });
    return () => ctl.abort();
  }, [lookback, endParam, reload]);

  const links = state.kind === 'ok' ? state.links : [];
  const layout = useMemo(() => layoutDependencies(links), [links]);
  const callers = links.filter((l) => l.child === selected).sort((a, b) => b.callCount - a.callCount);
  const callees = links.filter((l) => l.parent === selected).sort((a, b) => b.callCount - a.callCount);
  const heavy = layout.edges.filter(isErrorHeavy).length;
  const canvas = useRef<HTMLDivElement>(null);
  // Bring the selected service into view (the graph can be larger than the screen).
  useEffect(() => {
    const node = layout.nodes.find((x) => x.name === selected);
    const el = canvas.current;
    if (!node || !el) return;
    const inView = node.x >= el.scrollLeft && node.x + 170 <= el.scrollLeft + el.clientWidth && node.y >= el.scrollTop && node.y + 30 <= el.scrollTop + el.clientHeight;
    if (!inView) el.scrollTo({ left: Math.max(0, node.x - el.clientWidth / 3), top: Math.max(0, node.y - el.clientHeight / 2) });
  }, [selected, layout]);
  return (
    <div className="dep-page">
      <div className="toolbar">
        <label>Window
          <select value={lookback} onChange={(e) => setParam('lookback', e.target.value === '1d' ? null : e.target.value)} data-testid="dep-lookback">
            {Object.keys(LOOKBACKS).map((k) => <option key={k} value={k}>last {k}</option>)}
          </select>
        </label>
        {endParam ? <span className="muted">ending {new Date(Number(endParam)).toLocaleString()}</span> : null}
        <button type="button" onClick={() => setReload((r) => r + 1)}>Refresh</button>
        <span className="spacer" />
        {state.kind === 'ok' ? <span className="muted" data-testid="dep-stats">{layout.nodes.length} services · {links.length} links · {heavy} error-heavy</span> : null}
      </div>
      {state.kind === 'loading' ? <div className="loading">Loading dependencies…</div> : null}
      {state.kind === 'error' ? <Message kind="error" title="Could not load dependencies." testId="dep-error">{state.message}</Message> : null}
      {state.kind === 'ok' && links.length === 0 ? <Message kind="info" title="No service calls in this window." testId="dep-empty">Pick a longer window, or send traces that cross services.</Message> : null}
      {state.kind === 'ok' && links.length > 0 ? (
        <div className="dep-body">
          <div className="dep-canvas" ref={canvas}>
            <DependencyGraph layout={layout} selected={selected} onSelect={(s) => setParam('service', s)} labels={links.length <= 120} />
          </div>
          {selected ? (
            <aside className="detail dep-detail" data-testid="dep-detail">
              <header className="detail-head" style={{ borderColor: serviceColor(selected) }}><h2 className="detail-name">{selected}</h2>
                <button type="button" className="icon-button" onClick={() => setParam('service', null)} aria-label="Close">✕</button></header>
              <h3>Callers <span className="muted">{callers.length}</span></h3>
              <LinkTable links={callers} side="parent" />
              <h3>Callees <span className="muted">{callees.length}</span></h3>
              <LinkTable links={callees} side="child" />
            </aside>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function LinkTable(p: { links: DependencyLink[]; side: 'parent' | 'child' }) {
  if (p.links.length === 0) return <p className="muted">None.</p>;
  return (
    <table className="kv">
      <thead><tr><th>Service</th><td>Calls</td><td>Errors</td></tr></thead>
      <tbody>
        {p.links.map((l) => (
          <tr key={`${l.parent}>${l.child}`} className={(l.errorCount ?? 0) > 0 ? 'row-error' : ''}>
            <th><a href="#" onClick={(e) => { e.preventDefault(); setParam('service', l[p.side]); }}>{l[p.side]}</a></th>
            <td>{l.callCount}</td><td>{l.errorCount ?? 0}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
