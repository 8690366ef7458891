import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Span } from '../span.js';

/** Loads one of Zipkin's UI test traces copied into packages/model/testdata/zipkin-lens. */
export function lensTrace(name: string): Span[] {
  const url = new URL(`../../testdata/zipkin-lens/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as Span[];
}
