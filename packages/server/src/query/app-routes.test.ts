import type { QueryRequest } from '@skein/storage';
import { InMemoryStorage } from '@skein/storage';
import type { Span } from '@skein/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../config.js';
import { createServer, type SkeinServer } from '../server.js';

// The query API inside the whole Skein server (createServer): spans posted to the collector are
// read back, the server's defaults apply, and a failing store gets the app's 500 answer.

/** The real memory store, made to fail its searches on demand. */
class FlakyStorage extends InMemoryStorage {
  failWith: Error | undefined;
  override async getTraces(request: QueryRequest): Promise<Span[][]> {
    if (this.failWith) throw this.failWith;
    return super.getTraces(request);
  }
}

const store = new FlakyStorage({ strictTraceId: true, autocompleteKeys: ['env'], maxSpans: 1000 });
let skein: SkeinServer;
let url: string;
const now = Date.now();

function span(i: number): Span {
  return {
    traceId: (0xa00 + i).toString(16).padStart(16, '0'), id: '0000000000000001', name: 'job',
    timestamp: (now - i * 10_000) * 1000, duration: 10, localEndpoint: { serviceName: 'worker' }, tags: { env: 'prod' },
  };
}

beforeAll(async () => {
  skein = await createServer(
    makeConfig({ port: 0, host: '127.0.0.1', queryLimitDefault: 3, queryLookback: 55_000, autocompleteKeys: ['env'] }),
    { storage: store, uiDir: null },
  );
  url = await skein.listen();
  const posted = await fetch(`${url}/api/v2/spans`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(Array.from({ length: 8 }, (_, i) => span(i))),
  });
  expect(posted.status).toBe(202);
});

afterAll(async () => {
  await skein.close();
});

describe('query API in the Skein server', () => {
  it('applies --query-limit-default and --query-lookback', async () => {
    const traces = (await (await fetch(`${url}/api/v2/traces`)).json()) as Span[][];
    expect(traces.map((t) => t[0]?.traceId)).toEqual([span(0).traceId, span(1).traceId, span(2).traceId]);
    const all = (await (await fetch(`${url}/api/v2/traces?limit=100`)).json()) as Span[][];
    // spans 0..5 started within the last 55 s, 6 and 7 before
    expect(all).toHaveLength(6);
  });

  it('offers --autocomplete-keys and their values', async () => {
    expect(await (await fetch(`${url}/api/v2/autocompleteKeys`)).json()).toEqual(['env']);
    expect(await (await fetch(`${url}/api/v2/autocompleteValues?key=env`)).json()).toEqual(['prod']);
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await fetch(`${url}/api/v2/services`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.text()).toBe('');
  });

  it('answers 500 with the store\'s message when the store fails, then serves again', async () => {
    store.failWith = new Error('index corrupted');
    const res = await fetch(`${url}/api/v2/traces`);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toContain('index corrupted');
    store.failWith = undefined;
    expect((await fetch(`${url}/api/v2/traces`)).status).toBe(200);
  });

  it('answers 503, never 400, when the store fails with a coded error of its own', async () => {
    store.failWith = Object.assign(new Error('database is locked'), { code: 'STORAGE_QUERY' });
    const res = await fetch(`${url}/api/v2/traces`);
    expect(res.status).toBe(503);
    expect(res.headers.get('skein-error-code')).toBe('STORAGE_QUERY');
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.text()).toContain('database is locked');
    store.failWith = undefined;
    expect((await fetch(`${url}/api/v2/traces`)).status).toBe(200);
  });

  it('keeps 400s of the query API as text with a code through the app', async () => {
    const res = await fetch(`${url}/api/v2/traces?limit=0`);
    expect(res.status).toBe(400);
    expect(res.headers.get('skein-error-code')).toBe('QUERY_PARAM_OUT_OF_RANGE');
    expect(await res.text()).toBe('limit <= 0');
  });
});
