import type { Span } from '@skein/model';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../common/api.js';
import { Link } from '../common/Link.js';
import { Message } from '../common/Message.js';
import { readSpans } from '../common/spans-input.js';
import { TraceView } from './TraceView.js';

type State =
  | { kind: 'loading' }
  | { kind: 'error'; title: string; detail: string; testId: string }
  | { kind: 'ok'; spans: Span[]; notes: string[] };

const TRACE_ID = /^[0-9a-fA-F]{1,32}$/;

/** /traces/{id}: loads a trace from the query API and shows it, or says clearly why it cannot. */
export function TracePage(p: { traceId: string }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const id = p.traceId.trim();
  useEffect(() => {
    if (!TRACE_ID.test(id)) {
      setState({ kind: 'error', title: `“${id.slice(0, 80)}” is not a trace ID.`, detail: 'A trace ID is 16 or 32 hexadecimal characters (0-9, a-f).', testId: 'bad-trace-id' });
      return;
    }
    setState({ kind: 'loading' });
    const ctl = new AbortController();
    if (!window.__skeinPrefetch) performance.mark('skein:fetch-start');
    api.trace(id, ctl.signal).then((json) => {
      performance.mark('skein:json-parsed');
      const input = readSpans(json);
      const notes = input.rejectedCount > 0 ? [`${input.rejectedCount} spans could not be read and are left out: ${input.rejected.slice(0, 3).join('; ')}`] : [];
      if (input.spans.length === 0) setState({ kind: 'error', title: 'This trace has no readable spans.', detail: notes.join(' '), testId: 'empty-trace' });
      else setState({ kind: 'ok', spans: input.spans, notes });
    }).catch((err: unknown) => {
      if (err instanceof DOMException && err.name === 'AbortError') return;
      if (err instanceof ApiError && err.status === 404) {
        setState({ kind: 'error', title: `Trace ${id} was not found.`, detail: 'It may be older than the storage keeps, sampled out, or the ID may be mistyped.', testId: 'trace-not-found' });
      } else {
        setState({ kind: 'error', title: `Could not load trace ${id}.`, detail: err instanceof Error ? err.message : String(err), testId: 'trace-load-error' });
      }
    });
    return () => ctl.abort();
  }, [id]);

  if (state.kind === 'loading') return <div className="loading" data-testid="loading">Loading trace {id}…</div>;
  if (state.kind === 'error') {
    return (
      <Message kind="error" title={state.title} testId={state.testId}>
        {state.detail} <Link to="/">Search traces</Link> · <Link to="/upload">Open a JSON file</Link>
      </Message>
    );
  }
  return <TraceView spans={state.spans} source="from storage" notes={state.notes} />;
}
