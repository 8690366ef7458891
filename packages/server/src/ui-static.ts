import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The built UI's folder (holding index.html), or undefined when the UI is not built. */
export function findUiDist(): string | undefined {
  const candidates: string[] = [];
  try {
    const pkg = createRequire(import.meta.url).resolve('@skein/ui/package.json');
    candidates.push(join(dirname(pkg), 'dist'));
  } catch {
    // @skein/ui is not installed next to the server: try the monorepo layout below.
  }
  // From packages/server/src or packages/server/dist, the UI is at packages/ui/dist.
  candidates.push(fileURLToPath(new URL('../../ui/dist', import.meta.url)));
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

const NOT_BUILT = `Skein is running, but its web UI is not built.

Build it with \`npm run build\` at the repository root, then restart skein.
The Zipkin v2 API is at /api/v2/ (for example /api/v2/services), health at /health
and metrics at /metrics.
`;

/** True for a GET of a page (not the API) that the single-page UI answers with index.html. */
function isPageRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url;
  if (path.startsWith('/api/') || path === '/api') return false;
  const accept = request.headers.accept ?? '';
  return accept === '' || accept.includes('text/html') || accept.includes('*/*');
}

function notFound(request: FastifyRequest, reply: FastifyReply): void {
  reply.code(404).type('text/plain; charset=utf-8').send(`no route ${request.method} ${request.url.split('?')[0] ?? ''}\n`);
}

/**
 * Serves the web UI at / from `dir` (see findUiDist), with the UI's client-side
 * routes (/traces/{id}, /dependencies, ...) answered by index.html and Zipkin's /zipkin/...
 * addresses redirected to the same page here. Without a built UI, / explains how to build it.
 */
export async function registerUi(app: FastifyInstance, dir: string | undefined): Promise<void> {
  app.get('/zipkin', (request, reply) => reply.redirect('/', 302));
  app.get('/zipkin/*', (request, reply) => {
    const rest = request.url.slice('/zipkin'.length);
    reply.redirect(rest.startsWith('/') ? rest : `/${rest}`, 302);
  });
  if (dir === undefined) {
    app.get('/', (request, reply) => {
      reply.type('text/plain; charset=utf-8').send(NOT_BUILT);
    });
    app.setNotFoundHandler(notFound);
    return;
  }
  await app.register(fastifyStatic, {
    root: dir, prefix: '/', wildcard: false, index: ['index.html'], cacheControl: false,
    // Vite names assets by content hash, so they never change; index.html must be revalidated
    // so a new build is picked up at once.
    setHeaders: (reply, path) => {
      reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.setNotFoundHandler((request, reply) => {
    if (isPageRequest(request)) {
      reply.type('text/html; charset=utf-8').sendFile('index.html');
      return;
    }
    notFound(request, reply);
  });
}
