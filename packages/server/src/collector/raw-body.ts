import { gunzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ServerError } from '../ingest/errors.js';

/**
 * Makes every request body a raw Buffer (no JSON parsing by Fastify: each route decodes its
 * own format exactly once), at most `maxBody` bytes on the wire and, when the body is
 * gzip-encoded, at most `maxBody` bytes once inflated. Inflation stops as soon as the limit
 * is passed, so a gzip bomb costs no more than `maxBody` of memory.
 */
export function registerRawBody(app: FastifyInstance, maxBody: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBody }, (request, body, done) => {
    const encoding = contentEncoding(request);
    if (encoding === 'identity') {
      done(null, body);
      return;
    }
    if (encoding !== 'gzip') {
      done(
        new ServerError('UNSUPPORTED_ENCODING', 415, `Content-Encoding ${JSON.stringify(encoding)} is not supported: send gzip or no encoding`),
        undefined,
      );
      return;
    }
    inflate(body as Buffer, maxBody).then(
      (inflated) => done(null, inflated),
      (err: unknown) => done(err as Error, undefined),
    );
  });
}

function contentEncoding(request: FastifyRequest): string {
  const header = request.headers['content-encoding'];
  if (header === undefined || header === '') return 'identity';
  const v = header.trim().toLowerCase();
  return v === 'x-gzip' ? 'gzip' : v;
}

/** Inflates a gzip body, refusing (413) once more than maxBody bytes come out. */
export function inflate(body: Buffer, maxBody: number): Promise<Buffer> {
  if (body.length === 0) return Promise.resolve(body);
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: maxBody }, (err, out) => {
      if (err === null) {
        resolve(out);
      } else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        reject(tooLarge(maxBody, 'once inflated'));
      } else {
        reject(new ServerError('BODY_GZIP_MALFORMED', 400, `Content-Encoding is gzip but the body is not valid gzip: ${err.message}`));
      }
    });
  });
}

/** The 413 error for a body over the limit. */
export function tooLarge(maxBody: number, when = ''): ServerError {
  const where = when === '' ? '' : ` ${when}`;
  return new ServerError('BODY_TOO_LARGE', 413, `the body is larger${where} than the limit of ${maxBody} bytes (--max-body)`);
}
