// A tiny app for the "exit with spans queued" test: finishes 500 spans, calls close(), exits.
import { createTracer } from '@skein/tracer';

const tracer = createTracer({ serviceName: 'exiting-app', reporter: { endpoint: process.argv[2] ?? '', batchSize: 100, flushIntervalMs: 60_000, backoffMs: 50 } });
const ids: string[] = [];
for (let i = 0; i < 500; i++) {
  const s = tracer.startSpan('work');
  ids.push(s.ctx.spanId);
  s.finish();
}
await tracer.close();
process.stdout.write(JSON.stringify({ ids, counters: tracer.counters }));
