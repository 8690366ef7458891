// The CLI: one traced command that calls the frontend, prints the answer and the trace id, and
// delivers its spans before it exits.
import { tracerFor } from './service.js';
import { instrumentHttp } from '@skein/tracer';

const frontend = process.env.FRONTEND_URL ?? 'http://127.0.0.1:8081';
const name = process.argv[2] ?? 'world';
const tracer = tracerFor('cli');
instrumentHttp(tracer, { server: false });
const answer = await tracer.startActiveSpan('say-hello', { tags: { 'cli.args': name } }, async (span) => {
  const res = await fetch(`${frontend}/hello?name=${encodeURIComponent(name)}`);
  return { traceId: span.context().toTraceId(), status: res.status, body: (await res.json()) as unknown };
});
await tracer.close();
process.stdout.write(`${JSON.stringify({ ...answer, counters: tracer.counters })}\n`);
