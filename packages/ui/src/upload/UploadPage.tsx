import { useState, type DragEvent } from 'react';
import { formatBytes } from '../common/format.js';
import { Message } from '../common/Message.js';
import { TraceView } from '../trace/TraceView.js';
import { parseUpload, UploadError, type ParsedUpload } from './parse-upload.js';

type State = { kind: 'empty' } | { kind: 'error'; code: string; message: string } | { kind: 'ok'; parsed: ParsedUpload; name: string; chosen: number };

// Kept outside React so the trace survives moving between pages without being stored anywhere.
let last: State = { kind: 'empty' };

/** /upload: opens a trace from a file or pasted JSON (Zipkin v2 or OTLP/JSON) in the browser only. */
export function UploadPage() {
  const [state, setStateRaw] = useState<State>(last);
  const [text, setText] = useState('');
  const setState = (s: State): void => { last = s; setStateRaw(s); };
  const load = (content: string, name: string): void => {
    try {
      setState({ kind: 'ok', parsed: parseUpload(content), name, chosen: 0 });
    } catch (err) {
      if (err instanceof UploadError) setState({ kind: 'error', code: err.code, message: err.message });
      else setState({ kind: 'error', code: 'UPLOAD_FAILED', message: String(err) });
    }
  };
  const readFile = (file: File | undefined): void => {
    if (!file) return;
    file.text().then((t) => load(t, `${file.name} (${formatBytes(file.size)})`), (err: unknown) => setState({ kind: 'error', code: 'UPLOAD_READ', message: `Could not read ${file.name}: ${String(err)}` }));
  };
  const onDrop = (e: DragEvent): void => { e.preventDefault(); readFile(e.dataTransfer.files[0]); };

  if (state.kind === 'ok') {
    const { parsed } = state;
    const trace = parsed.traces[state.chosen] ?? parsed.traces[0];
    return (
      <div>
        <div className="toolbar upload-bar">
          <span>Opened <b>{state.name}</b> ({parsed.format === 'otlp-json' ? 'OTLP/JSON' : 'Zipkin v2 JSON'}), not stored.</span>
          {parsed.traces.length > 1 ? (
            <label>Trace
              <select value={state.chosen} onChange={(e) => setState({ ...state, chosen: Number(e.target.value) })} data-testid="upload-trace-select">
                {parsed.traces.map((t, i) => <option key={t.traceId} value={i}>{t.traceId} ({t.spans.length} spans)</option>)}
              </select>
            </label>
          ) : null}
          <span className="spacer" />
          <button type="button" onClick={() => setState({ kind: 'empty' })}>Open another</button>
        </div>
        {trace ? <TraceView key={`${state.name}-${state.chosen}`} spans={trace.spans} source="uploaded, not stored" notes={parsed.problems} /> : null}
      </div>
    );
  }
  return (
    <div className="upload-page" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <h1>Open a trace from JSON</h1>
      <p className="muted">A Zipkin v2 span list (what <code>/api/v2/trace/&#123;id&#125;</code> returns), a list of traces, or an OTLP/JSON export. It stays in this browser tab.</p>
      {state.kind === 'error' ? <Message kind="error" title="Could not open that." testId="upload-error">{state.message} <code className="muted">{state.code}</code></Message> : null}
      <label className="drop">
        <input type="file" accept=".json,application/json" onChange={(e) => readFile(e.target.files?.[0])} data-testid="upload-file" />
        <span>Drop a file here or <u>choose one</u></span>
      </label>
      <textarea value={text} onChange={(e) => setText(e.target.value)} placeholder="…or paste JSON here" rows={10} data-testid="upload-text" />
      <button type="button" className="primary" onClick={() => load(text, 'pasted text')} disabled={!text.trim()} data-testid="upload-open">Open pasted JSON</button>
    </div>
  );
}
