#!/usr/bin/env node
// The `skein` command; the compiled CLI lives in dist (built by `npm run build`).
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
