/**
 * Realistic, varied Zipkin v2 JSON bodies for the ingest benchmark, derived from the real
 * traces in packages/model/testdata: every body gets fresh trace and span ids (64- and
 * 128-bit), current timestamps, and varied span names and tags.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@skein/model/testing';

/** A v2 span as it appears in the JSON fixtures. */
type JsonSpan = Record<string, unknown> & { traceId: string; id: string; parentId?: string; name?: string };

const TESTDATA = fileURLToPath(new URL('../../model/testdata/', import.meta.url));

/** The fixture traces, each a list of spans sharing a trace id. */
export function loadTemplateTraces(): JsonSpan[][] {
  const traces: JsonSpan[][] = [];
  for (const dir of ['zipkin-lens', 'zipkin-bench']) {
    for (const file of readdirSync(`${TESTDATA}${dir}`).filter((f) => f.endsWith('.json'))) {
      const data = JSON.parse(readFileSync(`${TESTDATA}${dir}/${file}`, 'utf8')) as JsonSpan | JsonSpan[];
      const spans = Array.isArray(data) ? data : [data];
      const byTrace = new Map<string, JsonSpan[]>();
      for (const s of spans) {
        const list = byTrace.get(s.traceId) ?? [];
        list.push(s);
        byTrace.set(s.traceId, list);
      }
      traces.push(...byTrace.values());
    }
  }
  return traces;
}

function hex(random: () => number, chars: number): string {
  let s = '';
  while (s.length < chars) s += Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  s = s.slice(0, chars);
  return s === '0'.repeat(chars) ? `${s.slice(1)}1` : s;
}

const VERBS = ['get', 'post', 'put', 'delete', 'query', 'publish', 'consume', 'render'];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-south-1'];

/**
 * `count` bodies of `spansPerBody` spans each: whole fixture traces re-identified and
 * re-timed (ending at most an hour ago), cut into bodies as a reporter would batch them. With
 * `spread`, the later half of each trace's spans comes that many bodies after the first half
 * (wrapping around), as when the services of a trace report on their own schedules.
 */
export function makeBodies(count: number, spansPerBody: number, seed = 42, spread = 0): string[] {
  const random = seededRandom(seed);
  const templates = loadTemplateTraces();
  const now = Date.now() * 1000;
  const spans: JsonSpan[] = [];
  /** Per span: whether it is in the later half of its trace. */
  const late: boolean[] = [];
  let seq = 0;
  // Each template contributes about the same number of spans (a 1,041-span trace is picked
  // 1/1041 as often as a one-span trace), so big traces do not dominate the mix.
  const weights = templates.map((t) => 1 / t.length);
  const total = weights.reduce((a, b) => a + b, 0);
  const pick = (): JsonSpan[] => {
    let r = random() * total;
    for (let i = 0; i < templates.length; i++) {
      r -= weights[i] ?? 0;
      if (r <= 0) return templates[i] ?? [];
    }
    return templates[templates.length - 1] ?? [];
  };
  while (spans.length < count * spansPerBody) {
    const template = pick();
    const traceId = hex(random, random() < 0.5 ? 16 : 32);
    const ids = new Map<string, string>();
    const idOf = (old: string): string => {
      let id = ids.get(old);
      if (id === undefined) ids.set(old, (id = hex(random, 16)));
      return id;
    };
    const first = Math.min(...template.map((s) => (typeof s.timestamp === 'number' ? s.timestamp : Infinity)));
    const shift = now - Math.floor(random() * 3_600_000_000) - (Number.isFinite(first) ? first : 0);
    const verb = VERBS[Math.floor(random() * VERBS.length)] ?? 'get';
    const firstOfTrace = late.length;
    for (const s of template) {
      const copy: JsonSpan = { ...s, traceId, id: idOf(s.id) };
      if (s.parentId !== undefined) copy.parentId = idOf(s.parentId);
      if (typeof s.timestamp === 'number') copy.timestamp = s.timestamp + shift;
      if (Array.isArray(s.annotations)) {
        copy.annotations = (s.annotations as { timestamp: number; value: string }[]).map((a) => ({ ...a, timestamp: a.timestamp + shift }));
      }
      if (random() < 0.3) copy.name = `${verb} /api/v${1 + Math.floor(random() * 3)}/items`;
      copy.tags = {
        ...(s.tags as Record<string, string> | undefined),
        region: REGIONS[seq % REGIONS.length] ?? 'us-east-1',
        'request.seq': String(seq++),
      };
      late.push(late.length - firstOfTrace >= template.length / 2);
      spans.push(copy);
    }
  }
  spans.length = late.length = count * spansPerBody;
  let ordered = spans;
  if (spread > 0) {
    // Each later-half span moves spread bodies on (a stable sort by position, shifted ones after those already there).
    const shift = spread * spansPerBody;
    const at = spans.map((_, i) => (late[i] === true ? ((i + shift) % spans.length) + 0.5 : i));
    ordered = spans.map((_, i) => i).sort((a, b) => (at[a] as number) - (at[b] as number)).map((i) => spans[i] as JsonSpan);
  }
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) bodies.push(JSON.stringify(ordered.slice(i * spansPerBody, (i + 1) * spansPerBody)));
  return bodies;
}

const TRACE_ID = Buffer.from('"traceId":"');

/** Where the low 64 bits (last 16 digits) of each trace id in a JSON v2 body begin: they key a trace, as in any store. */
export function traceIdOffsets(body: Buffer): number[] {
  const offsets: number[] = [];
  for (let i = body.indexOf(TRACE_ID); i >= 0; i = body.indexOf(TRACE_ID, i + 1)) {
    const start = i + TRACE_ID.length;
    offsets.push(start + Math.max(0, body.indexOf('"', start) - start - 16));
  }
  return offsets;
}

/**
 * Writes a pass number (6 hex digits) at those offsets, so each pass over the bodies sends spans
 * never sent before, while all spans of a trace still share their id.
 */
export function markPass(body: Buffer, offsets: readonly number[], pass: number): void {
  const digits = pass.toString(16).padStart(6, '0').slice(-6);
  for (const at of offsets) body.write(digits, at, 'latin1');
}
