import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing.js';

describe('UI static files', () => {
  let dir: string;
  let t: TestServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skein-ui-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Skein</title><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("skein")');
    t = await startTestServer({}, { uiDir: dir });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and the assets', async () => {
    const index = await fetch(`${t.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(await index.text()).toContain('<title>Skein</title>');
    const js = await fetch(`${t.url}/assets/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
  });

  it('lets browsers keep hashed assets but revalidate index.html', async () => {
    expect((await fetch(`${t.url}/assets/app.js`)).headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${t.url}/`)).headers.get('cache-control')).toBe('no-cache');
    const page = await fetch(`${t.url}/traces/463ac35c9f6413ad`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('cache-control')).toBe('no-cache');
  });

  it("answers the UI's own routes with index.html", async () => {
    for (const path of ['/traces/463ac35c9f6413ad', '/dependencies', '/compare?a=1&b=2', '/upload']) {
      const res = await fetch(`${t.url}${path}`, { headers: { accept: 'text/html' } });
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain('<title>Skein</title>');
    }
  });

  it("redirects Zipkin's /zipkin/ addresses to the same page here", async () => {
    const root = await fetch(`${t.url}/zipkin/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/');
    const deep = await fetch(`${t.url}/zipkin/traces/abc?x=1`, { redirect: 'manual' });
    expect(deep.headers.get('location')).toBe('/traces/abc?x=1');
  });

  it('answers unknown API paths with a 404 text, not the UI', async () => {
    const res = await fetch(`${t.url}/api/v2/nothing`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('no route GET /api/v2/nothing');
  });
});

describe('UI not built', () => {
  it('answers / with a page saying how to build the UI', async () => {
    const t = await startTestServer({}, { uiDir: null });
    try {
      const res = await fetch(`${t.url}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('web UI is not built');
    } finally {
      await t.close();
    }
  });
});
