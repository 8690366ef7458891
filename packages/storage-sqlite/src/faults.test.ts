import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DB_FILE } from './sqlite-storage.js';

// Real `skein serve --storage sqlite` processes: killed with SIGKILL mid-ingest, started on a
// read-only or unusable data directory, and run on a disk that fills up.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'packages/server/bin/skein.js');
const root = mkdtempSync(join(tmpdir(), 'skein-sqlite-faults-'));
const children = new Set<ChildProcess>();
const mounts: string[] = [];

interface Serve {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

function run(dataDir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--storage', 'sqlite', '--data-dir', dataDir]);
  children.add(child);
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

function serve(dataDir: string): Promise<Serve> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--storage', 'sqlite', '--data-dir', dataDir]);
  children.add(child);
  let out = '';
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listen line:\n${out}`)), 20_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({ child, url: m[1], exited });
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

function tryMount(dir: string, options: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    mounts.push(dir);
    return true;
  } catch {
    return false; // no permission to mount: those cases are skipped
  }
}

const hex = (n: number): string => n.toString(16).padStart(16, '0');

/** 5 traces of 10 spans, ids unique per (worker, round). */
function batch(worker: number, round: number): { body: string; traces: string[] } {
  const spans: object[] = [];
  const traces: string[] = [];
  for (let t = 0; t < 5; t++) {
    const traceId = hex(0x1000000 + worker * 0x100000 + round * 8 + t);
    traces.push(traceId);
    for (let s = 0; s < 10; s++) {
      spans.push({
        traceId, id: hex(s + 1), ...(s > 0 ? { parentId: hex(1) } : {}), name: `op${s}`, kind: s === 0 ? 'SERVER' : 'CLIENT',
        timestamp: Date.now() * 1000 + s, duration: 1000 + s,
        localEndpoint: { serviceName: `svc${s % 4}` }, remoteEndpoint: { serviceName: `svc${(s + 1) % 4}` },
        tags: { 'http.path': `/r/${round}`, worker: String(worker) },
      });
    }
  }
  return { body: JSON.stringify(spans), traces };
}

const post = (url: string, body: string): Promise<Response> =>
  fetch(`${url}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'packages/server'], { cwd: ROOT, stdio: 'inherit' });
}, 180_000);

afterEach(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await new Promise((r) => c.once('exit', r));
    }
  }
  children.clear();
});

afterAll(() => {
  for (const m of mounts) execFileSync('umount', [m]);
  rmSync(root, { recursive: true, force: true });
});

describe('skein serve --storage sqlite under faults', () => {
  it('keeps every span answered 2xx when killed with SIGKILL in the middle of a heavy ingest', async () => {
    const dir = join(root, 'killed');
    const s = await serve(dir);
    const acked: string[] = [];
    let killed = false;
    let sending = 0;
    const loop = async (worker: number): Promise<void> => {
      for (let round = 0; round < 5000 && !killed; round++) {
        const { body, traces } = batch(worker, round);
        sending++;
        try {
          const r = await post(s.url, body);
          if (r.status === 202) acked.push(...traces);
          else expect.fail(`ingest answered ${r.status}: ${await r.text()}`);
        } catch (err) {
          if (!killed) throw err;
          return; // cut off by the kill
        } finally {
          sending--;
        }
      }
    };
    const loops = [0, 1, 2, 3].map(loop);
    while (acked.length < 2000) await new Promise((r) => setTimeout(r, 20));
    // Requests were on their way when the process died. Whether the server had answered them
    // yet is a race; that it was still being written to is not.
    const sendingAtKill = sending;
    killed = true;
    s.child.kill('SIGKILL');
    await Promise.all(loops);
    await s.exited;
    expect(sendingAtKill).toBeGreaterThan(0);

    const db = new Database(join(dir, DB_FILE));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    const again = await serve(dir);
    expect((await fetch(`${again.url}/health`)).status).toBe(200);
    let spans = 0;
    for (let i = 0; i < acked.length; i += 100) {
      const ids = acked.slice(i, i + 100);
      const r = await fetch(`${again.url}/api/v2/traceMany?traceIds=${ids.join(',')}`);
      const traces = (await r.json()) as { traceId: string }[][];
      expect(traces.map((t) => t[0]?.traceId)).toEqual(ids.length === 1 ? [ids[0]] : ids);
      for (const t of traces) expect(t).toHaveLength(10);
      spans += traces.reduce((n, t) => n + t.length, 0);
    }
    expect(spans).toBe(acked.length * 10);
  }, 120_000);

  it('stops at start with a message naming a data directory that cannot be created', async () => {
    const dir = join(BIN, 'data'); // under a file
    const r = await run(dir);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain(dir);
    expect(r.output).toContain('--data-dir');
  });

  const readOnly = join(root, 'read-only');
  it.skipIf(!tryMount(readOnly, 'ro,size=1m'))('stops at start with a message naming a read-only data directory', async () => {
    const r = await run(readOnly);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain(`cannot use SQLite data directory ${readOnly}`);
  });

  const small = join(root, 'small-disk');
  it.skipIf(!tryMount(small, 'size=1m'))('answers a clear 5xx when the disk fills during ingest, and keeps serving', async () => {
    const s = await serve(small);
    let status = 0;
    let text = '';
    let stored = 0;
    for (let round = 0; round < 2000; round++) {
      const r = await post(s.url, batch(9, round).body);
      if (r.status !== 202) {
        status = r.status;
        text = await r.text();
        break;
      }
      stored++;
    }
    expect(stored).toBeGreaterThan(0);
    expect(status).toBeGreaterThanOrEqual(500);
    expect(text).toContain('full');
    // Still up: reads answer, and /health names the store's problem.
    const services = await fetch(`${s.url}/api/v2/services`);
    expect(services.status).toBe(200);
    expect(await services.json()).toEqual(['svc0', 'svc1', 'svc2', 'svc3']);
    const health = await fetch(`${s.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.text()).toContain('full');
    expect(s.child.exitCode).toBeNull();
  }, 120_000);
});
