import { isErrorSpan, serviceOf, type Endpoint, type Span } from '@skein/model';
import { useState } from 'react';
import { serviceColor } from '../common/colors.js';
import { formatBytes, formatDuration, formatTimestamp } from '../common/format.js';

const MAX_SHOWN = 2000;

function copy(text: string): void {
  void navigator.clipboard?.writeText(text).catch(() => undefined);
}

function CopyButton(p: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button type="button" className="copy" aria-label={`Copy ${p.label}`}
      onClick={() => { copy(p.text); setDone(true); setTimeout(() => setDone(false), 1200); }}>
      {done ? 'copied' : 'copy'}
    </button>
  );
}

function endpoint(e: Endpoint | undefined): string {
  if (!e) return '–';
  const addr = e.ipv6 ? `[${e.ipv6}]` : e.ipv4 ?? '';
  return [e.serviceName, addr ? `${addr}${e.port ? `:${e.port}` : ''}` : ''].filter(Boolean).join(' · ') || '–';
}

/** A tag value; megabyte values are cut for display (the DOM cannot take them) with their size said. */
function TagValue(p: { value: string; name: string }) {
  if (p.value.length <= MAX_SHOWN) return <span className="tag-value">{p.value}</span>;
  return (
    <span className="tag-value">
      <em className="truncated">Showing the first {MAX_SHOWN.toLocaleString('en')} characters; truncated: {formatBytes(p.value.length)} in all. </em>
      <CopyButton text={p.value} label={`full value of ${p.name}`} />
      <span className="tag-long">{p.value.slice(0, MAX_SHOWN)}…</span>
    </span>
  );
}

/** The selected span: ids (copyable), timing, endpoints, tags and annotations. */
export function SpanDetail(p: { span: Span; start: number; end: number; traceStart: number; onClose: () => void }) {
  const { span } = p;
  const svc = serviceOf(span);
  const tags = span.tags ? Object.keys(span.tags).sort() : [];
  const ids: [string, string | undefined][] = [['Trace ID', span.traceId], ['Span ID', span.id], ['Parent ID', span.parentId]];
  return (
    <aside className="detail" aria-label="Span details" data-testid="span-detail">
      <header className="detail-head" style={{ borderColor: serviceColor(svc) }}>
        <div>
          <div className="detail-svc">{svc}{span.kind ? <span className="pill">{span.kind}</span> : null}{isErrorSpan(span) ? <span className="pill pill-error">error</span> : null}</div>
          <h2 className="detail-name">{span.name || '(no name)'}</h2>
        </div>
        <button type="button" className="icon-button" onClick={p.onClose} aria-label="Close details">✕</button>
      </header>
      <dl className="detail-grid">
        <dt>Duration</dt><dd>{formatDuration(p.end - p.start)}</dd>
        <dt>Start</dt><dd>{formatTimestamp(p.start)} <span className="muted">(+{formatDuration(p.start - p.traceStart)})</span></dd>
        {ids.map(([label, v]) => v ? (
          <div className="detail-id" key={label}><dt>{label}</dt><dd><code>{v}</code> <CopyButton text={v} label={label} /></dd></div>
        ) : null)}
        <dt>Local</dt><dd>{endpoint(span.localEndpoint)}</dd>
        <dt>Remote</dt><dd>{endpoint(span.remoteEndpoint)}</dd>
        {span.shared ? <><dt>Shared</dt><dd>server side of a span id shared with its client</dd></> : null}
        {span.debug ? <><dt>Debug</dt><dd>yes</dd></> : null}
      </dl>
      <h3>Tags <span className="muted">{tags.length}</span></h3>
      {tags.length === 0 ? <p className="muted">No tags.</p> : (
        <table className="kv" data-testid="span-tags">
          <tbody>
            {tags.map((k) => <tr key={k}><th>{k}</th><td><TagValue name={k} value={span.tags?.[k] ?? ''} /></td></tr>)}
          </tbody>
        </table>
      )}
      <h3>Annotations <span className="muted">{span.annotations?.length ?? 0}</span></h3>
      {!span.annotations?.length ? <p className="muted">No annotations.</p> : (
        <table className="kv">
          <tbody>
            {span.annotations.slice(0, 500).map((a, i) => (
              <tr key={i}><th>+{formatDuration(a.timestamp - p.traceStart)}</th><td>{a.value.length > MAX_SHOWN ? `${a.value.slice(0, MAX_SHOWN)} … (${formatBytes(a.value.length)})` : a.value}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      <details className="raw">
        <summary>Raw JSON</summary>
        <pre>{rawJson(span)}</pre>
      </details>
    </aside>
  );
}

function rawJson(span: Span): string {
  const text = JSON.stringify(span, null, 2);
  return text.length > 20_000 ? `${text.slice(0, 20_000)}\n… (${formatBytes(text.length)}, truncated)` : text;
}
