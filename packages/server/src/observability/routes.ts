import { readFileSync } from 'node:fs';
import type { Storage } from '@skein/storage';
import type { FastifyInstance } from 'fastify';
import type { SkeinMetrics } from './metrics.js';

/** The version of @skein/server, from its package.json (one level above src and dist). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * GET /health (200 UP or 503 DOWN naming the store and its error), GET /info (version) and
 * GET /metrics (Prometheus text; also at /prometheus, where Zipkin serves it). Request
 * durations of every route are recorded from here.
 */
export function registerObservability(app: FastifyInstance, storage: Storage, metrics: SkeinMetrics): void {
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
    const body = { status: result.ok ? 'UP' : 'DOWN', storage: { name: storage.name, ...result } };
    reply.code(result.ok ? 200 : 503).send(body);
  });

  app.get('/info', async () => ({ name: 'skein', version: VERSION, storage: storage.name }));

  const renderMetrics = async (): Promise<string> => metrics.render();
  for (const url of ['/metrics', '/prometheus']) {
    app.get(url, async (request, reply) => {
      reply.type(metrics.registry.contentType).send(await renderMetrics());
    });
  }
}
