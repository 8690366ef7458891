import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Span } from '@skein/model';
import { chromium, type Browser } from 'playwright-core';

/** The repository root (four levels above this file). */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Where end-to-end tests and the bench save screenshots (gitignored). */
export const SHOTS = `${ROOT}test-output/ui/`;
const BIN = `${ROOT}packages/server/bin/skein.js`;

/** A running `skein serve` child process. */
export interface Skein {
  url: string;
  stop(): Promise<void>;
}

/** Starts the built `skein serve` on a free port with the memory store; fails with a clear message if not built. */
export async function startSkein(extraArgs: string[] = []): Promise<Skein> {
  for (const need of [`${ROOT}packages/server/dist/cli.js`, `${ROOT}packages/ui/dist/index.html`]) {
    if (!existsSync(need)) throw new Error(`${need} is missing: run \`npm run build\` at the repository root first`);
  }
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--storage', 'memory', ...extraArgs], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`skein did not start in 20 s:\n${out}`)), 20_000);
    const onData = (c: Buffer): void => {
      out += c.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m?.[1]) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`skein exited with ${code}:\n${out}`)); });
  });
  return {
    url,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) { resolve(); return; }
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }),
  };
}

/** POSTs spans as Zipkin v2 JSON and fails unless the server stored them (202). */
export async function ingest(url: string, spans: readonly Span[]): Promise<void> {
  const res = await fetch(`${url}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spans) });
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
}

/** Loads a Zipkin UI test trace, shifted so it ends `agoMs` before now (so searches find it). */
export function lensTraceNow(name: string, agoMs = 60_000): Span[] {
  const spans = JSON.parse(readFileSync(`${ROOT}packages/model/testdata/zipkin-lens/${name}.json`, 'utf8')) as Span[];
  let end = 0;
  for (const s of spans) end = Math.max(end, (s.timestamp ?? 0) + (s.duration ?? 0));
  const delta = (Date.now() - agoMs) * 1000 - end;
  return spans.map((s) => ({
    ...s,
    ...(s.timestamp ? { timestamp: s.timestamp + delta } : {}),
    ...(s.annotations ? { annotations: s.annotations.map((a) => ({ ...a, timestamp: a.timestamp + delta })) } : {}),
  }));
}

/** Launches Debian's Chromium headless, as the project's setup installs it. */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}
