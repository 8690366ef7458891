import { buildSpanTree, criticalPath, summarizeTrace, visibleRows, type Span } from '@skein/model';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Message } from '../common/Message.js';
import { setParam, useLocation } from '../common/router.js';
import { formatDuration } from '../common/format.js';
import { MiniMap, minimapRowsHeight } from './MiniMap.js';
import { SpanDetail } from './SpanDetail.js';
import { TimeAxis } from './TimeAxis.js';
import { TraceHeader } from './TraceHeader.js';
import { Waterfall } from './Waterfall.js';
import { ROW_HEIGHT } from './WaterfallRow.js';
import { criticalSpans, matchSpans, segmentsByNode } from './view-model.js';

/** The URL key of a span: its id, marked when it is the server half of an id shared with its client. */
function spanKey(s: Span): string {
  return s.shared ? `${s.id}~server` : s.id;
}

function findSpan(spans: readonly Span[], key: string): number {
  const shared = key.endsWith('~server');
  const id = shared ? key.slice(0, -7) : key;
  const exact = spans.findIndex((s) => s.id === id && Boolean(s.shared) === shared);
  return exact >= 0 ? exact : spans.findIndex((s) => s.id === id);
}

/** A whole trace: header, mini-map, waterfall and span detail. Page state (span, search, toggles) is in the URL. */
export function TraceView(p: { spans: readonly Span[]; source: string; notes?: string[] }) {
  const { params } = useLocation();
  const skew = params.get('skew') !== '0';
  const showCp = params.get('cp') === '1';
  const query = params.get('q') ?? '';
  const openId = params.get('span');

  const tree = useMemo(() => {
    const t = buildSpanTree(p.spans, { correctSkew: skew });
    performance.mark('skein:tree-built');
    return t;
  }, [p.spans, skew]);
  const summary = useMemo(() => summarizeTrace(tree), [tree]);
  const [collapsed, setCollapsed] = useState(() => new Uint8Array(tree.spans.length));
  const [version, setVersion] = useState(0);
  useEffect(() => { setCollapsed(new Uint8Array(tree.spans.length)); }, [tree]);
  const rows = useMemo(() => {
    void version;
    return collapsed.length === tree.spans.length ? visibleRows(tree, collapsed) : tree.order;
  }, [tree, collapsed, version]);

  // The zoomed time window lives in the URL as "from-to", µs offsets from the trace start.
  const zoom = /^(\d+)-(\d+)$/.exec(params.get('zoom') ?? '');
  const win: [number, number] | null = zoom && Number(zoom[2]) > Number(zoom[1])
    ? [summary.start + Number(zoom[1]), summary.start + Number(zoom[2])] : null;
  const setWin = (w: [number, number] | null): void =>
    setParam('zoom', w ? `${Math.round(w[0] - summary.start)}-${Math.round(w[1] - summary.start)}` : null);
  const from = win ? win[0] : summary.start;
  const to = win ? win[1] : summary.end;

  const cp = useMemo(() => (showCp ? criticalPath(tree) : null), [tree, showCp]);
  const segs = useMemo(() => (cp ? segmentsByNode(cp, tree.spans.length) : null), [cp, tree]);

  const [searchText, setSearchText] = useState(query);
  useEffect(() => {
    const t = setTimeout(() => setParam('q', searchText || null), 200);
    return () => clearTimeout(t);
  }, [searchText]);
  const matches = useMemo(() => matchSpans(tree, query), [tree, query]);

  const selected = useMemo(() => (openId ? findSpan(tree.spans, openId) : -1), [tree, openId]);
  const [cursor, setCursor] = useState(-1);
  const scroller = useRef<HTMLDivElement>(null);
  const band = useRef<HTMLDivElement>(null);
  // Arrow keys work as soon as a trace opens.
  useEffect(() => { scroller.current?.focus({ preventScroll: true }); }, [tree]);

  const onToggle = useCallback((node: number) => {
    setCollapsed((c) => { c[node] = c[node] ? 0 : 1; return c; });
    setVersion((v) => v + 1);
  }, []);
  const onSelect = useCallback((node: number) => {
    setCursor(node);
    const s = tree.spans[node];
    setParam('span', s ? spanKey(s) : null);
  }, [tree]);
  const onViewport = useCallback((a: number, b: number, total: number) => {
    const el = band.current;
    if (!el) return;
    const h = minimapRowsHeight(total);
    el.style.top = `${(a / Math.max(total, 1)) * h}px`;
    el.style.height = `${Math.max(2, ((b - a) / Math.max(total, 1)) * h)}px`;
  }, []);

  const reveal = useCallback((node: number) => {
    let changed = false;
    for (let q = tree.parent[node] as number; q >= 0; q = tree.parent[q] as number) if (collapsed[q]) { collapsed[q] = 0; changed = true; }
    if (changed) setVersion((v) => v + 1);
    setCursor(node);
    requestAnimationFrame(() => {
      const r = visibleRows(tree, collapsed).indexOf(node);
      const el = scroller.current;
      if (el && r >= 0) el.scrollTop = Math.max(0, r * ROW_HEIGHT - el.clientHeight / 3);
    });
  }, [tree, collapsed]);

  const nextMatch = (): void => {
    if (!matches || matches.count === 0) return;
    const n = tree.order.length;
    const startPos = cursor >= 0 ? (tree.position[cursor] as number) + 1 : 0;
    for (let k = 0; k < n; k++) {
      const node = tree.order[(startPos + k) % n] as number;
      if (matches.flags[node]) { reveal(node); return; }
    }
  };
  const cpList = useMemo(() => (cp ? criticalSpans(cp) : []), [cp]);
  const nextCritical = (): void => {
    if (cpList.length === 0) return;
    const at = cpList.indexOf(cursor);
    const node = cpList[(at + 1) % cpList.length] as number;
    reveal(node);
    onSelect(node);
  };

  const download = (): void => {
    const blob = new Blob([JSON.stringify(p.spans)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `trace-${summary.traceId || 'upload'}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };
  const setAll = (value: 0 | 1): void => {
    for (let i = 0; i < collapsed.length; i++) collapsed[i] = value && (tree.childStart[i + 1] as number) > (tree.childStart[i] as number) && tree.parent[i] !== -1 ? 1 : 0;
    setVersion((v) => v + 1);
  };

  const selSpan = selected >= 0 ? tree.spans[selected] : undefined;
  return (
    <div className="trace-page">
      <TraceHeader summary={summary} source={p.source} />
      {(p.notes ?? []).map((n) => <Message key={n} kind="warn" title={n} />)}
      {tree.problems.length > 0 ? (
        <Message kind="warn" title="Parts of this trace are malformed; everything that could be placed is shown." testId="tree-problems">
          <ul>{tree.problems.map((x) => <li key={x.code}>{x.count} {x.count === 1 ? 'span' : 'spans'}: {x.message} ({x.spanIds.join(', ')}{x.count > x.spanIds.length ? ', …' : ''})</li>)}</ul>
        </Message>
      ) : null}
      {openId && selected < 0 ? <Message kind="warn" title={`Span ${openId} is not in this trace.`} /> : null}
      <div className="toolbar">
        <input className="search-in-trace" type="search" placeholder="Find spans: service, name, tag, id" value={searchText}
          onChange={(e) => setSearchText(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') nextMatch(); }}
          aria-label="Find spans in this trace" data-testid="trace-search" />
        {matches ? <span className="muted" data-testid="match-count">{matches.count} match{matches.count === 1 ? '' : 'es'}</span> : null}
        <label className="toggle"><input type="checkbox" checked={showCp} onChange={(e) => setParam('cp', e.target.checked ? '1' : null)} data-testid="cp-toggle" /> Critical path</label>
        {cp ? <button type="button" onClick={nextCritical} data-testid="cp-next">Next on path ({cpList.length})</button> : null}
        <label className="toggle" title={`${tree.skewAdjusted} spans moved`}><input type="checkbox" checked={skew} onChange={(e) => setParam('skew', e.target.checked ? null : '0')} /> Clock-skew correction{skew && tree.skewAdjusted ? ` (${tree.skewAdjusted} moved)` : ''}</label>
        <span className="spacer" />
        <button type="button" onClick={() => setAll(1)}>Collapse all</button>
        <button type="button" onClick={() => setAll(0)}>Expand all</button>
        {win ? <button type="button" onClick={() => setWin(null)}>Reset zoom ({formatDuration(to - from)})</button> : null}
        <button type="button" onClick={download} data-testid="download">Download JSON</button>
      </div>
      <MiniMap tree={tree} traceStart={summary.start} traceEnd={summary.end} from={from} to={to}
        bandRef={band}
        onWindow={(a, b) => setWin([a, b])}
        onJump={(f) => { if (scroller.current) scroller.current.scrollTop = f * rows.length * ROW_HEIGHT - scroller.current.clientHeight / 2; }} />
      <div className="trace-body">
        <div className="wf">
          <TimeAxis from={from} to={to} traceStart={summary.start} />
          <Waterfall tree={tree} rows={rows} from={from} to={to} collapsed={collapsed} onToggle={onToggle}
            selected={selected} onSelect={onSelect} cursor={cursor} onCursor={setCursor}
            matches={matches ? matches.flags : null} critical={segs} onPath={cp ? cp.onPath : null}
            scrollerRef={scroller} onViewport={onViewport} renderAll={params.get('render') === 'all'} />
        </div>
        {selSpan ? (
          <SpanDetail span={selSpan} start={tree.start[selected] as number} end={tree.end[selected] as number}
            traceStart={summary.start} onClose={() => { setParam('span', null); scroller.current?.focus(); }} />
        ) : null}
      </div>
    </div>
  );
}
