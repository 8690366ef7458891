import type { Span } from '@skein/model';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from './gen-trace.js';
import { ingest, launchChromium, lensTraceNow, SHOTS, startSkein, type Skein } from './harness.js';

// End-to-end: the built UI served by a real `skein serve` (memory store), driven in Chromium.
let skein: Skein;
let browser: Browser;
const SKEW = '1e223ff1f80f1c69';
const CYCLE = 'c0c0c0c0c0c0c0c0';
const BIGTAG = 'b16b16b16b16b16b';
let generated: Span[];

function cycleTrace(): Span[] {
  const now = Date.now() * 1000;
  const s = (id: string, parentId: string | undefined, off: number, name: string): Span => ({
    traceId: CYCLE, id, ...(parentId ? { parentId } : {}), name, timestamp: now - 50_000 + off, duration: 10_000, localEndpoint: { serviceName: 'loopy' },
  });
  // a → c → b → a is a cycle; d's parent is missing; e is the only real root
  return [s('000000000000000a', '000000000000000c', 0, 'in-cycle-a'), s('000000000000000b', '000000000000000a', 100, 'in-cycle-b'),
    s('000000000000000c', '000000000000000b', 200, 'in-cycle-c'), s('000000000000000d', 'ffffffffffffffff', 300, 'orphan'),
    s('000000000000000e', undefined, 0, 'real-root')];
}

function bigTagTrace(): Span[] {
  const now = Date.now() * 1000;
  return [{ traceId: BIGTAG, id: '0000000000000001', name: 'upload', timestamp: now - 90_000, duration: 5_000,
    localEndpoint: { serviceName: 'blobstore' }, tags: { payload: 'x'.repeat(10 * 1024 * 1024), small: 'ok' } }];
}

async function open(path: string, scheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: scheme });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors?: string[] }).errors = errors;
  await page.goto(`${skein.url}${path}`);
  return page;
}
const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: `${SHOTS}${name}.png` });
const pageErrors = (page: Page): string[] => (page as Page & { errors?: string[] }).errors ?? [];

beforeAll(async () => {
  skein = await startSkein(['--max-body', String(64 * 1024 * 1024), '--autocomplete-keys', 'component,http.method']);
  browser = await launchChromium();
  generated = generateTrace(1000, { endMs: Date.now() - 30_000 });
  for (const name of ['skew', 'messaging', 'yelp', 'smartthings-mobile-web-install']) await ingest(skein.url, lensTraceNow(name));
  await ingest(skein.url, generated);
  await ingest(skein.url, cycleTrace());
  await ingest(skein.url, bigTagTrace());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await skein?.stop();
});

