// Runs the example's core (backend, frontend and CLI as separate processes, each with its own
// tracer) against a real Skein server and checks the trace DAG through the query API.
import { fileURLToPath } from 'node:url';
import { createServer, makeConfig, type SkeinServer } from '@skein/server';
import type { Span } from '@skein/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startStack, type CliAnswer, type Stack, type StackOptions } from './stack.js';

let server: SkeinServer;
let stack: Stack;
let opts: StackOptions;
let skeinUrl = '';

beforeAll(async () => {
  server = await createServer(makeConfig({ port: 0, host: '127.0.0.1' }), { uiDir: null });
  skeinUrl = await server.listen();
  opts = {
    command: [process.execPath, '--import', 'tsx'],
    dir: fileURLToPath(new URL('.', import.meta.url)),
    ext: '.ts',
    cwd: fileURLToPath(new URL('../../../', import.meta.url)),
    skeinEndpoint: `${skeinUrl}/api/v2/spans`,
  };
  stack = await startStack(opts);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await server?.close();
});

async function traceOf(id: string, expected: number): Promise<Span[]> {
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${skeinUrl}/api/v2/trace/${id}`);
    if (res.ok) {
      const spans = (await res.json()) as Span[];
      if (spans.length >= expected) return spans;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`trace ${id} did not reach ${expected} spans`);
}

describe('examples/hello: cli -> frontend -> backend', () => {
  it('every run is one trace across the three processes with the right parents, kinds and timing', async () => {
    const answers: CliAnswer[] = [];
    for (const name of ['ada', 'grace']) answers.push(await runCli(opts, stack.frontendUrl, name));
    expect(new Set(answers.map((a) => a.traceId)).size).toBe(2);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.body.warning).toBe('stock unavailable (500)');
      expect(a.counters).toEqual({ reported: 2, dropped: 0, failed: 0, queued: 0 });
      const spans = await traceOf(a.traceId, 15);
      expect(spans).toHaveLength(15);
      const byId = new Map(spans.map((s) => [s.id, s]));
      const svc = (s: Span | undefined) => s?.localEndpoint?.serviceName;
      const parentOf = (s: Span) => (s.parentId === undefined ? undefined : byId.get(s.parentId));

      const roots = spans.filter((s) => s.parentId === undefined);
      expect(roots.map((s) => [svc(s), s.name])).toEqual([['cli', 'say-hello']]);
      for (const s of spans) if (s.parentId !== undefined) expect(byId.has(s.parentId), `parent of ${s.name}`).toBe(true);

      const count = (service: string, kind: string | undefined) => spans.filter((s) => svc(s) === service && s.kind === kind).length;
      expect([count('cli', 'CLIENT'), count('frontend', 'SERVER'), count('frontend', 'CLIENT'), count('backend', 'SERVER'), count('backend', undefined), count('frontend', undefined)]).toEqual([1, 1, 4, 4, 3, 1]);

      for (const s of spans) {
        const p = parentOf(s);
        if (p === undefined) continue;
        // SERVER spans are children of the CLIENT span of another process that called them
        if (s.kind === 'SERVER') {
          expect(p.kind).toBe('CLIENT');
          expect(svc(p)).not.toBe(svc(s));
        } else {
          expect(svc(p)).toBe(svc(s));
        }
        // A child runs within its parent. In one process that is exact (1 ms of rounding slack);
        // across processes each has its own clock origin, and a busy server may emit 'finish' a
        // little after its client already read the whole answer, so allow 50 ms there.
        const slack = svc(p) === svc(s) ? 1000 : 50_000;
        expect(s.timestamp ?? 0).toBeGreaterThanOrEqual((p.timestamp ?? 0) - slack);
        expect((s.timestamp ?? 0) + (s.duration ?? 0), `${svc(s)} ${s.kind} ${s.name} ${s.timestamp}+${s.duration} in ${svc(p)} ${p.kind} ${p.name} ${p.timestamp}+${p.duration}`).toBeLessThanOrEqual((p.timestamp ?? 0) + (p.duration ?? 0) + slack);
      }
      const db = spans.filter((s) => s.name === 'db.query');
      expect(db.every((s) => svc(parentOf(s)) === 'backend' && parentOf(s)?.kind === 'SERVER')).toBe(true);
      expect(db[0]?.remoteEndpoint?.serviceName).toBe('userdb');
      const failed = spans.filter((s) => s.tags?.error !== undefined);
      expect(failed.map((s) => [svc(s), s.kind, s.tags?.['http.path'], s.tags?.error]).sort()).toEqual([
        ['backend', 'SERVER', '/fail', '500'],
        ['frontend', 'CLIENT', '/fail', '500'],
      ]);
      // the fan-out really ran in parallel: the three user lookups overlap in time
      const lookups = spans.filter((s) => svc(s) === 'frontend' && s.kind === 'CLIENT' && s.tags?.['http.path']?.startsWith('/users/'));
      expect(lookups).toHaveLength(3);
      const latestStart = Math.max(...lookups.map((s) => s.timestamp ?? 0));
      const earliestEnd = Math.min(...lookups.map((s) => (s.timestamp ?? 0) + (s.duration ?? 0)));
      expect(latestStart).toBeLessThan(earliestEnd);
    }
  });
});
