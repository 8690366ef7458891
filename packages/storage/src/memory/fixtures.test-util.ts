import { readdirSync, readFileSync } from 'node:fs';
import { ZIPKIN_JSON_V2 } from '@skein/codec';
import type { Span } from '@skein/model';

const testdata = new URL('../../../model/testdata/', import.meta.url);

/** Each real fixture file's bytes as they are (pretty-printed), a lone span object wrapped in a list. */
export function fixtureBodies(): { name: string; body: Uint8Array }[] {
  const out: { name: string; body: Uint8Array }[] = [];
  for (const dir of ['zipkin-lens', 'zipkin-bench']) {
    for (const f of readdirSync(new URL(`${dir}/`, testdata)).filter((n) => n.endsWith('.json')).sort()) {
      const raw = readFileSync(new URL(`${dir}/${f}`, testdata), 'utf8');
      out.push({ name: `${dir}/${f}`, body: new TextEncoder().encode(raw.trimStart().startsWith('[') ? raw : `[${raw}]`) });
    }
  }
  return out;
}

/** Each real fixture file's spans, decoded and normalized. */
export function fixtureTraces(): Span[][] {
  return fixtureBodies().map(({ body }) => ZIPKIN_JSON_V2.decode(body));
}
