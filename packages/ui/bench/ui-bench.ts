// npm run bench:ui — Chromium (playwright-core) against a real `skein serve` (memory store):
// time from navigation to the first rendered waterfall rows, and the longest main-thread task
// (PerformanceObserver 'longtask') while scrolling to the last row, for 1,000 / 10,000 / 100,000
// spans; the dependency page with 200 services. Baseline in the same run: the same waterfall with
// windowing turned off (?render=all), which is how a naive React list renders.
import type { Span } from '@skein/model';
import type { Browser, Page } from 'playwright-core';
import { generateServiceMesh, generateTrace } from '../src/e2e/gen-trace.js';
import { ingest, launchChromium, SHOTS, startSkein } from '../src/e2e/harness.js';

const INIT = `
  window.__longest = 0; window.__tasks = 0; window.__since = 0;
  // Entries arrive asynchronously: count only tasks that started after the measured phase began.
  new PerformanceObserver((list) => { for (const e of list.getEntries()) { if (e.startTime < window.__since) continue; window.__tasks++; if (e.duration > window.__longest) window.__longest = e.duration; } })
    .observe({ type: 'longtask', buffered: true });
  window.__first = new Promise((resolve) => {
    const check = () => { const sel = window.__waitFor; if (sel && document.querySelector(sel)) { resolve(performance.now()); return true; } return false; };
    const mo = new MutationObserver(() => { if (check()) mo.disconnect(); });
    mo.observe(document, { childList: true, subtree: true });
  });
`;

interface Row { name: string; firstMs: number; longestScrollMs: number; target: string; phases?: string }

async function measureTrace(browser: Browser, url: string, traceId: string, renderAll: boolean, n: number): Promise<Row> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript(`window.__waitFor = '.wf-row'; ${INIT}`);
  await page.goto(`${url}/traces/${traceId}${renderAll ? '?render=all' : ''}`, { timeout: 600_000 });
  const firstMs = await page.evaluate('window.__first', undefined);
  // Where the time went: request sent → JSON parsed (server + transfer + parse) → tree built → rows.
  const marks = (await page.evaluate(`Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]))`)) as Record<string, number>;
  const sent = marks['skein:fetch-start'] ?? 0, parsed = marks['skein:json-parsed'] ?? 0, built = marks['skein:tree-built'] ?? 0;
  const phases = `page ${sent.toFixed(0)} · fetch+parse ${(parsed - sent).toFixed(0)} · build ${(built - parsed).toFixed(0)} · render ${(Number(firstMs) - built).toFixed(0)}`;
  await page.waitForTimeout(300);
  await page.evaluate('window.__longest = 0; window.__since = performance.now()');
  // Scroll to the end in 200 steps, one frame each, like a fast scroll-bar drag.
  await page.evaluate(`(async () => {
    const el = document.querySelector('[data-testid=waterfall]');
    const max = el.scrollHeight - el.clientHeight;
    for (let i = 1; i <= 200; i++) { el.scrollTop = Math.round(max * i / 200); await new Promise((r) => requestAnimationFrame(() => r())); }
  })()`, undefined, );
  await page.waitForTimeout(300);
  const longest = Number(await page.evaluate('window.__longest'));
  if (!renderAll) await page.screenshot({ path: `${SHOTS}bench-${n}-end.png` });
  await page.close();
  return { name: `${renderAll ? 'naive (all rows)' : 'Skein (windowed)'} ${n.toLocaleString('en')} spans`, firstMs: Number(firstMs), longestScrollMs: longest, target: n === 100_000 && !renderAll ? '≤ 1500 / ≤ 100' : '', phases };
}

async function measureDeps(browser: Browser, url: string, endTs: number): Promise<Row> {
  const page: Page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript(`window.__waitFor = '.dep-node'; ${INIT}`);
  await page.goto(`${url}/dependencies?endTs=${endTs}&lookback=1h`);
  const firstMs = Number(await page.evaluate('window.__first'));
  const nodes = await page.locator('.dep-node').count();
  const longest = Number(await page.evaluate('window.__longest'));
  await page.screenshot({ path: `${SHOTS}bench-dependencies.png` });
  await page.close();
  return { name: `dependencies: ${nodes} services`, firstMs, longestScrollMs: longest, target: '≤ 1000' };
}

async function ingestChunked(url: string, spans: readonly Span[]): Promise<void> {
  for (let i = 0; i < spans.length; i += 5000) await ingest(url, spans.slice(i, i + 5000));
}

async function main(): Promise<void> {
  const sizes = (process.env['BENCH_UI_SIZES'] ?? '1000,10000,100000').split(',').map(Number);
  const skein = await startSkein(['--max-body', String(64 * 1024 * 1024), '--mem-max-spans', '1000000']);
  const browser = await launchChromium();
  try {
    const ids = new Map<number, string>();
    for (const n of sizes) {
      const t = generateTrace(n, { endMs: Date.now() - 60_000 });
      await ingestChunked(skein.url, t);
      ids.set(n, t[0]!.traceId);
    }
    // The service mesh lives 3 hours back, so the dependency window holds only its 200 services.
    const meshEnd = Date.now() - 3 * 3_600_000;
    for (const t of generateServiceMesh(200, 3000, meshEnd)) await ingest(skein.url, t);
    const endTs = meshEnd + 60_000;
    // warm up the browser and server once (first page load compiles the bundle)
    await measureTrace(browser, skein.url, ids.get(sizes[0]!)!, false, sizes[0]!);
    const rows: Row[] = [];
    for (const n of sizes) {
      rows.push(await measureTrace(browser, skein.url, ids.get(n)!, false, n));
      if (n <= 10_000) rows.push(await measureTrace(browser, skein.url, ids.get(n)!, true, n));
    }
    rows.push(await measureDeps(browser, skein.url, endTs));
    const pad = (s: string, w: number): string => s.padEnd(w);
    console.log(`\n${pad('case', 36)}${pad('first rows ms', 15)}${pad('longest task scrolling ms', 27)}${pad('target (first / task)', 23)}phases (ms)`);
    for (const r of rows) console.log(`${pad(r.name, 36)}${pad(r.firstMs.toFixed(0), 15)}${pad(r.longestScrollMs.toFixed(0), 27)}${pad(r.target, 23)}${r.phases ?? ''}`);
    console.log('\nTargets: 100,000 spans: first rows ≤ 1500 ms, no task over 100 ms while scrolling; dependencies (200 services) ≤ 1000 ms.');
    console.log('Longest task for dependencies is during load (no scrolling). fetch+parse includes the server building the');
    console.log('response (GET /api/v2/trace/{id}). The machine is shared: figures are noisy.');
  } finally {
    await browser.close();
    await skein.stop();
  }
}

main().catch((err: unknown) => { console.error(err); process.exit(1); });
