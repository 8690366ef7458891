import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

// The real `skein` command: bin/skein.js runs the compiled dist, so build it first
// (a no-op when `npm test` already built everything).
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/skein.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}, nodeFlags: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeFlags, BIN, ...args], { env: { ...process.env, ...env }, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function startServe(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--storage', 'memory', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listen line:\n${out}`)), 20_000);
    child.stdout?.on('data', () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({ child, url: m[1], output: () => out, exited });
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

describe('skein command', () => {
  let server: ChildProcess | undefined;
  beforeAll(() => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-b', 'packages/server'], { cwd: ROOT, stdio: 'inherit' });
  }, 180_000);
  afterEach(() => {
    server?.kill('SIGKILL');
    server = undefined;
  });

  it('lists every option with its env var and default in serve --help', async () => {
    const r = await run(['serve', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--port', '--host', '--storage', '--mem-max-spans', '--query-lookback', '--query-limit-default',
      '--autocomplete-keys', '--strict-trace-id', '--collector-sample-rate', '--max-body', '--cors-origins']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toContain('SKEIN_MEM_MAX_SPANS');
    expect(r.stdout).toMatch(/--port <int>\s+\(env SKEIN_PORT, default 9411\)/);
    expect(r.stdout).toMatch(/--query-lookback .*default 86400000/);
  });

  it('refuses, in one line naming the Node.js it needs, to run where require() cannot load ES modules', async () => {
    // Without the check, Fastify's dependencies fail to load with ERR_REQUIRE_ESM and a stack.
    const r = await run(['serve', '--port', '0', '--storage', 'memory'], {}, ['--no-experimental-require-module']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('listening');
    expect(r.stderr.trim()).toMatch(/^skein: Node\.js v\S+ has require\(\) of ES modules turned off .*20\.19 or newer/);
    expect(r.stderr).not.toContain('ERR_REQUIRE_ESM');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('stops with a message naming the option when a value is bad', async () => {
    const flag = await run(['serve', '--mem-max-spans', 'lots']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--mem-max-spans');
    expect(flag.stderr).toContain('"lots"');
    const env = await run(['serve'], { SKEIN_COLLECTOR_SAMPLE_RATE: '2' });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('SKEIN_COLLECTOR_SAMPLE_RATE');
    const unknown = await run(['serve', '--colour', 'red']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--colour');
    const command = await run(['launch']);
    expect(command.code).toBe(2);
  });

  it('logs one line when listening, is ready on /health, and drains an in-flight request on SIGTERM', async () => {
    const s = await startServe(['--mem-max-spans', '1000']);
    server = s.child;
    expect(s.output().trim().split('\n')).toHaveLength(1);
    expect((await fetch(`${s.url}/health`)).status).toBe(200);

    const body = JSON.stringify([{ traceId: '000000000000d001', id: '000000000000d001', name: 'drain', localEndpoint: { serviceName: 'cli' } }]);
    const target = new URL('/api/v2/spans', s.url);
    const answered = new Promise<number>((resolve, reject) => {
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      // Half the body now, SIGTERM, then the rest: the request is in flight during shutdown.
      req.write(body.slice(0, 20));
      setTimeout(() => {
        s.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(20)), 300);
      }, 200);
    });
    expect(await answered).toBe(202);
    expect(await s.exited).toBe(0);
    expect(s.output()).toContain('SIGTERM');
  });

  it('reads options from SKEIN_* environment variables', async () => {
    const s = await startServe([], { SKEIN_AUTOCOMPLETE_KEYS: 'env,region' });
    server = s.child;
    const r = await fetch(`${s.url}/api/v2/autocompleteKeys`);
    expect(await r.json()).toEqual(['env', 'region']);
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
  });
});
