import { serviceColor } from '../common/colors.js';
import { formatAgo, formatDuration, formatTimestamp } from '../common/format.js';
import { Link } from '../common/Link.js';
import { Message } from '../common/Message.js';
import { setParam } from '../common/router.js';
import { SORTS, type ResultSummary, type SortKey } from './result-summary.js';

const LABELS: Record<SortKey, string> = { newest: 'Newest', oldest: 'Oldest', longest: 'Longest', shortest: 'Shortest', spans: 'Most spans' };

/** Search results: root, start, a duration bar scaled across results, span and per-service counts, errors. */
export function SearchResults(p: { rows: ResultSummary[]; sort: string }) {
  if (p.rows.length === 0) return <Message kind="info" title="No traces matched." testId="no-results">Widen the lookback, or remove a filter.</Message>;
  const sort = (p.sort in SORTS ? p.sort : 'newest') as SortKey;
  const rows = [...p.rows].sort(SORTS[sort]);
  const max = Math.max(...rows.map((r) => r.duration), 1);
  const now = Date.now();
  return (
    <section className="results" data-testid="results">
      <div className="results-head">
        <b>{rows.length} trace{rows.length === 1 ? '' : 's'}</b>
        <span className="spacer" />
        <span className="muted">Sort</span>
        {(Object.keys(LABELS) as SortKey[]).map((k) => (
          <button key={k} type="button" className={k === sort ? 'chip active' : 'chip'} onClick={() => setParam('sort', k === 'newest' ? null : k)}>{LABELS[k]}</button>
        ))}
      </div>
      <ol className="result-list">
        {rows.map((r) => (
          <li key={r.traceId} className={r.errorCount ? 'result has-error' : 'result'}>
            <Link to={`/traces/${r.traceId}`} className="result-link">
              <div className="result-top">
                <span className="result-root"><span className="svc-dot" style={{ background: serviceColor(r.rootService) }} />{r.rootService}: <b>{r.rootName || '(no name)'}</b></span>
                {r.errorCount ? <span className="pill pill-error">{r.errorCount} error{r.errorCount === 1 ? '' : 's'}</span> : null}
                <span className="spacer" />
                <span className="muted" title={formatTimestamp(r.start)}>{formatAgo(r.start, now)}</span>
                <span className="result-spans">{r.spanCount} span{r.spanCount === 1 ? '' : 's'}</span>
                <b className="result-dur">{formatDuration(r.duration)}</b>
              </div>
              <div className="result-bar"><div style={{ width: `${(r.duration / max) * 100}%`, background: serviceColor(r.rootService) }} /></div>
              <div className="result-services">
                {r.services.slice(0, 10).map((s) => (
                  <span key={s.name} className="svc-chip" style={{ borderColor: serviceColor(s.name) }}>{s.name} <b>{s.count}</b></span>
                ))}
                {r.services.length > 10 ? <span className="muted">+{r.services.length - 10}</span> : null}
                <code className="muted result-id">{r.traceId}</code>
              </div>
            </Link>
          </li>
        ))}
      </ol>
    </section>
  );
}
