import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../common/api.js';
import { Message } from '../common/Message.js';
import { href, navigate, useLocation } from '../common/router.js';
import { summarizeResult, type ResultSummary } from './result-summary.js';
import { SearchResults } from './SearchResults.js';
import { LOOKBACKS, apiParams, formFromParams, formToParams, type SearchForm } from './search-params.js';
import { TagQueryInput } from './TagQueryInput.js';

function useNames(load: () => Promise<string[]>, deps: unknown[]): string[] {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    load().then((n) => { if (live) setNames(Array.isArray(n) ? n : []); }).catch(() => { if (live) setNames([]); });
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return names;
}

type Results = { kind: 'idle' } | { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ok'; rows: ResultSummary[] };

/** / : the trace search form (state in the URL) and its results. */
export function SearchPage() {
  const { params } = useLocation();
  const urlForm = formFromParams(params);
  const [form, setForm] = useState<SearchForm>(urlForm);
  const [results, setResults] = useState<Results>({ kind: 'idle' });
  const services = useNames(() => api.services(), []);
  const spanNames = useNames(() => (form.serviceName ? api.spanNames(form.serviceName) : Promise.resolve([])), [form.serviceName]);
  const remotes = useNames(() => (form.serviceName ? api.remoteServices(form.serviceName) : Promise.resolve([])), [form.serviceName]);
  const searchKey = params.toString();

  useEffect(() => {
    const f = formFromParams(new URLSearchParams(searchKey));
    setForm(f);
    if (!new URLSearchParams(searchKey).has('run')) return;
    const { params: p, errors } = apiParams(f, Date.now());
    if (errors.length) { setResults({ kind: 'error', message: errors.join(' ') }); return; }
    setResults({ kind: 'loading' });
    const ctl = new AbortController();
    api.traces(p, ctl.signal).then((traces) => {
      setResults({ kind: 'ok', rows: (Array.isArray(traces) ? traces : []).filter((t) => Array.isArray(t) && t.length > 0).map(summarizeResult) });
    }).catch((err: unknown) => {
      if (err instanceof DOMException && err.name === 'AbortError') return;
      setResults({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    });
    return () => ctl.abort();
  }, [searchKey]);

  const set = <K extends keyof SearchForm>(k: K, v: SearchForm[K]): void => setForm((f) => ({ ...f, [k]: v }));
  const submit = (e?: FormEvent): void => {
    e?.preventDefault();
    navigate(href('/', { ...formToParams(form), run: String(Date.now() % 100000) }));
  };
  return (
    <div className="search-page">
      <form className="search-form" onSubmit={submit} data-testid="search-form">
        <label>Service
          <select value={form.serviceName} onChange={(e) => setForm((f) => ({ ...f, serviceName: e.target.value, spanName: '', remoteServiceName: '' }))} data-testid="service-select">
            <option value="">all services</option>
            {services.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>Span name
          <select value={form.spanName} onChange={(e) => set('spanName', e.target.value)} disabled={!form.serviceName}>
            <option value="">all</option>
            {spanNames.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>Remote service
          <select value={form.remoteServiceName} onChange={(e) => set('remoteServiceName', e.target.value)} disabled={!form.serviceName}>
            <option value="">all</option>
            {remotes.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label className="wide">Tags <span className="muted">e.g. error and http.status_code=500</span>
          <TagQueryInput value={form.annotationQuery} onChange={(v) => set('annotationQuery', v)} />
        </label>
        <label>Min duration
          <input value={form.minDuration} onChange={(e) => set('minDuration', e.target.value)} placeholder="e.g. 100ms" />
        </label>
        <label>Max duration
          <input value={form.maxDuration} onChange={(e) => set('maxDuration', e.target.value)} placeholder="e.g. 2s" />
        </label>
        <label>Lookback
          <select value={form.lookback} onChange={(e) => set('lookback', e.target.value)}>
            {Object.keys(LOOKBACKS).map((k) => <option key={k} value={k}>last {k}</option>)}
            <option value="custom">custom range</option>
          </select>
        </label>
        {form.lookback === 'custom' ? (
          <>
            <label>Start<input type="datetime-local" value={form.start} onChange={(e) => set('start', e.target.value)} /></label>
            <label>End<input type="datetime-local" value={form.end} onChange={(e) => set('end', e.target.value)} /></label>
          </>
        ) : null}
        <label>Limit
          <input type="number" min={1} max={1000} value={form.limit} onChange={(e) => set('limit', e.target.value)} className="narrow" />
        </label>
        <button type="submit" className="primary" data-testid="search-button">Search</button>
      </form>
      {results.kind === 'idle' ? <Message kind="info" title="Choose what to look for and press Search." /> : null}
      {results.kind === 'loading' ? <div className="loading">Searching…</div> : null}
      {results.kind === 'error' ? <Message kind="error" title="The search could not run." testId="search-error">{results.message}</Message> : null}
      {results.kind === 'ok' ? <SearchResults rows={results.rows} sort={urlForm.sort} /> : null}
    </div>
  );
}
