import { serviceOf, type Span, type SpanTree } from '@skein/model';
import { useEffect, useRef, useState, type PointerEvent, type RefObject } from 'react';
import { serviceColor } from '../common/colors.js';

/** Props of {@link MiniMap}. */
export interface MiniMapProps {
  tree: SpanTree;
  traceStart: number;
  traceEnd: number;
  from: number;
  to: number;
  /** The viewport band element; the waterfall moves it directly while scrolling (no React render). */
  bandRef: RefObject<HTMLDivElement | null>;
  onWindow: (from: number, to: number) => void;
  onJump: (fraction: number) => void;
}

const HEIGHT = 64;

/** Height the mini-map gives `n` rows: up to 8 px a row, at most the canvas height. */
export function minimapRowsHeight(n: number): number {
  return Math.min(HEIGHT, Math.max(n, 1) * 8);
}

/**
 * The whole trace on one canvas (one line per span, drawn once), with the rows in view as a
 * band. Dragging across it selects the time window the waterfall zooms to; a click jumps there.
 */
export function MiniMap(p: MiniMapProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  const { tree, traceStart, traceEnd } = p;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(100, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(width * dpr);
    const n = tree.order.length;
    c.height = Math.round(minimapRowsHeight(n) * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    const range = traceEnd - traceStart || 1;
    const used = minimapRowsHeight(n);
    const rowH = Math.max(used / Math.max(n, 1) - (n < HEIGHT / 4 ? 2 : 0), 0.5);
    let lastColor = '';
    let lastY = -1, lastX0 = -1, lastX1 = -1;
    for (let j = 0; j < n; j++) {
      const i = tree.order[j] as number;
      const y = Math.floor((j / n) * used);
      const x0 = Math.floor(((tree.start[i] as number) - traceStart) / range * width);
      const x1 = Math.max(x0 + 1, Math.ceil(((tree.end[i] as number) - traceStart) / range * width));
      if (y === lastY && x0 >= lastX0 && x1 <= lastX1) continue; // already covered at this pixel row
      const color = serviceColor(serviceOf(tree.spans[i] as Span));
      if (color !== lastColor) { ctx.fillStyle = color; lastColor = color; }
      ctx.fillRect(x0, y, x1 - x0, Math.max(rowH, 1));
      lastY = y; lastX0 = x0; lastX1 = x1;
    }
  }, [tree, width, traceStart, traceEnd]);

  const toX = (t: number): number => ((t - traceStart) / (traceEnd - traceStart || 1)) * width;
  const toT = (x: number): number => traceStart + (Math.max(0, Math.min(width, x)) / width) * (traceEnd - traceStart);
  const local = (e: PointerEvent): { x: number; y: number } => {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const onDown = (e: PointerEvent<HTMLDivElement>): void => {
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    const { x } = local(e);
    setDrag({ x0: x, x1: x });
  };
  const onMove = (e: PointerEvent<HTMLDivElement>): void => {
    if (drag) setDrag({ x0: drag.x0, x1: local(e).x });
  };
  const onUp = (e: PointerEvent<HTMLDivElement>): void => {
    if (!drag) return;
    const { x, y } = local(e);
    setDrag(null);
    if (Math.abs(x - drag.x0) < 4) p.onJump(Math.max(0, Math.min(1, y / minimapRowsHeight(tree.order.length))));
    else p.onWindow(toT(Math.min(drag.x0, x)), toT(Math.max(drag.x0, x)));
  };
  const zoomed = p.from > traceStart || p.to < traceEnd;
  return (
    <div className="minimap" ref={box} style={{ height: minimapRowsHeight(tree.order.length) + 2 }} onPointerDown={onDown} onPointerMove={onMove} onPointerUp={onUp} data-testid="minimap"
      title="Drag to zoom the timeline to a time window; click to jump to rows">
      <canvas ref={canvas} style={{ width, height: minimapRowsHeight(tree.order.length) }} />
      {zoomed ? (
        <>
          <div className="minimap-shade" style={{ left: 0, width: toX(p.from) }} />
          <div className="minimap-shade" style={{ left: toX(p.to), right: 0 }} />
        </>
      ) : null}
      <div className="minimap-view" ref={p.bandRef} />
      {drag ? <div className="minimap-drag" style={{ left: Math.min(drag.x0, drag.x1), width: Math.abs(drag.x1 - drag.x0) }} /> : null}
    </div>
  );
}
