import { readFileSync } from 'node:fs';
import type { Storage } from '@skein/storage';
import type { FastifyInstance } from 'fastify';
import type { Collector } from '../collector/registry.js';
import type { SkeinMetrics } from './metrics.js';

/** The version of @skein/server, from its package.json (one level above src and dist). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * GET /health (200 UP, or 503 DOWN naming the store or the collector that is down, with its error), GET /info (version) and
 * GET /metrics (Prometheus text; also at /prometheus, where Zipkin serves it). Request
 * durations of every route are recorded from here.
 */
export function registerObservability(
  app: FastifyInstance,
  storage: Storage,
  metrics: SkeinMetrics,
  collectors: () => readonly Collector[] = () => [],
): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  app.get('/health', async (request, reply) => {
    let result: { ok: boolean; error?: string };
    try {
      result = await storage.check();
    } catch (err) {
      result = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    // Collectors with a source they can lose (a RabbitMQ consumer), as Zipkin's health lists them.
    const checked: Record<string, { ok: boolean; error?: string }> = {};
    for (const c of collectors()) if (c.check !== undefined) checked[c.name] = c.check();
    const ok = result.ok && Object.values(checked).every((c) => c.ok);
    const body = { status: ok ? 'UP' : 'DOWN', storage: { name: storage.name, ...result }, ...(Object.keys(checked).length > 0 ? { collectors: checked } : {}) };
    reply.code(ok ? 200 : 503).send(body);
  });

  app.get('/info', async () => ({ name: 'skein', version: VERSION, storage: storage.name }));

  const renderMetrics = async (): Promise<string> => metrics.render();
  for (const url of ['/metrics', '/prometheus']) {
    app.get(url, async (request, reply) => {
      reply.type(metrics.registry.contentType).send(await renderMetrics());
    });
  }
}
