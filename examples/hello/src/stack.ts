import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How to start the example's programs: the command prefix, the folder with the programs, their extension. */
export interface StackOptions {
  /** e.g. [process.execPath] for built .js, or [process.execPath, '--import', 'tsx'] for sources. */
  command: string[];
  /** Folder holding backend, frontend and cli (dist/ or src/). */
  dir: string;
  ext: '.js' | '.ts';
  /** Working directory (the repository root, so tsx finds the tsconfig paths). */
  cwd: string;
  /** Where the services report spans, e.g. http://127.0.0.1:9411/api/v2/spans. */
  skeinEndpoint: string;
}

/** The running services. */
export interface Stack {
  frontendUrl: string;
  backendUrl: string;
  stop(): Promise<void>;
}

/** What one CLI run printed. */
export interface CliAnswer {
  traceId: string;
  status: number;
  body: { page?: string; warning?: string };
  counters: { reported: number; dropped: number; failed: number };
}

function start(opts: StackOptions, program: string, env: Record<string, string>): { child: ChildProcess; ready: Promise<string> } {
  const child = spawn(opts.command[0] as string, [...opts.command.slice(1), `${opts.dir}/${program}${opts.ext}`], {
    cwd: opts.cwd,
    env: { ...process.env, SKEIN_ENDPOINT: opts.skeinEndpoint, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) resolve(line.substring(6).trim());
    });
    child.once('exit', (code) => reject(new Error(`${program} exited (${code}) before it was ready`)));
  });
  return { child, ready };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Starts backend, then frontend pointed at it. */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const backend = start(opts, 'backend', { PORT: '0' });
  const backendUrl = await backend.ready;
  const frontend = start(opts, 'frontend', { PORT: '0', BACKEND_URL: backendUrl });
  let frontendUrl: string;
  try {
    frontendUrl = await frontend.ready;
  } catch (err) {
    await stopChild(backend.child);
    throw err;
  }
  return {
    frontendUrl,
    backendUrl,
    stop: async () => {
      await Promise.all([stopChild(frontend.child), stopChild(backend.child)]);
    },
  };
}

/** Runs the CLI once and returns what it printed. */
export function runCli(opts: StackOptions, frontendUrl: string, name: string): Promise<CliAnswer> {
  const child = spawn(opts.command[0] as string, [...opts.command.slice(1), `${opts.dir}/cli${opts.ext}`, name], {
    cwd: opts.cwd,
    env: { ...process.env, SKEIN_ENDPOINT: opts.skeinEndpoint, FRONTEND_URL: frontendUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`cli exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as CliAnswer);
    });
  });
}