describe('Skein UI in Chromium', () => {
  it('searches by service and opens a trace', async () => {
    const page = await open('/');
    await page.selectOption('[data-testid=service-select]', 'servicea');
    await page.click('[data-testid=search-button]');
    await page.waitForSelector('[data-testid=results] .result');
    expect(page.url()).toContain('serviceName=servicea');
    await shot(page, 'search-results');
    await page.click(`.result-link[href="/traces/${SKEW}"]`);
    await page.waitForSelector('.wf-row');
    expect(await page.locator('.wf-row').count()).toBe(4);
    expect(await page.textContent('[data-testid=span-count]')).toBe('4');
    await shot(page, 'trace-skew');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('offers the configured tag keys and their values in the tag query box', async () => {
    const page = await open('/');
    const options = (): Promise<string[]> => page.$$eval('datalist option', (els) => els.map((e) => (e as HTMLOptionElement).value));
    await expect.poll(options, { timeout: 15_000 }).toContain('component=');
    await page.fill('[data-testid=tag-query]', 'component=');
    await expect.poll(options, { timeout: 15_000 }).toContain('component=generated');
    await page.fill('[data-testid=tag-query]', 'component=generated');
    await page.click('[data-testid=search-button]');
    await page.waitForSelector('[data-testid=results] .result');
    expect(page.url()).toContain('annotationQuery=component%3Dgenerated');
    expect(await page.textContent('[data-testid=results]')).toContain(generated[0]!.traceId);
    await page.close();
  }, 60_000);

  it('collapses and expands a subtree, moves with the keyboard and reads a span\'s tags', async () => {
    const page = await open(`/traces/${generated[0]!.traceId}`, 'dark');
    await page.waitForSelector('.wf-row');
    const rootToggle = page.locator('.wf-row').first().locator('.wf-toggle');
    const rowCount = (): Promise<number> => page.locator('.wf-row').count();
    await rootToggle.click();
    await expect.poll(rowCount, { timeout: 10_000 }).toBe(1);
    await rootToggle.click();
    await expect.poll(rowCount, { timeout: 10_000 }).toBeGreaterThan(10);
    await page.focus('[data-testid=waterfall]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=span-detail]');
    const tags = await page.textContent('[data-testid=span-tags]');
    expect(tags).toContain('component');
    expect(tags).toContain('generated');
    expect(page.url()).toMatch(/span=[0-9a-f]{16}/);
    await shot(page, 'trace-1000-detail-dark');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('highlights spans matching a search and zooms to a window dragged on the mini-map', async () => {
    const page = await open(`/traces/${generated[0]!.traceId}`);
    await page.waitForSelector('.wf-row');
    await page.fill('[data-testid=trace-search]', 'upstream timed out');
    await page.waitForSelector('.wf-row.is-match, [data-testid=match-count]');
    const count = Number((await page.textContent('[data-testid=match-count]'))?.split(' ')[0]);
    const errors = generated.filter((s) => s.tags?.['error'] === 'upstream timed out').length;
    expect(count).toBe(errors);
    await page.press('[data-testid=trace-search]', 'Enter');
    await page.waitForSelector('.wf-row.is-match.is-cursor');
    const box = (await page.locator('[data-testid=minimap]').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + 20, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL(/zoom=\d+-\d+/);
    expect(page.url()).toContain('q=upstream');
    await shot(page, 'trace-search-zoom');
    await page.close();
  }, 60_000);

  it('highlights and follows the critical path', async () => {
    const page = await open(`/traces/${SKEW}`);
    await page.waitForSelector('.wf-row');
    await page.check('[data-testid=cp-toggle]');
    await page.waitForSelector('.wf-row.is-critical');
    expect(await page.locator('.wf-row.is-critical').count()).toBe(4);
    const visited: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.click('[data-testid=cp-next]');
      visited.push((await page.textContent('[data-testid=span-detail] .detail-name')) ?? '');
    }
    expect(visited).toEqual(['get', 'post', 'post', 'async']);
    expect(page.url()).toContain('cp=1');
    await shot(page, 'critical-path');
    await page.close();
  }, 60_000);

  it('draws the dependency graph and lists a service\'s callers and callees', async () => {
    const page = await open('/dependencies');
    await page.waitForSelector('[data-testid=dep-graph] .dep-node');
    await page.click('.dep-node[data-service=servicea]');
    await page.waitForSelector('[data-testid=dep-detail]');
    expect(await page.textContent('[data-testid=dep-detail]')).toContain('serviceb');
    expect(page.url()).toContain('service=servicea');
    await shot(page, 'dependencies');
    await page.close();
  }, 60_000);

  it('compares two traces by service and operation', async () => {
    const yelp = lensTraceNow('yelp')[0]!.traceId;
    const page = await open(`/compare?a=${SKEW}&b=${yelp}`);
    await page.waitForSelector('[data-testid=cmp-result]');
    expect(await page.locator('tr[data-presence=only-a]').count()).toBeGreaterThan(0);
    expect(await page.locator('tr[data-presence=only-b]').count()).toBeGreaterThan(0);
    await shot(page, 'compare');
    await page.close();
  }, 60_000);

  it('opens an uploaded OTLP/JSON file without storing it, and explains malformed JSON', async () => {
    const page = await open('/upload');
    await page.fill('[data-testid=upload-text]', '[{"traceId": "abc", "id": ');
    await page.click('[data-testid=upload-open]');
    expect(await page.textContent('[data-testid=upload-error]')).toContain('not valid JSON');
    await shot(page, 'upload-malformed');
    const otlp = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'uploaded-svc' } }] },
      scopeSpans: [{ spans: [
        { traceId: 'aaaabbbbccccddddaaaabbbbccccdddd', spanId: '1111111111111111', name: 'root-op', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000500000000' },
        { traceId: 'aaaabbbbccccddddaaaabbbbccccdddd', spanId: '2222222222222222', parentSpanId: '1111111111111111', name: 'child-op', kind: 3, startTimeUnixNano: '1700000000100000000', endTimeUnixNano: '1700000000300000000', attributes: [{ key: 'db.system', value: { stringValue: 'postgres' } }] },
      ] }] }] };
    await page.setInputFiles('[data-testid=upload-file]', { name: 'otlp.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(otlp)) });
    await page.waitForSelector('.wf-row');
    expect(await page.locator('.wf-row').count()).toBe(2);
    expect(await page.textContent('[data-testid=trace-header]')).toContain('uploaded-svc');
    await shot(page, 'upload-otlp');
    const stored = await fetch(`${skein.url}/api/v2/trace/aaaabbbbccccddddaaaabbbbccccdddd`);
    expect(stored.status).toBe(404);
    await page.close();
  }, 60_000);

  it('says clearly when a trace does not exist or the id is not an id', async () => {
    const page = await open('/traces/0123456789abcdef');
    expect(await (await page.waitForSelector('[data-testid=trace-not-found]')).textContent()).toContain('0123456789abcdef was not found');
    await shot(page, 'trace-not-found');
    await page.goto(`${skein.url}/traces/${encodeURIComponent('<script>x</script>%zz')}`);
    expect(await (await page.waitForSelector('[data-testid=bad-trace-id]')).textContent()).toContain('is not a trace ID');
    await page.fill('[data-testid=trace-id-input]', 'not/a/trace?');
    await page.press('[data-testid=trace-id-input]', 'Enter');
    await page.waitForSelector('[data-testid=bad-trace-id]');
    await shot(page, 'trace-bad-id');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a trace with cycles and missing parents, saying what was wrong', async () => {
    const page = await open(`/traces/${CYCLE}`);
    await page.waitForSelector('.wf-row');
    expect(await page.locator('.wf-row').count()).toBe(5);
    const problems = await page.textContent('[data-testid=tree-problems]');
    expect(problems).toContain('parents form a cycle');
    expect(problems).toContain('the parent is not in the trace');
    await shot(page, 'trace-cycles');
    await page.close();
  }, 60_000);

  it('shows a span with a 10 MB tag without freezing the tab', async () => {
    const page = await open(`/traces/${BIGTAG}`);
    await page.waitForSelector('.wf-row');
    await page.click('.wf-row');
    await page.waitForSelector('[data-testid=span-detail]');
    const tags = await page.textContent('[data-testid=span-tags]');
    expect(tags).toContain('truncated: 10.0 MB in all');
    expect(tags).toContain('small');
    // the tab still paints frames (a frozen tab would time this test out)
    expect(await page.evaluate(() => new Promise<string>((r) => requestAnimationFrame(() => r('painted'))))).toBe('painted');
    await shot(page, 'trace-10mb-tag');
    await page.close();
  }, 60_000);
});
