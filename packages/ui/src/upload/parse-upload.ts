import type { Span } from '@skein/model';
import { readSpans } from '../common/spans-input.js';
import { isOtlpJson, otlpJsonToSpans } from './otlp-json.js';

/** What an uploaded file held: traces grouped by id, the format, and what could not be read. */
export interface ParsedUpload {
  format: 'zipkin-v2' | 'otlp-json';
  traces: { traceId: string; spans: Span[] }[];
  problems: string[];
}

/** A stable code and a message a user can act on, for input that holds no trace at all. */
export class UploadError extends Error {
  /** UPLOAD_EMPTY, UPLOAD_BAD_JSON, UPLOAD_UNKNOWN_FORMAT or UPLOAD_NO_SPANS. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Reads pasted or uploaded text: a Zipkin v2 span list, a list of such lists (a search answer),
 * or OTLP/JSON. Spans are grouped by trace id; malformed spans are left out and listed.
 */
export function parseUpload(text: string): ParsedUpload {
  if (text.trim() === '') throw new UploadError('UPLOAD_EMPTY', 'The file or text is empty. Paste a JSON list of Zipkin v2 spans or an OTLP/JSON export.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const where = err instanceof SyntaxError ? err.message : String(err);
    throw new UploadError('UPLOAD_BAD_JSON', `This is not valid JSON (${where}). Check that the whole file was copied.`);
  }
  let spans: Span[];
  const problems: string[] = [];
  let format: ParsedUpload['format'];
  if (isOtlpJson(value)) {
    format = 'otlp-json';
    const r = otlpJsonToSpans(value);
    spans = r.spans;
    if (r.skipped) problems.push(`${r.skipped} OTLP spans had no valid trace or span id and were left out.`);
  } else if (Array.isArray(value)) {
    format = 'zipkin-v2';
    const flat = value.length > 0 && value.every(Array.isArray) ? (value as unknown[][]).flat() : value;
    const r = readSpans(flat);
    spans = r.spans;
    if (r.rejectedCount) problems.push(`${r.rejectedCount} spans were left out: ${r.rejected.slice(0, 5).join('; ')}${r.rejectedCount > 5 ? '; …' : ''}`);
  } else {
    throw new UploadError('UPLOAD_UNKNOWN_FORMAT', 'Expected a JSON list of Zipkin v2 spans, or an OTLP/JSON object with "resourceSpans".');
  }
  if (spans.length === 0) throw new UploadError('UPLOAD_NO_SPANS', `No readable spans were found. ${problems.join(' ')}`.trim());
  const byTrace = new Map<string, Span[]>();
  for (const s of spans) {
    const key = s.traceId.toLowerCase().replace(/^0+(?=.{16}$)/, '').padStart(16, '0');
    const k16 = key.length > 16 ? key.slice(-16) : key;
    const group = byTrace.get(k16);
    if (group) group.push(s); else byTrace.set(k16, [s]);
  }
  const traces = [...byTrace.values()].map((g) => ({ traceId: g.reduce((id, s) => (s.traceId.length > id.length ? s.traceId : id), ''), spans: g }));
  return { format, traces, problems };
}
