import { isErrorSpan, serviceOf, type Span, type SpanTree } from '@skein/model';
import { memo, type MouseEvent } from 'react';
import { serviceColor } from '../common/colors.js';
import { formatDuration } from '../common/format.js';
import type { SegmentsByNode } from './view-model.js';

/** Height of one waterfall row in pixels (fixed, so windowing is arithmetic). */
export const ROW_HEIGHT = 26;
const INDENT = 14;
const MAX_INDENT_LEVELS = 30;
const MAX_TICKS = 24;

interface RowProps {
  tree: SpanTree;
  node: number;
  row: number;
  from: number;
  to: number;
  collapsed: boolean;
  selected: boolean;
  cursor: boolean;
  match: boolean | null;
  critical: SegmentsByNode | null;
  onPath: boolean;
  onToggle: (node: number) => void;
  onSelect: (node: number) => void;
}

const pct = (x: number): string => `${(x * 100).toFixed(3)}%`;

function Row(p: RowProps) {
  const { tree, node } = p;
  const span = tree.spans[node] as Span;
  const svc = serviceOf(span);
  const color = serviceColor(svc);
  const depth = tree.depth[node] as number;
  const kids = (tree.childStart[node + 1] as number) - (tree.childStart[node] as number);
  const range = p.to - p.from || 1;
  const s = tree.start[node] as number, e = tree.end[node] as number;
  const x0 = (s - p.from) / range, x1 = (e - p.from) / range;
  const left = Math.max(0, Math.min(1, x0)), right = Math.max(left, Math.min(1, x1));
  const error = isErrorSpan(span);
  const cls = ['wf-row', p.selected ? 'is-selected' : '', p.cursor ? 'is-cursor' : '', p.match === true ? 'is-match' : '',
    p.match === false ? 'is-dim' : '', p.onPath ? 'is-critical' : '', error ? 'is-error' : ''].filter(Boolean).join(' ');
  const toggle = (ev: MouseEvent): void => { ev.stopPropagation(); p.onToggle(node); };
  const segs = [];
  if (p.critical && p.onPath) {
    for (let k = p.critical.start[node] as number; k < (p.critical.start[node + 1] as number); k++) {
      const a = ((p.critical.from[k] as number) - p.from) / range, b = ((p.critical.to[k] as number) - p.from) / range;
      if (b < 0 || a > 1) continue;
      segs.push(<div key={k} className="wf-cp" style={{ left: pct(Math.max(0, a)), width: pct(Math.max(0.001, Math.min(1, b) - Math.max(0, a))) }} />);
    }
  }
  const ticks = [];
  const anns = span.annotations;
  if (anns) {
    for (let k = 0; k < anns.length && k < MAX_TICKS; k++) {
      const a = anns[k] as { timestamp: number; value: string };
      const x = (a.timestamp - p.from) / range;
      if (x >= 0 && x <= 1) ticks.push(<div key={k} className="wf-tick" style={{ left: pct(x) }} title={a.value} />);
    }
  }
  const levels = Math.min(depth, MAX_INDENT_LEVELS);
  return (
    <div
      className={cls}
      style={{ transform: `translateY(${p.row * ROW_HEIGHT}px)` }}
      onClick={() => p.onSelect(node)}
      role="row"
      aria-selected={p.selected}
      data-span-id={span.id}
      data-node={node}
    >
      <div className="wf-label" style={{ paddingLeft: 6 + levels * INDENT }}>
        {depth > MAX_INDENT_LEVELS ? <span className="wf-depth" title={`depth ${depth}`}>{depth}</span> : null}
        {kids > 0 ? (
          <button type="button" className="wf-toggle" onClick={toggle} aria-label={p.collapsed ? 'Expand' : 'Collapse'} aria-expanded={!p.collapsed}>
            {p.collapsed ? '▸' : '▾'}
          </button>
        ) : <span className="wf-toggle-space" />}
        <span className="wf-svc" style={{ borderColor: color }}>{svc}</span>
        <span className="wf-name">{span.name ?? ''}</span>
        {p.collapsed ? <span className="wf-hidden" title="hidden descendants">+{(tree.subtreeSize[node] as number) - 1}</span> : null}
        {error ? <span className="wf-err" title="error">!</span> : null}
      </div>
      <div className="wf-track">
        <div className="wf-bar" style={{ left: pct(left), width: `max(2px, ${pct(right - left)})`, background: color }} />
        {segs}
        {ticks}
        <span className="wf-dur" style={{ left: pct(right) }}>
          {formatDuration(e - s)}
        </span>
      </div>
    </div>
  );
}

/** One waterfall row; memoised so scrolling re-renders only rows entering the view. */
export const WaterfallRow = memo(Row);
