import { memo } from 'react';
import { serviceColor } from '../common/colors.js';
import { LAYOUT, isErrorHeavy, type GraphLayout } from './layout.js';

function edgePath(x1: number, y1: number, x2: number, y2: number, back: boolean): string {
  if (!back) {
    const dx = Math.max(40, (x2 - x1) / 2);
    return `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`;
  }
  // cycle-closing edge: loop below both nodes, right to left
  const drop = Math.max(y1, y2) + LAYOUT.row * 0.9;
  return `M${x1},${y1} C${x1 + 60},${drop} ${x2 - 60},${drop} ${x2},${y2}`;
}

const truncate = (s: string, n = 22): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The whole service graph as a single SVG; the selected service's edges are emphasised. */
function Graph(p: { layout: GraphLayout; selected: string | null; onSelect: (name: string | null) => void; labels: boolean }) {
  const { nodes, edges } = p.layout;
  const sel = p.selected === null ? -1 : nodes.findIndex((x) => x.name === p.selected);
  const maxCalls = Math.max(1, ...edges.map((e) => e.callCount));
  const hw = LAYOUT.nodeWidth, hh = LAYOUT.nodeHeight;
  return (
    <svg className="dep-graph" width={p.layout.width} height={p.layout.height + LAYOUT.row} role="img" aria-label="Service dependency graph" data-testid="dep-graph"
      onClick={(e) => { if (e.target === e.currentTarget) p.onSelect(null); }}>
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" className="dep-arrow" /></marker>
        <marker id="arrow-err" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" className="dep-arrow-err" /></marker>
      </defs>
      <g>
        {edges.map((e, k) => {
          const a = nodes[e.from], b = nodes[e.to];
          if (!a || !b) return null;
          const related = sel < 0 || e.from === sel || e.to === sel;
          const err = isErrorHeavy(e);
          const self = e.from === e.to;
          const d = self
            ? `M${a.x + hw},${a.y + hh / 2} C${a.x + hw + 50},${a.y - 30} ${a.x + hw - 40},${a.y - 30} ${a.x + hw - 20},${a.y}`
            : edgePath(a.x + hw, a.y + hh / 2, b.x, b.y + hh / 2, e.back);
          const width = 1 + 3 * Math.log10(1 + (9 * e.callCount) / maxCalls);
          const mx = (a.x + hw + b.x) / 2, my = (a.y + b.y) / 2 + hh / 2 - 4;
          return (
            <g key={k} className={`dep-edge${err ? ' is-error' : ''}${related ? '' : ' is-dim'}`}>
              <path d={d} strokeWidth={width} markerEnd={err ? 'url(#arrow-err)' : 'url(#arrow)'}>
                <title>{`${a.name} → ${b.name}: ${e.callCount} calls, ${e.errorCount} errors`}</title>
              </path>
              {(p.labels || (sel >= 0 && related)) && !self && !e.back ? (
                <text x={mx} y={my} className="dep-edge-label">{e.callCount}{e.errorCount ? ` · ${e.errorCount} err` : ''}</text>
              ) : null}
            </g>
          );
        })}
      </g>
      <g>
        {nodes.map((x, i) => (
          <g key={x.name} className={`dep-node${i === sel ? ' is-selected' : ''}${x.errors > 0 && x.errors / Math.max(1, x.calls) >= 0.05 ? ' has-error' : ''}`} transform={`translate(${x.x},${x.y})`}
            onClick={() => p.onSelect(i === sel ? null : x.name)} role="button" tabIndex={0} aria-label={`service ${x.name}`}
            onKeyDown={(e) => { if (e.key === 'Enter') p.onSelect(x.name); }} data-service={x.name}>
            <rect width={hw} height={hh} rx={6} />
            <rect width={5} height={hh} rx={2} fill={serviceColor(x.name)} />
            <text x={12} y={hh / 2 + 4}>{truncate(x.name)}</text>
            <title>{`${x.name}: ${x.calls} incoming calls, ${x.errors} errors`}</title>
          </g>
        ))}
      </g>
    </svg>
  );
}

/** Memoised graph: re-renders only when the layout or selection changes. */
export const DependencyGraph = memo(Graph);
