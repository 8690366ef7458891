import { useState, type FormEvent } from 'react';
import { ComparePage } from './compare/ComparePage.js';
import { ErrorBoundary } from './common/ErrorBoundary.js';
import { Link } from './common/Link.js';
import { Message } from './common/Message.js';
import { navigate, useLocation } from './common/router.js';
import { DependenciesPage } from './dependencies/DependenciesPage.js';
import { SearchPage } from './search/SearchPage.js';
import { TracePage } from './trace/TracePage.js';
import { UploadPage } from './upload/UploadPage.js';

function TraceIdBox() {
  const [value, setValue] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const id = value.trim();
    if (id) navigate(`/traces/${encodeURIComponent(id)}`);
  };
  return (
    <form className="trace-id-box" onSubmit={submit} role="search">
      <input value={value} onChange={(e) => setValue(e.target.value)} placeholder="Open trace ID…" aria-label="Trace ID" data-testid="trace-id-input" />
    </form>
  );
}

function Page() {
  const { path } = useLocation();
  if (path === '/' || path === '/zipkin/' || path === '/search') return <SearchPage />;
  const m = /^\/traces\/(.*)$/.exec(path);
  if (m) {
    let id = m[1] ?? '';
    try { id = decodeURIComponent(id); } catch { /* keep it raw: the page says it is not an id */ }
    return <TracePage key={id} traceId={id} />;
  }
  if (path === '/dependencies') return <DependenciesPage />;
  if (path === '/compare') return <ComparePage />;
  if (path === '/upload') return <UploadPage />;
  return <Message kind="error" title={`There is no page at ${path}.`} testId="no-page"><Link to="/">Go to search</Link></Message>;
}

/** The app shell: navigation, trace-ID box and the page for the current URL. */
export function App() {
  const { path } = useLocation();
  const tab = (to: string, label: string, active: boolean) => (
    <Link to={to} className={active ? 'nav-link active' : 'nav-link'}>{label}</Link>
  );
  return (
    <div className="app">
      <nav className="nav">
        <Link to="/" className="brand"><span className="brand-mark" aria-hidden>≋</span> Skein</Link>
        {tab('/', 'Search', path === '/' || path.startsWith('/traces'))}
        {tab('/dependencies', 'Dependencies', path === '/dependencies')}
        {tab('/compare', 'Compare', path === '/compare')}
        {tab('/upload', 'Upload', path === '/upload')}
        <span className="spacer" />
        <TraceIdBox />
      </nav>
      <main className="main">
        <ErrorBoundary resetKey={path}><Page /></ErrorBoundary>
      </main>
    </div>
  );
}
