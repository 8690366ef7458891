// npm run demo: starts a Skein server (memory store), the backend and frontend services, runs the
// CLI a few times, prints the trace ids and where to see them, and stops everything.
// `npm run demo -- --keep` leaves the server and services running until Ctrl-C.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli, startStack, type StackOptions } from './stack.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const keep = process.argv.includes('--keep');

async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`skein server at ${url} did not become healthy`);
}

// Port 0 unless SKEIN_DEMO_PORT says otherwise: the server binds a free port itself and names it
// in its "listening on" line (choosing one here and passing it on could lose it to another process).
// The OTLP and gRPC collectors, which the demo does not use, take free ports too, so the demo runs
// beside a Skein server already on their default ports (4318, 4317).
const server = spawn(process.execPath, [
  `${root}packages/server/bin/skein.js`, 'serve', '--port', process.env.SKEIN_DEMO_PORT ?? '0', '--host', '127.0.0.1',
  '--storage', 'memory', '--otlp-http-port', '0', '--grpc-port', '0',
], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise<number>((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    out += chunk.toString();
    const m = /listening on http:\/\/[^\s:]+:(\d+)/.exec(out);
    if (m?.[1] !== undefined) resolve(Number(m[1]));
  });
  server.once('exit', (code) => reject(new Error(`skein serve exited with ${code} before listening`)));
});
const skeinUrl = `http://localhost:${port}`;
await waitHealthy(`http://127.0.0.1:${port}`);

const opts: StackOptions = { command: [process.execPath], dir: fileURLToPath(new URL('.', import.meta.url)), ext: '.js', cwd: root, skeinEndpoint: `http://127.0.0.1:${port}/api/v2/spans` };
const stack = await startStack(opts);
const stopAll = async (): Promise<void> => {
  await stack.stop();
  server.kill('SIGTERM');
};

try {
  console.log(`\nskein ${skeinUrl}   frontend ${stack.frontendUrl}   backend ${stack.backendUrl}\n`);
  const answers = [];
  for (const name of ['ada', 'grace', 'linus']) {
    const a = await runCli(opts, stack.frontendUrl, name);
    answers.push(a);
    console.log(`cli ${name}: ${a.status} ${JSON.stringify(a.body)}`);
  }
  await new Promise((r) => setTimeout(r, 600)); // the services report every 200 ms
  console.log('\ntraces:');
  for (const a of answers) {
    const spans = (await (await fetch(`http://127.0.0.1:${port}/api/v2/trace/${a.traceId}`)).json()) as Array<{ localEndpoint?: { serviceName?: string } }>;
    const services = [...new Set(spans.map((s) => s.localEndpoint?.serviceName))].join(', ');
    console.log(`  ${a.traceId}  ${spans.length} spans (${services})`);
    console.log(`    UI:  ${skeinUrl}/traces/${a.traceId}`);
    console.log(`    API: ${skeinUrl}/api/v2/trace/${a.traceId}`);
  }
  if (keep) {
    console.log('\n--keep: everything keeps running; Ctrl-C to stop.');
    await new Promise<void>((r) => process.once('SIGINT', () => r()));
  }
} finally {
  await stopAll();
}
