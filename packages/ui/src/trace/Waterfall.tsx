import type { SpanTree } from '@skein/model';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { WaterfallRow, ROW_HEIGHT } from './WaterfallRow.js';
import type { SegmentsByNode } from './view-model.js';

/** Props of {@link Waterfall}. */
export interface WaterfallProps {
  tree: SpanTree;
  /** Visible nodes in row order (collapsed subtrees left out). */
  rows: Int32Array;
  /** Time window shown across the track, epoch µs. */
  from: number;
  to: number;
  collapsed: Uint8Array;
  onToggle: (node: number) => void;
  selected: number;
  onSelect: (node: number) => void;
  cursor: number;
  onCursor: (node: number) => void;
  matches: Uint8Array | null;
  critical: SegmentsByNode | null;
  onPath: Uint8Array | null;
  scrollerRef: RefObject<HTMLDivElement | null>;
  onViewport: (first: number, last: number, total: number) => void;
  /** Renders every row (no windowing): only for the benchmark's baseline. */
  renderAll?: boolean;
}

const OVERSCAN = 6;
// Rows are keyed by slot (row index modulo the pool), so scrolling re-uses the row elements and
// only patches their content instead of unmounting and creating DOM for every new row.
const ROW_POOL = 512;

/**
 * The span waterfall, windowed by hand: a spacer as tall as all rows and absolutely placed
 * divs for just the rows in view, so 100,000 spans cost the same as 50 to scroll.
 */
export function Waterfall(p: WaterfallProps) {
  const { rows, scrollerRef } = p;
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const frame = useRef(0);

  useEffect(() => {
    const el = scrollerRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, [scrollerRef]);

  const rowOf = useMemo(() => {
    const m = new Int32Array(p.tree.spans.length).fill(-1);
    for (let r = 0; r < rows.length; r++) m[rows[r] as number] = r;
    return m;
  }, [rows, p.tree]);

  const first = p.renderAll ? 0 : Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = p.renderAll ? rows.length : Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const { onViewport } = p;
  useEffect(() => {
    onViewport(Math.floor(scrollTop / ROW_HEIGHT), Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT)), rows.length);
  }, [scrollTop, height, rows.length, onViewport]);

  const onScroll = (): void => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (scrollerRef.current) setScrollTop(scrollerRef.current.scrollTop);
    });
  };

  const moveTo = (row: number): void => {
    const r = Math.max(0, Math.min(rows.length - 1, row));
    const node = rows[r];
    if (node === undefined) return;
    p.onCursor(node);
    const el = scrollerRef.current;
    if (!el) return;
    const top = r * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const cur = p.cursor >= 0 ? (rowOf[p.cursor] ?? -1) : -1;
    const node = p.cursor;
    const hasKids = node >= 0 && (p.tree.childStart[node + 1] as number) > (p.tree.childStart[node] as number);
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    switch (e.key) {
      case 'ArrowDown': moveTo(cur + 1); break;
      case 'ArrowUp': moveTo(cur < 0 ? 0 : cur - 1); break;
      case 'PageDown': moveTo(cur + page); break;
      case 'PageUp': moveTo(cur - page); break;
      case 'Home': moveTo(0); break;
      case 'End': moveTo(rows.length - 1); break;
      case 'ArrowRight': if (hasKids && p.collapsed[node]) p.onToggle(node); else moveTo(cur + 1); break;
      case 'ArrowLeft':
        if (hasKids && !p.collapsed[node]) p.onToggle(node);
        else if (node >= 0 && (p.tree.parent[node] as number) >= 0) moveTo(rowOf[p.tree.parent[node] as number] ?? cur);
        break;
      case 'Enter': case ' ': if (node >= 0) p.onSelect(node); break;
      default: return;
    }
    e.preventDefault();
  };

  const items = [];
  for (let r = first; r < last; r++) {
    const node = rows[r] as number;
    items.push(
      <WaterfallRow
        key={p.renderAll ? node : r % ROW_POOL}
        tree={p.tree}
        node={node}
        row={r}
        from={p.from}
        to={p.to}
        collapsed={p.collapsed[node] === 1}
        selected={p.selected === node}
        cursor={p.cursor === node}
        match={p.matches ? p.matches[node] === 1 : null}
        critical={p.critical}
        onPath={p.onPath ? p.onPath[node] === 1 : false}
        onToggle={p.onToggle}
        onSelect={p.onSelect}
      />,
    );
  }
  return (
    <div
      className="wf-scroller"
      ref={scrollerRef}
      onScroll={onScroll}
      tabIndex={0}
      onKeyDown={onKeyDown}
      role="grid"
      aria-label="Span timeline. Arrow keys move, Enter opens details, left and right collapse and expand."
      aria-rowcount={rows.length}
      data-testid="waterfall"
    >
      <div className="wf-spacer" style={{ height: rows.length * ROW_HEIGHT }}>{items}</div>
    </div>
  );
}
