// `npm run demo` must run beside a Skein server already on the default ports (say, `npm start`
// in another terminal): its own server takes free ports for everything, OTLP and gRPC included.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../dist/demo.js', import.meta.url));

/** Listens on the port unless something already does; either way it is taken after this. */
function hold(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(undefined));
    s.listen(port, '0.0.0.0', () => resolve(s));
  });
}

it('runs while the OTLP and gRPC default ports (4318, 4317) are taken', { timeout: 120_000 }, async () => {
  const held = await Promise.all([4317, 4318].map(hold));
  try {
    for (const port of [4317, 4318]) expect(await hold(port), `port ${port} is taken`).toBeUndefined();
    // As a user's shell has it: the test runner's SKEIN_OTLP_HTTP_PORT / SKEIN_GRPC_PORT (off) removed.
    const env = { ...process.env };
    delete env.SKEIN_OTLP_HTTP_PORT;
    delete env.SKEIN_GRPC_PORT;
    const child = spawn(process.execPath, [demo], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out).toBe(0);
    expect(out.match(/ {2}[0-9a-f]{32} {2}15 spans \(/g), out).toHaveLength(3);
  } finally {
    await Promise.all(held.map((s) => new Promise<void>((resolve) => (s === undefined ? resolve() : s.close(() => resolve())))));
  }
});
