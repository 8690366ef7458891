import { formatDuration } from '../common/format.js';
import { timeTicks } from './view-model.js';

/** The time ruler above the waterfall track: offsets from the trace start. */
export function TimeAxis(p: { from: number; to: number; traceStart: number }) {
  const range = p.to - p.from;
  const ticks = timeTicks(range);
  return (
    <div className="wf-axis">
      <div className="wf-axis-label">Service · span</div>
      <div className="wf-axis-track">
        {ticks.map((t) => (
          <span key={t} className="wf-axis-tick" style={{ left: `${(t / (range || 1)) * 100}%` }}>
            {formatDuration(p.from - p.traceStart + t)}
          </span>
        ))}
      </div>
    </div>
  );
}
