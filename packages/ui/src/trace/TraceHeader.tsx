import type { TraceSummary } from '@skein/model';
import { serviceColor } from '../common/colors.js';
import { formatDuration, formatTimestamp } from '../common/format.js';

/** Trace figures: root, duration, services, depth, span and error counts. */
export function TraceHeader(p: { summary: TraceSummary; source: string }) {
  const s = p.summary;
  return (
    <section className="trace-head" data-testid="trace-header">
      <div className="trace-title">
        <h1><span className="svc-dot" style={{ background: serviceColor(s.rootService) }} />{s.rootService}: {s.rootName || '(no name)'}</h1>
        <code className="muted" data-testid="trace-id">{s.traceId}</code>
        <span className="muted">{p.source}</span>
      </div>
      <div className="stats">
        <div><span>Duration</span><b>{formatDuration(s.duration)}</b></div>
        <div><span>Services</span><b>{s.services.length}</b></div>
        <div><span>Depth</span><b>{s.depth}</b></div>
        <div><span>Spans</span><b data-testid="span-count">{s.spanCount.toLocaleString('en')}</b></div>
        <div className={s.errorCount > 0 ? 'stat-error' : ''}><span>Errors</span><b>{s.errorCount}</b></div>
        <div><span>Started</span><b className="small">{formatTimestamp(s.start)}</b></div>
      </div>
      <div className="svc-list">
        {s.services.slice(0, 24).map((x) => (
          <span key={x.name} className="svc-chip" style={{ borderColor: serviceColor(x.name) }}>
            {x.name} <b>{x.spanCount}</b>{x.errorCount ? <em className="err-count"> {x.errorCount} err</em> : null}
          </span>
        ))}
        {s.services.length > 24 ? <span className="muted">+{s.services.length - 24} more</span> : null}
      </div>
    </section>
  );
}
