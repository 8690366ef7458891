import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracer, instrumentHttp } from '../index.js';
import { CollectingReporter } from '../test-support/collect.js';

const reporter = new CollectingReporter();
const tracer = createTracer({ serviceName: 'tls', reporter });
let server: https.Server;
let url = '';
let undo = (): void => {};
const dir = mkdtempSync(join(tmpdir(), 'skein-tls-'));

beforeAll(async () => {
  // a throwaway self-signed certificate for 127.0.0.1
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  undo = instrumentHttp(tracer);
  server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
    res.end(JSON.stringify({ active: tracer.activeSpan()?.ctx.traceId, traceparent: req.headers.traceparent }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  undo();
  await new Promise((r) => {
    server.close(r);
    server.closeAllConnections();
  });
  rmSync(dir, { recursive: true, force: true });
});

describe('instrumentHttp over TLS (node:https)', () => {
  it('traces an https client call and the https server that answers it', async () => {
    const ca = readFileSync(join(dir, 'cert.pem'));
    const root = tracer.startSpan('root');
    const body = await tracer.withSpan(
      root,
      () =>
        new Promise<string>((resolve, reject) => {
          https
            .get(`${url}/secure?x=1`, { ca }, (res) => {
              let b = '';
              res.on('data', (c: Buffer) => (b += c.toString()));
              res.on('end', () => resolve(b));
            })
            .on('error', reject);
        }),
    );
    root.finish();
    await new Promise((r) => setTimeout(r, 50));
    const answer = JSON.parse(body) as { active: string; traceparent: string };
    expect(answer.active).toBe(root.ctx.traceId);
    const client = reporter.spans.find((s) => s.kind === 'CLIENT');
    const srv = reporter.spans.find((s) => s.kind === 'SERVER');
    expect(client).toMatchObject({ traceId: root.ctx.traceId, parentId: root.ctx.spanId, tags: { 'http.path': '/secure', 'http.status_code': '200' } });
    expect(client?.remoteEndpoint?.port).toBe((server.address() as AddressInfo).port);
    expect(srv).toMatchObject({ traceId: root.ctx.traceId, parentId: client?.id, tags: { 'http.path': '/secure' } });
    expect(answer.traceparent).toBe(`00-${root.ctx.traceId}-${client?.id}-01`);
  });
});
